package dev.pipelab.ledger;

import dev.pipelab.ledger.LedgerRequest.Balance;
import dev.pipelab.ledger.LedgerRequest.Invalid;
import dev.pipelab.ledger.LedgerRequest.Open;
import dev.pipelab.ledger.LedgerRequest.Show;
import dev.pipelab.ledger.LedgerRequest.Transfer;
import java.util.regex.Pattern;

/** How each ledger request's words are read; every message names what was wrong. */
final class LedgerParsing {
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    private LedgerParsing() {}

    /** The arguments {@code verb} takes, as the protocol writes them; null for an unknown verb. */
    static String usage(String verb) {
        return switch (verb) {
            case "open" -> "ACCOUNT AMOUNT";
            case "transfer" -> "FROM TO AMOUNT";
            case "balance" -> "ACCOUNT";
            case "show" -> "ID";
            case "total", "count", "syncs" -> "";
            default -> null;
        };
    }

    static int arguments(String usage) {
        return usage.isEmpty() ? 0 : usage.split(" ").length;
    }

    static Invalid wrongArity(String[] words, String usage) {
        int expected = arguments(usage);
        return new Invalid("error: " + words[0]
                + (expected == 0 ? " takes no arguments" : " takes " + expected + " (" + words[0] + " " + usage + ")")
                + ", got " + (words.length - 1));
    }

    static LedgerRequest open(String[] w) {
        String bad = badAccount(w[1]);
        if (bad != null) {
            return new Invalid(bad);
        }
        long amount = amount(w[2], 0);
        return amount < 0 ? new Invalid(badAmount(w[2], 0)) : new Open(w[1], amount);
    }

    static LedgerRequest transfer(String[] w) {
        for (int i = 1; i <= 2; i++) {
            String bad = badAccount(w[i]);
            if (bad != null) {
                return new Invalid(bad);
            }
        }
        long amount = amount(w[3], 1);
        return amount < 0 ? new Invalid(badAmount(w[3], 1)) : new Transfer(w[1], w[2], amount);
    }

    static LedgerRequest balance(String[] w) {
        String bad = badAccount(w[1]);
        return bad != null ? new Invalid(bad) : new Balance(w[1]);
    }

    static LedgerRequest show(String[] w) {
        long id = number(w[1]);
        return id < 1
                ? new Invalid("error: transfer id '" + quote(w[1]) + "' is not a positive decimal integer")
                : new Show(id);
    }

    private static String badAccount(String word) {
        return ACCOUNT.matcher(word).matches()
                ? null
                : "error: account '" + quote(word) + "' is not 1 to 64 of the letters A-Z a-z, digits, _ and -";
    }

    /** The amount {@code word} says, or -1 when it is not a decimal integer from {@code min} to 10^15. */
    private static long amount(String word, long min) {
        long n = number(word);
        return n >= min && n <= LedgerRequest.MAX_AMOUNT ? n : -1;
    }

    private static String badAmount(String word, long min) {
        return "error: amount '" + quote(word) + "' is not a decimal integer from " + min + " to "
                + LedgerRequest.MAX_AMOUNT;
    }

    /** The non-negative decimal integer {@code word} is, or -1 (not digits, or past a long). */
    private static long number(String word) {
        if (!DIGITS.matcher(word).matches()) {
            return -1;
        }
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            return -1; // 19 digits past Long.MAX_VALUE
        }
    }

    /** {@code text} as an error message quotes it: at most 40 characters. */
    static String quote(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
