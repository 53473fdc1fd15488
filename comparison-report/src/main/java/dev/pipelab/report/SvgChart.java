package dev.pipelab.report;

import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG, so the page needs nothing from outside: x is the number of clients
 * on a log scale, y linear from zero or logarithmic, one line per server.
 */
final class SvgChart {

    /** One point: clients and the value measured there. */
    record Point(double x, double y) {}

    /** One server's line. */
    record Series(String name, String color, List<Point> points) {}

    private static final int WIDTH = 600;
    private static final int HEIGHT = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 110;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private SvgChart() {}

    static String line(String title, String yLabel, List<Series> series, boolean logY) {
        List<Point> all = series.stream()
                .flatMap(s -> s.points().stream())
                .filter(p -> p.y() > 0 || !logY)
                .toList();
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 %d %d' role='img' aria-label='%s'>",
                WIDTH,
                HEIGHT,
                HtmlReport.escape(title)));
        svg.append(text(WIDTH / 2.0, 18, title, "middle", "title"));
        if (all.isEmpty()) {
            return svg.append(text(WIDTH / 2.0, HEIGHT / 2.0, "no data", "middle", ""))
                    .append("</svg>")
                    .toString();
        }
        double xMin = Math.log10(all.stream().mapToDouble(Point::x).min().orElse(1));
        double xMax = Math.log10(all.stream().mapToDouble(Point::x).max().orElse(10));
        if (xMax - xMin < 1e-9) {
            xMin -= 0.5;
            xMax += 0.5;
        }
        double yMax = all.stream().mapToDouble(Point::y).max().orElse(1);
        double yMin = logY
                ? Math.floor(Math.log10(all.stream().mapToDouble(Point::y).min().orElse(1)))
                : 0;
        double yTop = logY ? Math.ceil(Math.log10(yMax)) : niceCeiling(yMax);
        if (yTop <= yMin) {
            yTop = yMin + 1;
        }
        Axes axes = new Axes(xMin, xMax, yMin, yTop, logY);
        svg.append(String.format(
                Locale.ROOT,
                "<rect x='%d' y='%d' width='%d' height='%d' class='plot'/>",
                LEFT,
                TOP,
                WIDTH - LEFT - RIGHT,
                HEIGHT - TOP - BOTTOM));
        for (int e = (int) Math.ceil(xMin); e <= Math.floor(xMax); e++) {
            double x = axes.x(Math.pow(10, e));
            svg.append(gridLine(x, TOP, x, HEIGHT - BOTTOM));
            svg.append(text(x, HEIGHT - BOTTOM + 16, Format.number(Math.pow(10, e)), "middle", "tick"));
        }
        svg.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6, "clients (log scale)", "middle", "axis"));
        int steps = logY ? (int) (yTop - yMin) : 5;
        for (int i = 0; i <= steps; i++) {
            double v = logY ? Math.pow(10, yMin + i) : yTop * i / steps;
            double y = axes.y(v);
            svg.append(gridLine(LEFT, y, WIDTH - RIGHT, y));
            svg.append(text(LEFT - 6, y + 4, Format.number(v), "end", "tick"));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x='14' y='%.1f' transform='rotate(-90 14 %.1f)' text-anchor='middle' class='axis'>%s</text>",
                TOP + (HEIGHT - TOP - BOTTOM) / 2.0,
                TOP + (HEIGHT - TOP - BOTTOM) / 2.0,
                HtmlReport.escape(yLabel)));
        int legendY = TOP + 10;
        for (Series s : series) {
            List<Point> points =
                    s.points().stream().filter(p -> p.y() > 0 || !logY).toList();
            StringBuilder path = new StringBuilder();
            for (Point p : points) {
                path.append(path.isEmpty() ? "M" : " L")
                        .append(String.format(Locale.ROOT, "%.1f %.1f", axes.x(p.x()), axes.y(p.y())));
                svg.append(String.format(
                        Locale.ROOT,
                        "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>",
                        axes.x(p.x()),
                        axes.y(p.y()),
                        s.color()));
            }
            if (points.size() > 1) {
                svg.append(String.format(
                        Locale.ROOT, "<path d='%s' fill='none' stroke='%s' stroke-width='2'/>", path, s.color()));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x='%d' y='%d' width='12' height='4' fill='%s'/>",
                    WIDTH - RIGHT + 10,
                    legendY - 4,
                    s.color()));
            svg.append(text(WIDTH - RIGHT + 26, legendY + 1, s.name(), "start", "legend"));
            legendY += 16;
        }
        return svg.append("</svg>").toString();
    }

    /** Maps values to pixels. */
    private record Axes(double xMin, double xMax, double yMin, double yTop, boolean logY) {
        double x(double clients) {
            return LEFT + (Math.log10(clients) - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double y(double v) {
            double t = logY ? (Math.log10(v) - yMin) / (yTop - yMin) : (v - yMin) / (yTop - yMin);
            return HEIGHT - BOTTOM - t * (HEIGHT - TOP - BOTTOM);
        }
    }

    /** The smallest of 1, 2 or 5 times a power of ten at or above {@code v}. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= v) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String gridLine(double x1, double y1, double x2, double y2) {
        return String.format(
                Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' class='grid'/>", x1, y1, x2, y2);
    }

    private static String text(double x, double y, String s, String anchor, String cls) {
        return String.format(
                Locale.ROOT,
                "<text x='%.1f' y='%.1f' text-anchor='%s' class='%s'>%s</text>",
                x,
                y,
                anchor,
                cls,
                HtmlReport.escape(s));
    }
}
