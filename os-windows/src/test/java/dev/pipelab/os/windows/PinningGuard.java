package dev.pipelab.os.windows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Wraps the kernel32 calls so that a call which would block in native code fails when a virtual
 * thread makes it. On Windows such a call pins the virtual thread's carrier (JNA enters native
 * code through JNI, and the JDK adds no carrier for it), so enough of them stop every other
 * virtual thread; the stand-in's Java waits would unmount instead and hide it. So on the stand-in
 * the seam must never make one from a virtual thread: this guard makes that a test failure.
 */
final class PinningGuard {

    /** Calls that always may block. */
    private static final Set<String> BLOCKING =
            Set.of("FlushFileBuffers", "WaitNamedPipe", "SleepEx", "GetQueuedCompletionStatusEx");

    private PinningGuard() {}

    static Kernel32Calls around(Kernel32Calls calls) {
        return (Kernel32Calls) Proxy.newProxyInstance(
                Kernel32Calls.class.getClassLoader(), new Class<?>[] {Kernel32Calls.class}, (proxy, method, args) -> {
                    if (Thread.currentThread().isVirtual() && blocks(method.getName(), args)) {
                        throw new AssertionError(method.getName() + " would block in native code on virtual thread "
                                + Thread.currentThread() + ", pinning its carrier");
                    }
                    try {
                        return method.invoke(calls, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static boolean blocks(String name, Object[] args) {
        if (BLOCKING.contains(name)) {
            return true;
        }
        return switch (name) {
            case "WaitForSingleObjectEx" -> (int) args[1] != 0;
            case "WaitForMultipleObjects" -> (int) args[3] != 0;
            case "GetOverlappedResult" -> (boolean) args[3];
            // without an OVERLAPPED these wait until done (the seam always passes one)
            case "ConnectNamedPipe" -> args[1] == null;
            case "ReadFile", "WriteFile" -> args[4] == null;
            default -> false;
        };
    }
}
