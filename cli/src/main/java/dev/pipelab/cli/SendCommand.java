package dev.pipelab.cli;

import dev.pipelab.api.PipeAddress;
import dev.pipelab.api.PipeClient;
import dev.pipelab.api.PipeErrorException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pipelab send}: the SDK's client, one message after another. */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Sends each message to a server and prints each reply.",
            "A server's error frame is printed as an error, with exit code 1."
        })
final class SendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--pipe",
            required = true,
            paramLabel = "<name|path>",
            description = "The server's name or socket path.")
    String pipe;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "20",
            description = "How long to wait for a busy server, and for each reply (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "<message>", description = "Messages to send, as UTF-8 text.")
    List<String> messages;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        try (PipeClient client =
                PipeClient.connect(PipeAddress.resolve(pipe), timeout).ioTimeout(timeout)) {
            for (String message : messages) {
                String reply = client.request(message);
                if (reply == null) {
                    err.println("pipelab send: the server closed the connection");
                    return 1;
                }
                out.println(reply);
            }
        } catch (PipeErrorException e) {
            err.println("pipelab send: server error: " + e.reason());
            return 1;
        }
        return 0;
    }
}
