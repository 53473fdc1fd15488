package dev.pipelab.testsuite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code ledger} handler should answer, written from the protocol alone (README,
 * PROTOCOL.md), not from the handler's code: balances in a map, transfers in a list whose index
 * is the id less one. Bad input is {@link #BAD_INPUT}: some {@code error: ...} that names the
 * problem, whose wording the model does not fix; application errors it gives exactly.
 */
final class LedgerModel {

    /** Stands for any {@code error: ...} reply to a malformed request. */
    static final String BAD_INPUT = "error: <bad input>";
    /** Stands for {@code ok ID} where the model cannot know the id (other clients transfer too). */
    static final String SOME_ID = "ok <id>";

    static final long MAX_AMOUNT = 1_000_000_000_000_000L;

    /** The kinds of request the properties generate. */
    enum Verb {
        OPEN,
        TRANSFER,
        BALANCE,
        SHOW,
        TOTAL,
        COUNT,
        MALFORMED
    }

    /**
     * One generated request: {@code first} and {@code second} pick accounts (or, for show, the
     * id; for malformed, which way to break it).
     */
    record Command(Verb verb, int first, int second, long amount) {

        /** The request's text, with {@code accounts} naming the account numbers. */
        String text(List<String> accounts) {
            String a = accounts.get(first % accounts.size());
            String b = accounts.get(second % accounts.size());
            return switch (verb) {
                case OPEN -> "open " + a + " " + amount;
                case TRANSFER -> "transfer " + a + " " + b + " " + amount;
                case BALANCE -> "balance " + a;
                case SHOW -> "show " + first;
                case TOTAL -> "total";
                case COUNT -> "count";
                case MALFORMED ->
                    switch (first % 5) {
                        case 0 -> "withdraw " + a + " " + amount;
                        case 1 -> "open " + a;
                        case 2 -> "balance " + a + ".x";
                        case 3 -> "transfer " + a + "  " + b + " " + amount;
                        default -> "transfer " + a + " " + b + " -" + amount;
                    };
            };
        }
    }

    private final Map<String, Long> balances = new HashMap<>();
    private final List<String> transfers = new ArrayList<>();
    private final boolean exactIds;
    private long opened;

    /** A model; with {@code exactIds} false, transfers answer {@link #SOME_ID}. */
    LedgerModel(boolean exactIds) {
        this.exactIds = exactIds;
    }

    /** An account that exists from the start, whose balance this model does not follow. */
    void assumeExists(String account) {
        balances.put(account, Long.MAX_VALUE / 2);
    }

    /** The reply to {@code c}, applying it to the model. */
    String apply(Command c, List<String> accounts) {
        String a = accounts.get(c.first() % accounts.size());
        String b = accounts.get(c.second() % accounts.size());
        return switch (c.verb()) {
            case OPEN -> {
                if (c.amount() > MAX_AMOUNT) {
                    yield BAD_INPUT;
                }
                if (balances.containsKey(a)) {
                    yield "error: account " + a + " exists";
                }
                balances.put(a, c.amount());
                opened += c.amount();
                yield "ok";
            }
            case TRANSFER -> transfer(a, b, c.amount());
            case BALANCE -> balances.containsKey(a) ? Long.toString(balances.get(a)) : "error: no account " + a;
            case SHOW ->
                c.first() >= 1 && c.first() <= transfers.size()
                        ? transfers.get(c.first() - 1)
                        : c.first() < 1 ? BAD_INPUT : "error: no transfer " + c.first();
            case TOTAL ->
                Long.toString(
                        balances.values().stream().mapToLong(Long::longValue).sum());
            case COUNT -> Integer.toString(transfers.size());
            case MALFORMED -> BAD_INPUT;
        };
    }

    private String transfer(String from, String to, long amount) {
        if (amount < 1 || amount > MAX_AMOUNT) {
            return BAD_INPUT;
        }
        if (from.equals(to)) {
            return "error: same account";
        }
        if (!balances.containsKey(from)) {
            return "error: no account " + from;
        }
        if (!balances.containsKey(to)) {
            return "error: no account " + to;
        }
        if (balances.get(from) < amount) {
            return "error: insufficient funds";
        }
        balances.merge(from, -amount, Long::sum);
        balances.merge(to, amount, Long::sum);
        transfers.add(from + " " + to + " " + amount);
        return exactIds ? "ok " + transfers.size() : SOME_ID;
    }

    /** True when {@code observed} is what {@code expected} (a reply of this model) allows. */
    static boolean matches(String expected, String observed) {
        if (expected.equals(BAD_INPUT)) {
            return observed.startsWith("error: ") && !observed.equals(BAD_INPUT);
        }
        if (expected.equals(SOME_ID)) {
            return observed.matches("ok [1-9][0-9]*");
        }
        return expected.equals(observed);
    }

    /** What the accounts this model opened were opened with, in all. */
    long openedAmount() {
        return opened;
    }

    /** The transfers made, by id less one. */
    List<String> transfers() {
        return transfers;
    }
}
