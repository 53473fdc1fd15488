package dev.pipelab.testsuite.fake;

import dev.pipelab.api.PipeServerConfig;
import dev.pipelab.spi.os.PipeSystem;
import dev.pipelab.testsuite.PipeSystemContract;

/**
 * The seam's contract on a scripted seam that engines' state-machine tests run on: it must agree
 * with the real seams. An engine module runs it with a subclass that names its fake and style.
 */
public abstract class ScriptedSeamContract extends PipeSystemContract {

    private final ScriptedSeam seam;
    private final Style style;
    private int clients;

    protected ScriptedSeamContract(ScriptedSeam seam, Style style) {
        this.seam = seam;
        this.style = style;
    }

    @Override
    protected PipeSystem seam() {
        return seam;
    }

    @Override
    protected boolean serves(Style s) {
        return s == style;
    }

    @Override
    protected TestClient connectClient(PipeServerConfig config) {
        return ScriptedClients.connect(seam, "client" + clients++, WAIT);
    }

    @Override
    public String toString() {
        return "the scripted " + style.name().toLowerCase(java.util.Locale.ROOT) + " seam";
    }
}
