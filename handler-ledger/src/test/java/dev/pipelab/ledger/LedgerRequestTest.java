package dev.pipelab.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelab.ledger.LedgerRequest.Invalid;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LedgerRequestTest {

    private static LedgerRequest parse(String text) {
        return LedgerRequest.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachVerbReadsItsWords() {
        assertThat(parse("open alice 0")).isEqualTo(new LedgerRequest.Open("alice", 0));
        assertThat(parse("open A-z_09 1000000000000000"))
                .isEqualTo(new LedgerRequest.Open("A-z_09", LedgerRequest.MAX_AMOUNT));
        assertThat(parse("transfer a b 1")).isEqualTo(new LedgerRequest.Transfer("a", "b", 1));
        assertThat(parse("balance " + "x".repeat(64))).isEqualTo(new LedgerRequest.Balance("x".repeat(64)));
        assertThat(parse("show 9223372036854775807")).isEqualTo(new LedgerRequest.Show(Long.MAX_VALUE));
        assertThat(parse("total")).isEqualTo(new LedgerRequest.Total());
        assertThat(parse("count")).isEqualTo(new LedgerRequest.Count());
        assertThat(parse("syncs")).isEqualTo(new LedgerRequest.Syncs());
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''|error: empty request; the verbs are open, transfer, balance, show, total, count, syncs",
                "withdraw a 5|error: unknown verb 'withdraw'; the verbs are open, transfer, balance, show, total,"
                        + " count, syncs",
                "OPEN a 5|error: unknown verb 'OPEN'",
                "open a|error: open takes 2 (open ACCOUNT AMOUNT), got 1",
                "transfer a b|error: transfer takes 3 (transfer FROM TO AMOUNT), got 2",
                "total 1|error: total takes no arguments, got 1",
                "show|error: show takes 1 (show ID), got 0",
                "open  a 5|error: empty word 2 in 'open  a 5': words are separated by one space",
                "'balance a '|error: empty word 3",
                "open a.b 5|error: account 'a.b' is not 1 to 64 of the letters A-Z a-z, digits, _ and -",
                "balance ä|error: account 'ä' is not 1 to 64",
                "open a -5|error: amount '-5' is not a decimal integer from 0 to 1000000000000000",
                "open a +5|error: amount '+5' is not a decimal integer",
                "open a 1000000000000001|error: amount '1000000000000001' is not a decimal integer from 0 to",
                "transfer a b 0|error: amount '0' is not a decimal integer from 1 to 1000000000000000",
                "transfer a b 99999999999999999999|error: amount '99999999999999999999' is not a decimal integer",
                "transfer a b 1.5|error: amount '1.5' is not",
                "show 0|error: transfer id '0' is not a positive decimal integer",
                "show 9223372036854775808|error: transfer id '9223372036854775808' is not a positive decimal integer",
            })
    void badInputIsRefusedWithAReplyNamingWhatWasWrong(String request, String reply) {
        assertThat(parse(request))
                .isInstanceOfSatisfying(
                        Invalid.class, i -> assertThat(i.reply()).startsWith(reply));
    }

    @Test
    void accountsLongerThan64AreRefused() {
        assertThat(parse("open " + "a".repeat(65) + " 1")).isInstanceOf(Invalid.class);
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        assertThat(LedgerRequest.parse(new byte[] {'t', 'o', 't', (byte) 0xC3}))
                .isEqualTo(new Invalid("error: the request is not UTF-8 text"));
    }

    @Test
    void onlyOpenAndTransferWrite() {
        assertThat(parse("open a 1").writes()).isTrue();
        assertThat(parse("transfer a b 1").writes()).isTrue();
        assertThat(parse("balance a").writes()).isFalse();
        assertThat(parse("nonsense").writes()).isFalse();
    }
}
