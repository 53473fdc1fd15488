package dev.pipelab.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One request of the ledger protocol, parsed: UTF-8 text, words separated by one space. A
 * request that cannot be parsed is an {@link Invalid}, which carries the {@code error: ...}
 * reply that says what was wrong; it changes nothing.
 */
public sealed interface LedgerRequest {

    /** The largest amount an account may be opened with, or a transfer may move: 10^15. */
    long MAX_AMOUNT = 1_000_000_000_000_000L;

    /** The verbs, in the order the protocol lists them. */
    List<String> VERBS = List.of("open", "transfer", "balance", "show", "total", "count", "syncs");

    /** {@code open ACCOUNT AMOUNT}: a new account holding AMOUNT (0 to 10^15). */
    record Open(String account, long amount) implements LedgerRequest {}

    /** {@code transfer FROM TO AMOUNT}: moves AMOUNT (1 to 10^15) from one account to another. */
    record Transfer(String from, String to, long amount) implements LedgerRequest {}

    /** {@code balance ACCOUNT}. */
    record Balance(String account) implements LedgerRequest {}

    /** {@code show ID}: the committed transfer ID. */
    record Show(long id) implements LedgerRequest {}

    /** {@code total}: the sum of all balances. */
    record Total() implements LedgerRequest {}

    /** {@code count}: the number of committed transfers. */
    record Count() implements LedgerRequest {}

    /** {@code syncs}: how many durable commits (one sync each) the server has made since it started. */
    record Syncs() implements LedgerRequest {}

    /** A request that is not one of the above; {@code reply} says why. */
    record Invalid(String reply) implements LedgerRequest {}

    /** True for the requests that change the ledger when they succeed. */
    default boolean writes() {
        return this instanceof Open || this instanceof Transfer;
    }

    /** The request {@code message} holds; never throws. */
    static LedgerRequest parse(byte[] message) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Invalid("error: the request is not UTF-8 text");
        }
        if (text.isEmpty()) {
            return new Invalid("error: empty request; the verbs are " + String.join(", ", VERBS));
        }
        String[] words = text.split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            if (words[i].isEmpty()) {
                return new Invalid("error: empty word " + (i + 1) + " in '" + LedgerParsing.quote(text)
                        + "': words are separated by one space");
            }
        }
        String verb = words[0];
        String usage = LedgerParsing.usage(verb);
        if (usage == null) {
            return new Invalid("error: unknown verb '" + LedgerParsing.quote(verb) + "'; the verbs are "
                    + String.join(", ", VERBS));
        }
        if (words.length - 1 != LedgerParsing.arguments(usage)) {
            return LedgerParsing.wrongArity(words, usage);
        }
        return switch (verb) {
            case "open" -> LedgerParsing.open(words);
            case "transfer" -> LedgerParsing.transfer(words);
            case "balance" -> LedgerParsing.balance(words);
            case "show" -> LedgerParsing.show(words);
            case "total" -> new Total();
            case "count" -> new Count();
            default -> new Syncs();
        };
    }
}
