package dev.pipelab.testsuite.fake;

import dev.pipelab.api.PipeAddress;

/**
 * What a {@link ScriptedSeam}'s pipe does whatever its style: its address, and stopping accepting
 * as UnixSelectorIo.stopAccepting does (the pending connects fail, nobody else gets in), from any
 * thread. A fake's pipe extends it and implements its style's pipe.
 */
public abstract class FakePipe {

    private final ScriptedSeam seam;
    private final PipeAddress address;
    private boolean closed; // guarded by the call log's lock

    protected FakePipe(ScriptedSeam seam, PipeAddress address) {
        this.seam = seam;
        this.address = address;
    }

    public PipeAddress address() {
        return address;
    }

    public void stopAccepting() {
        seam.calls.locked(() -> stopAcceptingNow("stopAccepting"));
    }

    public void close() {
        seam.calls.locked(() -> {
            stopAcceptingNow("close");
            closed = true;
        });
    }

    private void stopAcceptingNow(String call) {
        seam.calls.record(call + seam.calls.offLoop());
        seam.connects.stopAccepting();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "FakePipeSystem.Pipe[" + address + "]";
    }
}
