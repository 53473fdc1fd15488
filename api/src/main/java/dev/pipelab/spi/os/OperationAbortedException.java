package dev.pipelab.spi.os;

import java.io.IOException;

/** ERROR_OPERATION_ABORTED: the operation was cancelled with CancelIoEx before it finished. */
public final class OperationAbortedException extends IOException {

    private static final long serialVersionUID = 1L;

    public OperationAbortedException() {
        super("the operation was cancelled");
    }
}
