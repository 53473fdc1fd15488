package dev.pipelab.api;

import dev.pipelab.api.protocol.Frames;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The limits and endpoint of one server, validated when built: every error names the key and
 * the allowed range. Immutable.
 *
 * <table>
 *   <caption>Keys, as used by {@link #fromProperties} and the CLI</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code pipe}</td><td>(required)</td><td>name or path, see {@link PipeAddress#resolve}</td></tr>
 *   <tr><td>{@code maxInstances}</td><td>255</td><td>clients served at once; more wait in the backlog</td></tr>
 *   <tr><td>{@code acceptBacklog}</td><td>0: the system's maximum (SOMAXCONN)</td><td>connects the OS holds for the server before it takes them</td></tr>
 *   <tr><td>{@code maxMessageBytes}</td><td>1048576</td><td>largest request payload; larger is a protocol error</td></tr>
 *   <tr><td>{@code outboundQueueBytes}</td><td>max(4 MiB, 2 frames of maxMessageBytes)</td><td>queued bytes per session before a push is refused</td></tr>
 *   <tr><td>{@code idleTimeout}</td><td>0 (none)</td><td>a session that sends nothing this long is closed</td></tr>
 *   <tr><td>{@code gracePeriod}</td><td>5s</td><td>how long close waits for owed replies</td></tr>
 *   <tr><td>{@code socketFileMode}</td><td>0600</td><td>permissions of the Unix socket file</td></tr>
 *   <tr><td>{@code allowedUsers}</td><td>(anyone)</td><td>comma-separated user names that may connect</td></tr>
 *   <tr><td>{@code allowedGroups}</td><td>(anyone)</td><td>comma-separated group names that may connect</td></tr>
 * </table>
 */
public final class PipeServerConfig {

    /** Win32's PIPE_UNLIMITED_INSTANCES, our default cap on concurrent clients. */
    public static final int DEFAULT_MAX_INSTANCES = 255;
    /** The largest accepted {@code maxInstances}. */
    public static final int MAX_INSTANCES_LIMIT = 1_000_000;
    /** Floor of the default outbound queue bound. */
    public static final long DEFAULT_OUTBOUND_QUEUE_BYTES = 4L << 20;
    /** {@code acceptBacklog} for the system's maximum, SOMAXCONN: the default. */
    public static final int SYSTEM_MAXIMUM_BACKLOG = 0;
    /** Default {@code gracePeriod}. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(5);

    private static final Duration MAX_DURATION = Duration.ofDays(1);

    private final String pipe;
    private final PipeAddress address;
    private final int maxInstances;
    private final int acceptBacklog;
    private final int maxMessageBytes;
    private final long outboundQueueBytes;
    private final boolean outboundQueueBytesDerived; // from maxMessageBytes, not set by the user
    private final Duration idleTimeout;
    private final Duration gracePeriod;
    private final Set<PosixFilePermission> socketFileMode;
    private final Set<String> allowedUsers;
    private final Set<String> allowedGroups;

    private PipeServerConfig(Builder b, PipeAddress address, long outboundQueueBytes) {
        this.pipe = b.pipe;
        this.address = address;
        this.maxInstances = b.maxInstances;
        this.acceptBacklog = b.acceptBacklog;
        this.maxMessageBytes = b.maxMessageBytes;
        this.outboundQueueBytes = outboundQueueBytes;
        this.outboundQueueBytesDerived = b.outboundQueueBytes < 0;
        this.idleTimeout = b.idleTimeout;
        this.gracePeriod = b.gracePeriod;
        this.socketFileMode = Set.copyOf(b.socketFileMode);
        this.allowedUsers = Set.copyOf(b.allowedUsers);
        this.allowedGroups = Set.copyOf(b.allowedGroups);
    }

    /** A builder with every key at its default; {@code pipe} must still be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder for the pipe {@code pipe} (a name or a path) with every other key at its default. */
    public static Builder builder(String pipe) {
        return new Builder().pipe(pipe);
    }

    /**
     * A builder with the keys of this configuration as they were set: a key left at its default
     * (or derived from another, as {@code outboundQueueBytes} from {@code maxMessageBytes}) is
     * left so, and follows what it derives from.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.pipe = pipe;
        b.maxInstances = maxInstances;
        b.acceptBacklog = acceptBacklog;
        b.maxMessageBytes = maxMessageBytes;
        b.outboundQueueBytes = outboundQueueBytesDerived ? -1 : outboundQueueBytes;
        b.idleTimeout = idleTimeout;
        b.gracePeriod = gracePeriod;
        b.socketFileMode = EnumSet.noneOf(PosixFilePermission.class);
        b.socketFileMode.addAll(socketFileMode);
        b.allowedUsers = allowedUsers;
        b.allowedGroups = allowedGroups;
        return b;
    }

    /**
     * Reads the keys of the table above from {@code props}, each optionally prefixed with
     * {@code pipelab.}; unknown keys with that prefix are an error, so typos do not pass silently.
     */
    public static Builder fromProperties(Properties props) {
        Builder b = new Builder();
        for (String rawKey : props.stringPropertyNames()) {
            String key = rawKey.startsWith("pipelab.") ? rawKey.substring("pipelab.".length()) : rawKey;
            String value = props.getProperty(rawKey).strip();
            switch (key) {
                case "pipe" -> b.pipe(value);
                case "maxInstances" -> b.maxInstances(parseInt(key, value));
                case "acceptBacklog" -> b.acceptBacklog(parseInt(key, value));
                case "maxMessageBytes" -> b.maxMessageBytes(parseInt(key, value));
                case "outboundQueueBytes" -> b.outboundQueueBytes(parseLong(key, value));
                case "idleTimeout" -> b.idleTimeout(parseDuration(key, value));
                case "gracePeriod" -> b.gracePeriod(parseDuration(key, value));
                case "socketFileMode" -> b.socketFileMode(parseMode(value));
                case "allowedUsers" -> b.allowedUsers(parseNames(value));
                case "allowedGroups" -> b.allowedGroups(parseNames(value));
                case "strategy",
                        "seam",
                        "handler",
                        "counterFile",
                        "ledgerFile",
                        "ledgerCommit" -> {} // read by whoever picks the engine and handler
                default -> {
                    if (rawKey.startsWith("pipelab.")) {
                        throw new IllegalArgumentException("unknown configuration key '" + rawKey + "'; known: "
                                + "pipe, maxInstances, acceptBacklog, maxMessageBytes, outboundQueueBytes, idleTimeout, "
                                + "gracePeriod, socketFileMode, allowedUsers, allowedGroups, strategy, seam, handler, counterFile,"
                                + " ledgerFile, ledgerCommit");
                    }
                }
            }
        }
        return b;
    }

    /**
     * Parses a duration: ISO-8601 ({@code PT30S}) or a number with a unit {@code ms}, {@code s},
     * {@code m} or {@code h} ({@code 250ms}, {@code 5s}); {@code 0} means none.
     */
    public static Duration parseDuration(String key, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("0")) {
                return Duration.ZERO;
            }
            if (t.startsWith("p")) {
                return Duration.parse(text.strip());
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                    key + " must be a duration like 250ms, 5s, 2m or PT5S, was '" + text + "'");
        }
    }

    /** Parses a file mode: octal ({@code 0600}, {@code 660}) or symbolic ({@code rw-------}). */
    public static Set<PosixFilePermission> parseMode(String text) {
        String t = text.strip();
        try {
            if (t.matches("0?[0-7]{3}")) {
                int bits = Integer.parseInt(t, 8);
                Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
                PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
                for (int i = 0; i < 9; i++) {
                    if ((bits & (1 << (8 - i))) != 0) {
                        mode.add(order[i]);
                    }
                }
                return mode;
            }
            return PosixFilePermissions.fromString(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "socketFileMode must be octal like 0600 or symbolic like rw-------," + " was '" + text + "'");
        }
    }

    private static Set<String> parseNames(String value) {
        Set<String> names = new java.util.TreeSet<>();
        for (String name : value.split(",", -1)) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return names;
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'");
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'");
        }
    }

    /** The name or path as given. */
    public String pipe() {
        return pipe;
    }

    /** The resolved endpoint. */
    public PipeAddress address() {
        return address;
    }

    /** Clients served at once; more wait in the backlog. */
    public int maxInstances() {
        return maxInstances;
    }

    /**
     * How many connects the OS holds for the server before it takes them, or
     * {@link #SYSTEM_MAXIMUM_BACKLOG} for the most the system allows. Independent of
     * {@link #maxInstances()}: a burst of clients waits here, as clients beyond
     * {@code maxInstances} do, instead of being turned away as busy.
     */
    public int acceptBacklog() {
        return acceptBacklog;
    }

    /** Largest request payload a client may send. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Bytes a session may have queued before a push to it is refused. */
    public long outboundQueueBytes() {
        return outboundQueueBytes;
    }

    /** How long a session may send nothing before it is closed; zero for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How long close waits for owed replies before it forces connections closed. */
    public Duration gracePeriod() {
        return gracePeriod;
    }

    /** Permissions of the Unix socket file. */
    public Set<PosixFilePermission> socketFileMode() {
        return socketFileMode;
    }

    /** User names that may connect; empty, together with {@link #allowedGroups()}, for anyone. */
    public Set<String> allowedUsers() {
        return allowedUsers;
    }

    /** Group names that may connect; empty, together with {@link #allowedUsers()}, for anyone. */
    public Set<String> allowedGroups() {
        return allowedGroups;
    }

    /**
     * Why {@code peer} may not connect, or empty if it may: with an allow-list, the peer's user
     * must be on it, or a group it is a member of ({@link PeerIdentity#isMemberOf}). A peer the OS does not identify is refused then.
     */
    public java.util.Optional<String> refusal(PeerIdentity peer) {
        if (allowedUsers.isEmpty() && allowedGroups.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (allowedUsers.contains(peer.user()) || allowedGroups.stream().anyMatch(peer::isMemberOf)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("user " + peer.user() + " (group " + peer.group()
                + ") may not connect to this server: allowedUsers=" + new java.util.TreeSet<>(allowedUsers)
                + ", allowedGroups=" + new java.util.TreeSet<>(allowedGroups));
    }

    @Override
    public String toString() {
        return "PipeServerConfig[pipe=" + address + ", maxInstances=" + maxInstances + ", acceptBacklog="
                + (acceptBacklog == SYSTEM_MAXIMUM_BACKLOG ? "system maximum" : acceptBacklog) + ", maxMessageBytes="
                + maxMessageBytes + ", outboundQueueBytes=" + outboundQueueBytes + ", idleTimeout=" + idleTimeout
                + ", gracePeriod=" + gracePeriod + ", socketFileMode="
                + PosixFilePermissions.toString(socketFileMode)
                + (allowedUsers.isEmpty() && allowedGroups.isEmpty()
                        ? ""
                        : ", allowedUsers=" + allowedUsers + ", allowedGroups=" + allowedGroups)
                + "]";
    }

    /** Collects keys; {@link #build()} validates them together. */
    public static final class Builder {
        private String pipe;
        private int maxInstances = DEFAULT_MAX_INSTANCES;
        private int acceptBacklog = SYSTEM_MAXIMUM_BACKLOG;
        private int maxMessageBytes = Frames.DEFAULT_MAX_MESSAGE_BYTES;
        private long outboundQueueBytes = -1; // derived from maxMessageBytes unless set
        private Duration idleTimeout = Duration.ZERO;
        private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
        private Set<PosixFilePermission> socketFileMode = PosixFilePermissions.fromString("rw-------");
        private Set<String> allowedUsers = Set.of();
        private Set<String> allowedGroups = Set.of();

        private Builder() {}

        public Builder pipe(String pipe) {
            this.pipe = pipe;
            return this;
        }

        public Builder maxInstances(int maxInstances) {
            this.maxInstances = maxInstances;
            return this;
        }

        /** Connects held for the server; {@link PipeServerConfig#SYSTEM_MAXIMUM_BACKLOG} for the system's maximum. */
        public Builder acceptBacklog(int acceptBacklog) {
            this.acceptBacklog = acceptBacklog;
            return this;
        }

        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        public Builder outboundQueueBytes(long outboundQueueBytes) {
            this.outboundQueueBytes = outboundQueueBytes;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder gracePeriod(Duration gracePeriod) {
            this.gracePeriod = gracePeriod;
            return this;
        }

        public Builder socketFileMode(Set<PosixFilePermission> socketFileMode) {
            this.socketFileMode = EnumSet.noneOf(PosixFilePermission.class);
            this.socketFileMode.addAll(socketFileMode);
            return this;
        }

        /** Only these users may connect (with {@link #allowedGroups}: users or groups). */
        public Builder allowedUsers(Set<String> users) {
            this.allowedUsers = Set.copyOf(users);
            return this;
        }

        /** Only users in these groups may connect (with {@link #allowedUsers}: users or groups). */
        public Builder allowedGroups(Set<String> groups) {
            this.allowedGroups = Set.copyOf(groups);
            return this;
        }

        /**
         * Validates every key and builds.
         *
         * @throws IllegalArgumentException naming the first key out of range and its allowed range
         */
        public PipeServerConfig build() {
            if (pipe == null) {
                throw new IllegalArgumentException("pipe is required: a name like pipelab:demo or an absolute path");
            }
            if (maxInstances < 1 || maxInstances > MAX_INSTANCES_LIMIT) {
                throw new IllegalArgumentException(
                        "maxInstances must be between 1 and " + MAX_INSTANCES_LIMIT + ", was " + maxInstances);
            }
            if (acceptBacklog < 0 || acceptBacklog > MAX_INSTANCES_LIMIT) {
                throw new IllegalArgumentException("acceptBacklog must be between 1 and " + MAX_INSTANCES_LIMIT
                        + ", or 0 for the system's maximum, was " + acceptBacklog);
            }
            if (maxMessageBytes < 0) {
                throw new IllegalArgumentException("maxMessageBytes must be between 0 and " + Frames.MAX_PAYLOAD_BYTES
                        + ", was " + maxMessageBytes);
            }
            long oneFrame = Frames.frameBytes(maxMessageBytes);
            long queueBytes = outboundQueueBytes;
            if (queueBytes < 0) {
                queueBytes = Math.max(DEFAULT_OUTBOUND_QUEUE_BYTES, 2 * oneFrame);
            } else if (queueBytes < oneFrame) {
                throw new IllegalArgumentException("outboundQueueBytes must be at least one frame of maxMessageBytes ("
                        + oneFrame + "), was " + queueBytes);
            }
            checkDuration("idleTimeout", idleTimeout);
            checkDuration("gracePeriod", gracePeriod);
            Objects.requireNonNull(socketFileMode, "socketFileMode");
            if (!socketFileMode.contains(PosixFilePermission.OWNER_READ)
                    || !socketFileMode.contains(PosixFilePermission.OWNER_WRITE)) {
                throw new IllegalArgumentException("socketFileMode must let the owner read and write (rw-------"
                        + " or wider), was " + PosixFilePermissions.toString(socketFileMode));
            }
            return new PipeServerConfig(this, PipeAddress.resolve(pipe), queueBytes);
        }

        private static void checkDuration(String key, Duration d) {
            Objects.requireNonNull(d, key);
            if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(key + " must be between 0 and " + MAX_DURATION + ", was " + d);
            }
        }
    }
}
