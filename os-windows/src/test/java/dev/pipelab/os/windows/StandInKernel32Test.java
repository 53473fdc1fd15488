package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the Windows seam relies on the stand-in to answer, as kernel32 does. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StandInKernel32Test {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private final StandInKernel32 k = new StandInKernel32();
    private final List<Thread> started = new ArrayList<>();
    private final List<Memory> keep = new ArrayList<>();

    @AfterEach
    void leavesNoThreadBehind() throws InterruptedException {
        for (Thread thread : started) {
            thread.join(BOUND.toMillis());
            assertThat(thread.isAlive())
                    .as("%s still running", thread.getName())
                    .isFalse();
        }
    }

    // ------------------------------------------------------------------------------- helpers

    private static String name(String pipe) {
        return "\\\\.\\pipe\\standin-test-" + pipe;
    }

    private HANDLE server(String name) {
        return server(name, 4, 4096, true);
    }

    private HANDLE server(String name, int maxInstances, int quota, boolean overlapped) {
        return k.CreateNamedPipe(
                name,
                Win32.PIPE_ACCESS_DUPLEX | (overlapped ? Win32.FILE_FLAG_OVERLAPPED : 0),
                Win32.PIPE_TYPE_BYTE | Win32.PIPE_READMODE_BYTE | Win32.PIPE_WAIT,
                maxInstances,
                quota,
                quota,
                0,
                null);
    }

    private HANDLE client(String name, boolean overlapped) {
        return k.CreateFile(
                name,
                Win32.GENERIC_READ | Win32.GENERIC_WRITE,
                0,
                null,
                Win32.OPEN_EXISTING,
                overlapped ? Win32.FILE_FLAG_OVERLAPPED : 0,
                null);
    }

    /** [0] an overlapped server instance, [1] its client, connected. */
    private HANDLE[] connected(String pipe, boolean clientOverlapped) {
        HANDLE s = server(name(pipe));
        HANDLE c = client(name(pipe), clientOverlapped);
        assertThat(valid(c)).isTrue();
        return new HANDLE[] {s, c};
    }

    private HANDLE event() {
        return k.CreateEvent(null, true, false, null);
    }

    private Memory memory(int size) {
        Memory memory = new Memory(size);
        memory.clear();
        keep.add(memory);
        return memory;
    }

    private Memory overlapped(HANDLE event) {
        Memory ov = memory(NativeLayout.OVERLAPPED_SIZE);
        ov.setLong(NativeLayout.OVERLAPPED_EVENT, value(event));
        return ov;
    }

    private Memory text(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        Memory memory = memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }

    private static String text(Memory buffer, long length) {
        return new String(buffer.getByteArray(0, (int) length), StandardCharsets.US_ASCII);
    }

    private static long value(HANDLE handle) {
        return handle == null ? 0 : Pointer.nativeValue(handle.getPointer());
    }

    private static boolean valid(HANDLE handle) {
        return handle != null && value(handle) != value(WinBase.INVALID_HANDLE_VALUE);
    }

    private static long internal(Memory ov) {
        return ov.getLong(NativeLayout.OVERLAPPED_INTERNAL);
    }

    private static long transferred(Memory ov) {
        return ov.getLong(NativeLayout.OVERLAPPED_INTERNAL_HIGH);
    }

    private boolean signalled(HANDLE event) {
        return k.WaitForSingleObjectEx(event, 0, false) == Win32.WAIT_OBJECT_0;
    }

    private void write(HANDLE h, String data) {
        Memory ov = overlapped(null);
        boolean ok = k.WriteFile(h, text(data), data.length(), null, ov);
        assertThat(ok || k.GetOverlappedResult(h, ov, new IntByReference(), true))
                .isTrue();
    }

    /** A call on another thread, whose answer the test takes with a bound. */
    private final class Background<T> {
        final FutureTask<T> task;
        final Thread thread;

        Background(String name, Callable<T> call) {
            task = new FutureTask<>(call);
            thread = new Thread(task, name);
            thread.setDaemon(true);
            started.add(thread);
            thread.start();
        }

        T get() throws Exception {
            return task.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }

        Background<T> blocked() {
            assertThat(k.awaitBlocked(thread, BOUND))
                    .as("%s blocks in the stand-in", thread.getName())
                    .isTrue();
            assertThat(task.isDone()).isFalse();
            return this;
        }
    }

    private <T> Background<T> inBackground(String name, Callable<T> call) {
        return new Background<>(name, call);
    }

    /** A completion routine that records its calls. */
    private static final class Routine implements Kernel32Calls.CompletionRoutine {
        final List<long[]> calls = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        @Override
        public void callback(int errorCode, int bytesTransferred, Pointer overlapped) {
            calls.add(new long[] {errorCode, bytesTransferred, Pointer.nativeValue(overlapped)});
            threads.add(Thread.currentThread());
        }
    }

    // ------------------------------------------------------------------------------- tests

    @Nested
    class Handles {

        @Test
        void handlesAreDistinctMultiplesOfFourFrom0x1000AndCounted() {
            HANDLE a = event();
            HANDLE b = server(name("handles"));
            HANDLE c = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            assertThat(List.of(value(a), value(b), value(c)))
                    .doesNotHaveDuplicates()
                    .allSatisfy(
                            v -> assertThat(v).isGreaterThanOrEqualTo(0x1000L).matches(x -> x % 4 == 0));
            assertThat(k.openHandles()).isEqualTo(3);
            assertThat(k.CloseHandle(a) && k.CloseHandle(b) && k.CloseHandle(c)).isTrue();
            assertThat(k.openHandles()).isZero();
        }

        @Test
        void aClosedHandleIsAnInvalidHandle() {
            HANDLE ev = event();
            k.CloseHandle(ev);
            assertThat(k.SetEvent(ev)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_HANDLE);
            assertThat(k.CloseHandle(ev)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_HANDLE);
            assertThat(k.ReadFile(ev, memory(4), 4, null, overlapped(null))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_HANDLE);
        }

        @Test
        void lastErrorIsPerThread() throws Exception {
            assertThat(k.SetEvent(new HANDLE(new Pointer(0x7770)))).isFalse();
            int other = inBackground("other-error", () -> {
                        k.WaitNamedPipe(name("nothing-here"), 0);
                        return k.lastError();
                    })
                    .get();
            assertThat(other).isEqualTo(Win32.ERROR_FILE_NOT_FOUND);
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_HANDLE);
        }

        @Test
        void theStandInKeepsNoBufferAlive() {
            HANDLE[] pair = connected("gc", true);
            Memory ov = overlapped(null);
            Memory buffer = new Memory(16);
            WeakReference<Memory> held = new WeakReference<>(buffer);
            assertThat(k.ReadFile(pair[0], buffer, 16, null, ov)).isFalse();
            buffer = null;
            for (int i = 0; i < 50 && held.get() != null; i++) {
                System.gc();
            }
            assertThat(held.get())
                    .as("the pending read's buffer, dropped by its owner")
                    .isNull();
            assertThat(k.CancelIoEx(pair[0], ov)).isTrue();
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }
    }

    @Nested
    class CreatingInstances {

        @Test
        void namesOutsideThePipeDirectoryOrMalformedAreRefused() {
            assertThat(valid(server("\\\\.\\pipelab\\x"))).isFalse();
            assertThat(k.lastError()).isEqualTo(StandInKernel32.ERROR_PATH_NOT_FOUND);
            assertThat(valid(server("\\\\.\\pipe\\"))).isFalse();
            assertThat(k.lastError()).isEqualTo(StandInKernel32.ERROR_INVALID_NAME);
            assertThat(valid(server("\\\\.\\pipe\\a\\b"))).isFalse();
            assertThat(k.lastError()).isEqualTo(StandInKernel32.ERROR_INVALID_NAME);
        }

        @Test
        void maxInstancesIsOneTo255AndEnforced() {
            assertThat(valid(server(name("max"), 0, 0, true))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_PARAMETER);
            assertThat(valid(server(name("max"), 256, 0, true))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_PARAMETER);
            HANDLE first = server(name("max"), 2, 0, true);
            HANDLE second = server(name("MAX"), 2, 0, true);
            assertThat(valid(first) && valid(second)).isTrue();
            assertThat(valid(server(name("max"), 2, 0, true))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_PIPE_BUSY);
            assertThat(valid(server(name("max"), 3, 0, true))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_ACCESS_DENIED);
            k.CloseHandle(first);
            k.CloseHandle(second);
        }

        @Test
        void firstPipeInstanceRefusesASecondInstance() {
            int mode = Win32.PIPE_ACCESS_DUPLEX | Win32.FILE_FLAG_OVERLAPPED | Win32.FILE_FLAG_FIRST_PIPE_INSTANCE;
            HANDLE first = k.CreateNamedPipe(name("first"), mode, 0, 4, 0, 0, 0, null);
            assertThat(valid(first)).isTrue();
            HANDLE second = k.CreateNamedPipe(name("first"), mode, 0, 4, 0, 0, 0, null);
            assertThat(second).isEqualTo(WinBase.INVALID_HANDLE_VALUE);
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_ACCESS_DENIED);
            k.CloseHandle(first);
            HANDLE again = k.CreateNamedPipe(name("first"), mode, 0, 4, 0, 0, 0, null);
            assertThat(valid(again))
                    .as("the name is free once the last instance closed")
                    .isTrue();
            k.CloseHandle(again);
        }
    }

    @Nested
    class Connecting {

        @Test
        void aPendingConnectCompletesWhenAClientComes() {
            HANDLE ev = k.CreateEvent(null, true, true, null);
            HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            HANDLE s = server(name("connect"));
            k.CreateIoCompletionPort(s, port, new Pointer(11), 0);
            Memory ov = overlapped(ev);

            assertThat(k.ConnectNamedPipe(s, ov)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_IO_PENDING);
            assertThat(internal(ov)).isEqualTo(Win32.STATUS_PENDING);
            assertThat(signalled(ev)).as("reset as the connect starts").isFalse();
            assertThat(k.pendingOperations()).isOne();

            HANDLE c = client(name("connect"), false);
            assertThat(internal(ov)).isZero();
            assertThat(transferred(ov)).isZero();
            assertThat(signalled(ev)).isTrue();
            Memory entries = memory(NativeLayout.OVERLAPPED_ENTRY_SIZE);
            IntByReference removed = new IntByReference();
            assertThat(k.GetQueuedCompletionStatusEx(port, entries, 1, removed, 0, false))
                    .isTrue();
            assertThat(entries.getLong(NativeLayout.OVERLAPPED_ENTRY_KEY)).isEqualTo(11);
            assertThat(entries.getLong(NativeLayout.OVERLAPPED_ENTRY_OVERLAPPED))
                    .isEqualTo(Pointer.nativeValue(ov));
            assertThat(k.pendingOperations()).isZero();
            for (HANDLE h : List.of(c, s, port, ev)) {
                k.CloseHandle(h);
            }
        }

        @Test
        void aConnectedOrClosedClientIsReportedAtOnceWithTheEventReset() {
            HANDLE ev = k.CreateEvent(null, true, true, null);
            HANDLE[] pair = connected("connected", false);
            Memory ov = overlapped(ev);
            assertThat(k.ConnectNamedPipe(pair[0], ov)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_PIPE_CONNECTED);
            assertThat(signalled(ev)).isFalse();
            assertThat(internal(ov)).isEqualTo(Win32.STATUS_PENDING);

            k.CloseHandle(pair[1]);
            assertThat(k.ConnectNamedPipe(pair[0], overlapped(ev))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_NO_DATA);

            assertThat(k.DisconnectNamedPipe(pair[0])).isTrue();
            assertThat(valid(client(name("connected"), false))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_PIPE_BUSY);
            assertThat(k.ConnectNamedPipe(pair[0], overlapped(ev))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_IO_PENDING);
            HANDLE next = client(name("connected"), false);
            assertThat(valid(next)).isTrue();
            assertThat(signalled(ev)).isTrue();
            k.CloseHandle(next);
            k.CloseHandle(pair[0]);
            k.CloseHandle(ev);
        }

        @Test
        void aClientPrefersTheInstanceWithAPendingConnect() {
            HANDLE older = server(name("prefer"));
            HANDLE newer = server(name("prefer"));
            Memory ov = overlapped(null);
            k.ConnectNamedPipe(newer, ov);
            HANDLE c = client(name("prefer"), false);
            assertThat(internal(ov))
                    .as("the newer instance's connect completed")
                    .isZero();
            assertThat(k.ConnectNamedPipe(older, overlapped(null))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_IO_PENDING);
            for (HANDLE h : List.of(c, older, newer)) {
                k.CloseHandle(h);
            }
            assertThat(k.pendingOperations()).isZero();
        }

        @Test
        void clientsFindNoPipeABusyPipeOrNoAccess() {
            assertThat(valid(client(name("none"), false))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_FILE_NOT_FOUND);
            HANDLE s = server(name("busy"), 1, 0, true);
            HANDLE c = client(name("busy"), false);
            assertThat(valid(client(name("busy"), false))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_PIPE_BUSY);
            k.CloseHandle(c);
            k.DisconnectNamedPipe(s);
            k.ConnectNamedPipe(s, overlapped(null));
            k.denyAccess(true);
            assertThat(valid(client(name("busy"), false))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_ACCESS_DENIED);
            k.denyAccess(false);
            k.CloseHandle(s);
        }

        @Test
        void theClientProcessIdIsThisProcessOrTheOneSet() {
            IntByReference pid = new IntByReference();
            HANDLE[] pair = connected("pid", false);
            assertThat(k.GetNamedPipeClientProcessId(pair[0], pid)).isTrue();
            assertThat((long) pid.getValue()).isEqualTo(ProcessHandle.current().pid());
            k.clientProcessId(4242);
            HANDLE second = server(name("pid"));
            HANDLE other = client(name("pid"), false);
            assertThat(k.GetNamedPipeClientProcessId(second, pid)).isTrue();
            assertThat(pid.getValue()).isEqualTo(4242);
            for (HANDLE h : List.of(other, second, pair[1], pair[0])) {
                k.CloseHandle(h);
            }
        }

        @Test
        void waitNamedPipeWaitsForAPendingConnect() throws Exception {
            assertThat(k.WaitNamedPipe(name("wait"), 10)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_FILE_NOT_FOUND);
            HANDLE s = server(name("wait"));
            assertThat(k.WaitNamedPipe(name("wait"), 10))
                    .as("a fresh instance is not waiting")
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_SEM_TIMEOUT);
            Background<Boolean> waiter = inBackground("wait-pipe", () -> k.WaitNamedPipe(name("wait"), Win32.INFINITE))
                    .blocked();
            k.ConnectNamedPipe(s, overlapped(null));
            assertThat(waiter.get()).isTrue();
            k.CloseHandle(s);
        }

        @Test
        void aBlockingConnectReturnsWhenAClientComes() throws Exception {
            HANDLE s = server(name("blocking"), 1, 0, false);
            Background<Boolean> connect =
                    inBackground("connect", () -> k.ConnectNamedPipe(s, null)).blocked();
            HANDLE c = client(name("blocking"), false);
            assertThat(connect.get()).isTrue();
            k.CloseHandle(c);
            k.CloseHandle(s);
        }
    }

    @Nested
    class ReadingAndWriting {

        @Test
        void aReadWithDataCompletesAtOnceAndStillSignalsAndPosts() {
            HANDLE ev = event();
            HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            HANDLE[] pair = connected("read-now", false);
            k.CreateIoCompletionPort(pair[0], port, new Pointer(3), 0);
            write(pair[1], "hello world");
            Memory buffer = memory(5);
            Memory ov = overlapped(ev);
            Memory count = memory(4);

            assertThat(k.ReadFile(pair[0], buffer, 5, count, ov)).isTrue();
            assertThat(count.getInt(0)).isEqualTo(5);
            assertThat(text(buffer, 5)).isEqualTo("hello");
            assertThat(internal(ov)).isZero();
            assertThat(transferred(ov)).isEqualTo(5);
            assertThat(signalled(ev)).isTrue();
            Memory entries = memory(2 * NativeLayout.OVERLAPPED_ENTRY_SIZE);
            IntByReference removed = new IntByReference();
            assertThat(k.GetQueuedCompletionStatusEx(port, entries, 2, removed, 0, false))
                    .isTrue();
            assertThat(removed.getValue()).isOne();
            assertThat(entries.getInt(NativeLayout.OVERLAPPED_ENTRY_BYTES)).isEqualTo(5);
            for (HANDLE h : List.of(pair[1], pair[0], port, ev)) {
                k.CloseHandle(h);
            }
        }

        @Test
        void aPendingReadCompletesWithWhatArrives() {
            HANDLE ev = event();
            HANDLE[] pair = connected("read-pending", false);
            Memory buffer = memory(64);
            Memory ov = overlapped(ev);
            IntByReference bytes = new IntByReference();
            assertThat(k.ReadFile(pair[0], buffer, 64, null, ov)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_IO_PENDING);
            assertThat(k.GetOverlappedResult(pair[0], ov, bytes, false)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_IO_INCOMPLETE);
            write(pair[1], "abc");
            assertThat(k.GetOverlappedResult(pair[0], ov, bytes, false)).isTrue();
            assertThat(bytes.getValue()).isEqualTo(3);
            assertThat(text(buffer, 3)).isEqualTo("abc");
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
            k.CloseHandle(ev);
        }

        @Test
        void getOverlappedResultWaitsForTheCompletion() throws Exception {
            HANDLE[] pair = connected("result-wait", false);
            Memory buffer = memory(8);
            Memory ov = overlapped(event());
            k.ReadFile(pair[0], buffer, 8, null, ov);
            Background<Integer> waiter = inBackground("result", () -> {
                        IntByReference bytes = new IntByReference();
                        return k.GetOverlappedResult(pair[0], ov, bytes, true) ? bytes.getValue() : -1;
                    })
                    .blocked();
            write(pair[1], "wake");
            assertThat(waiter.get()).isEqualTo(4);
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }

        @Test
        void writesBeyondTheQuotaWaitInOrderUntilTheReaderDrains() {
            HANDLE s = server(name("quota"), 1, 4, true);
            HANDLE c = client(name("quota"), true);
            Memory first = overlapped(null);
            Memory second = overlapped(null);
            assertThat(k.WriteFile(s, text("abcdef"), 6, null, first)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_IO_PENDING);
            assertThat(k.WriteFile(s, text("gh"), 2, null, second)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_IO_PENDING);

            Memory buffer = memory(1);
            assertThat(k.ReadFile(c, buffer, 1, null, overlapped(null))).isTrue();
            assertThat(text(buffer, 1)).isEqualTo("a");
            assertThat(internal(first)).as("1 byte is still out").isEqualTo(Win32.STATUS_PENDING);
            Memory rest = memory(16);
            Memory ov = overlapped(null);
            assertThat(k.ReadFile(c, rest, 16, null, ov)).isTrue();
            assertThat(text(rest, transferred(ov))).isEqualTo("bcdefgh");
            assertThat(internal(first)).isZero();
            assertThat(transferred(first)).isEqualTo(6);
            assertThat(internal(second)).isZero();
            assertThat(transferred(second)).isEqualTo(2);
            k.CloseHandle(c);
            k.CloseHandle(s);
        }

        @Test
        void aNonOverlappedClientBlocksInReadFile() throws Exception {
            HANDLE[] pair = connected("blocking-read", false);
            Memory buffer = memory(8);
            Memory count = memory(4);
            Background<Boolean> reader = inBackground("read", () -> k.ReadFile(pair[1], buffer, 8, count, null))
                    .blocked();
            write(pair[0], "data");
            assertThat(reader.get()).isTrue();
            assertThat(count.getInt(0)).isEqualTo(4);
            assertThat(text(buffer, 4)).isEqualTo("data");
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }

        @Test
        void afterTheClientClosesTheServerReadsWhatIsLeftThenBrokenPipe() {
            HANDLE[] pair = connected("client-closes", false);
            write(pair[1], "left");
            Memory pendingWrite = overlapped(null);
            k.CloseHandle(pair[1]);
            Memory buffer = memory(8);
            Memory ov = overlapped(null);
            assertThat(k.ReadFile(pair[0], buffer, 8, null, ov)).isTrue();
            assertThat(text(buffer, transferred(ov))).isEqualTo("left");
            assertThat(k.ReadFile(pair[0], buffer, 8, null, overlapped(null))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_BROKEN_PIPE);
            assertThat(k.WriteFile(pair[0], text("x"), 1, null, pendingWrite)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_NO_DATA);
            assertThat(internal(pendingWrite))
                    .as("an immediate failure leaves Internal as kernel32 set it")
                    .isEqualTo(Win32.STATUS_PENDING);
            k.CloseHandle(pair[0]);
        }

        @Test
        void afterTheServerClosesTheClientReadsWhatIsLeftThenBrokenPipe() {
            HANDLE[] pair = connected("server-closes", true);
            write(pair[0], "bye");
            Memory serverRead = overlapped(event());
            k.ReadFile(pair[0], memory(4), 4, null, serverRead);
            k.CloseHandle(pair[0]);
            assertThat(internal(serverRead)).isEqualTo(StandInKernel32.STATUS_PIPE_BROKEN & 0xFFFF_FFFFL);
            assertThatFailsWith(pair[0], serverRead, Win32.ERROR_BROKEN_PIPE);

            Memory buffer = memory(8);
            Memory ov = overlapped(null);
            assertThat(k.ReadFile(pair[1], buffer, 8, null, ov)).isTrue();
            assertThat(text(buffer, transferred(ov))).isEqualTo("bye");
            assertThat(k.ReadFile(pair[1], buffer, 8, null, overlapped(null))).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_BROKEN_PIPE);
            assertThat(k.WriteFile(pair[1], text("x"), 1, null, overlapped(null)))
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_NO_DATA);
            k.CloseHandle(pair[1]);
        }

        @Test
        void disconnectDiscardsDataAndEndsPendingOperationsOfBothEnds() {
            HANDLE[] pair = connected("disconnect", true);
            write(pair[0], "unread");
            Memory serverRead = overlapped(event());
            k.ReadFile(pair[0], memory(8), 8, null, serverRead);
            assertThat(k.DisconnectNamedPipe(pair[0])).isTrue();
            assertThatFailsWith(pair[0], serverRead, Win32.ERROR_PIPE_NOT_CONNECTED);
            assertThat(k.ReadFile(pair[1], memory(8), 8, null, overlapped(null)))
                    .isFalse();
            assertThat(k.lastError()).as("the unread data is gone").isEqualTo(Win32.ERROR_PIPE_NOT_CONNECTED);
            assertThat(k.WriteFile(pair[1], text("x"), 1, null, overlapped(null)))
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_PIPE_NOT_CONNECTED);
            assertThat(k.DisconnectNamedPipe(pair[0])).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_PIPE_NOT_CONNECTED);
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
            assertThat(k.pendingOperations()).isZero();
        }

        private void assertThatFailsWith(HANDLE h, Memory ov, int error) {
            assertThat(k.GetOverlappedResult(h, ov, new IntByReference(), false))
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(error);
        }
    }

    @Nested
    class Cancelling {

        @Test
        void cancelEndsAPendingReadFromAnyThreadAndFindsNothingAfter() throws Exception {
            HANDLE ev = event();
            HANDLE[] pair = connected("cancel", false);
            Memory ov = overlapped(ev);
            k.ReadFile(pair[0], memory(8), 8, null, ov);
            assertThat(inBackground("cancel", () -> k.CancelIoEx(pair[0], ov)).get())
                    .isTrue();
            assertThat(signalled(ev)).isTrue();
            assertThat(internal(ov)).isEqualTo(StandInKernel32.STATUS_CANCELLED & 0xFFFF_FFFFL);
            assertThat(k.GetOverlappedResult(pair[0], ov, new IntByReference(), true))
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_OPERATION_ABORTED);
            assertThat(k.CancelIoEx(pair[0], ov)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_NOT_FOUND);
            assertThat(k.CancelIoEx(pair[0], null)).isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_NOT_FOUND);
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
            k.CloseHandle(ev);
        }

        @Test
        void cancelEndsABlockedSynchronousRead() throws Exception {
            HANDLE[] pair = connected("cancel-sync", false);
            Background<Integer> reader = inBackground("read", () -> {
                        boolean ok = k.ReadFile(pair[1], memory(8), 8, null, null);
                        return ok ? 0 : k.lastError();
                    })
                    .blocked();
            assertThat(k.CancelIoEx(pair[1], null)).isTrue();
            assertThat(reader.get()).isEqualTo(Win32.ERROR_OPERATION_ABORTED);
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }

        @Test
        void anOverlappedInUseCannotStartASecondOperation() {
            HANDLE[] pair = connected("reuse", false);
            Memory ov = overlapped(null);
            k.ReadFile(pair[0], memory(8), 8, null, ov);
            assertThatThrownBy(() -> k.ReadFile(pair[0], memory(8), 8, null, ov))
                    .isInstanceOf(IllegalStateException.class);
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }
    }

    @Nested
    class CompletionRoutines {

        @Test
        void aRoutineRunsOnlyInTheIssuingThreadsAlertableWait() throws Exception {
            HANDLE[] pair = connected("routine", false);
            write(pair[1], "xyz");
            Routine routine = new Routine();
            Memory ov = overlapped(null);
            assertThat(k.ReadFileEx(pair[0], memory(8), 8, ov, routine)).isTrue();
            assertThat(routine.calls).isEmpty();
            assertThat(k.SleepEx(0, false)).isZero();
            assertThat(inBackground("other", () -> k.SleepEx(0, true)).get()).isZero();
            assertThat(routine.calls).isEmpty();

            assertThat(k.SleepEx(0, true)).isEqualTo(Win32.WAIT_IO_COMPLETION);
            assertThat(routine.calls).containsExactly(new long[] {0, 3, Pointer.nativeValue(ov)});
            assertThat(routine.threads).containsExactly(Thread.currentThread());
            assertThat(k.SleepEx(0, true)).isZero();
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }

        @Test
        void queuedRoutinesComeBeforeASignalledEvent() {
            HANDLE[] pair = connected("apc-first", false);
            HANDLE ev = k.CreateEvent(null, true, true, null);
            write(pair[1], "q");
            Routine routine = new Routine();
            k.ReadFileEx(pair[0], memory(8), 8, overlapped(null), routine);
            assertThat(k.WaitForSingleObjectEx(ev, 0, true)).isEqualTo(Win32.WAIT_IO_COMPLETION);
            assertThat(routine.calls).hasSize(1);
            assertThat(k.WaitForSingleObjectEx(ev, 0, true)).isEqualTo(Win32.WAIT_OBJECT_0);
            for (HANDLE h : List.of(pair[1], pair[0], ev)) {
                k.CloseHandle(h);
            }
        }

        @Test
        void readFileExOnABrokenPipeFailsAtOnceAndQueuesNothing() {
            HANDLE[] pair = connected("routine-broken", false);
            k.CloseHandle(pair[1]);
            Routine routine = new Routine();
            assertThat(k.ReadFileEx(pair[0], memory(8), 8, overlapped(null), routine))
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_BROKEN_PIPE);
            assertThat(k.SleepEx(0, true)).isZero();
            assertThat(routine.calls).isEmpty();
            k.CloseHandle(pair[0]);
        }

        @Test
        void closingAnInstanceRunsItsRoutinesWithTheError() {
            HANDLE[] pair = connected("routine-close", false);
            Routine routine = new Routine();
            k.ReadFileEx(pair[0], memory(8), 8, overlapped(null), routine);
            k.CloseHandle(pair[0]);
            assertThat(k.SleepEx(0, true)).isEqualTo(Win32.WAIT_IO_COMPLETION);
            assertThat(routine.calls).hasSize(1);
            assertThat(routine.calls.get(0)[0]).isEqualTo(Win32.ERROR_BROKEN_PIPE);
            k.CloseHandle(pair[1]);
        }

        @Test
        void readFileExNeedsAnOverlappedHandle() {
            HANDLE[] pair = connected("routine-sync", false);
            assertThat(k.ReadFileEx(pair[1], memory(8), 8, overlapped(null), new Routine()))
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_PARAMETER);
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }
    }

    @Nested
    class Apcs {

        @Test
        void anApcFromAnotherThreadWakesTheAlertableWait() throws Exception {
            int me = k.GetCurrentThreadId();
            assertThat(k.GetCurrentThreadId()).isEqualTo(me);
            HANDLE ev = event();
            List<Long> parameters = new ArrayList<>();
            Kernel32Calls.ApcRoutine apc = parameter -> parameters.add(Pointer.nativeValue(parameter));
            Thread waiter = Thread.currentThread();
            Background<Boolean> queuer = inBackground("queue", () -> {
                assertThat(k.awaitBlocked(waiter, BOUND)).isTrue();
                HANDLE thread = k.OpenThread(Win32.THREAD_SET_CONTEXT, false, me);
                boolean ok = k.QueueUserAPC(apc, thread, new Pointer(42));
                k.CloseHandle(thread);
                return ok;
            });
            int woken = k.WaitForSingleObjectEx(ev, (int) BOUND.toMillis(), true);
            assertThat(queuer.get()).isTrue();
            assertThat(woken).isEqualTo(Win32.WAIT_IO_COMPLETION);
            assertThat(parameters).containsExactly(42L);
            k.CloseHandle(ev);
        }

        @Test
        void apcsQueuedWhileApcsRunRunInTheSameWait() {
            HANDLE self = k.OpenThread(Win32.THREAD_SET_CONTEXT, false, k.GetCurrentThreadId());
            List<Long> parameters = new ArrayList<>();
            Kernel32Calls.ApcRoutine apc = new Kernel32Calls.ApcRoutine() {
                @Override
                public void callback(Pointer parameter) {
                    parameters.add(Pointer.nativeValue(parameter));
                    if (Pointer.nativeValue(parameter) == 1) {
                        k.QueueUserAPC(this, self, new Pointer(2));
                    }
                }
            };
            k.QueueUserAPC(apc, self, new Pointer(1));
            assertThat(k.SleepEx(0, false)).isZero();
            assertThat(parameters).isEmpty();
            assertThat(k.SleepEx((int) BOUND.toMillis(), true)).isEqualTo(Win32.WAIT_IO_COMPLETION);
            assertThat(parameters).containsExactly(1L, 2L);
            k.CloseHandle(self);
        }

        @Test
        void openThreadKnowsOnlyThreadsThatExist() {
            assertThat(k.OpenThread(Win32.THREAD_SET_CONTEXT, false, 0x7777_7770))
                    .isNull();
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_PARAMETER);
        }

        @Test
        void anInterruptDoesNotEndAWaitAndIsKept() throws Exception {
            HANDLE ev = event();
            Background<Boolean> waiter = inBackground("interrupted", () -> {
                        int result = k.WaitForSingleObjectEx(ev, Win32.INFINITE, false);
                        return result == Win32.WAIT_OBJECT_0
                                && Thread.currentThread().isInterrupted();
                    })
                    .blocked();
            waiter.thread.interrupt();
            assertThat(k.awaitBlocked(waiter.thread, BOUND)).isTrue();
            k.SetEvent(ev);
            assertThat(waiter.get()).isTrue();
            k.CloseHandle(ev);
        }
    }

    @Nested
    class Flushing {

        @Test
        void flushWaitsUntilThePeerHasReadEverything() throws Exception {
            HANDLE[] pair = connected("flush", false);
            assertThat(k.FlushFileBuffers(pair[0])).isTrue();
            write(pair[0], "12345");
            Background<Boolean> flush =
                    inBackground("flush", () -> k.FlushFileBuffers(pair[0])).blocked();
            Memory count = memory(4);
            assertThat(k.ReadFile(pair[1], memory(8), 8, count, null)).isTrue();
            assertThat(flush.get()).isTrue();
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }

        @Test
        void aDisconnectEndsAFlush() throws Exception {
            HANDLE[] pair = connected("flush-disconnect", false);
            write(pair[0], "123");
            Background<Integer> flush = inBackground("flush", () -> k.FlushFileBuffers(pair[0]) ? 0 : k.lastError())
                    .blocked();
            k.DisconnectNamedPipe(pair[0]);
            assertThat(flush.get()).isEqualTo(Win32.ERROR_PIPE_NOT_CONNECTED);
            k.CloseHandle(pair[1]);
            k.CloseHandle(pair[0]);
        }

        @Test
        void thePeerClosingEndsAFlush() throws Exception {
            HANDLE[] pair = connected("flush-close", false);
            write(pair[0], "123");
            Background<Integer> flush = inBackground("flush", () -> k.FlushFileBuffers(pair[0]) ? 0 : k.lastError())
                    .blocked();
            k.CloseHandle(pair[1]);
            assertThat(flush.get()).isEqualTo(Win32.ERROR_BROKEN_PIPE);
            k.CloseHandle(pair[0]);
        }
    }

    @Nested
    class Waits {

        @Test
        void waitForMultipleObjectsGivesTheLowestSignalledIndex() throws Exception {
            HANDLE[] events = {event(), event(), event()};
            Memory array = memory(3 * NativeLayout.POINTER);
            for (int i = 0; i < 3; i++) {
                array.setLong((long) i * NativeLayout.POINTER, value(events[i]));
            }
            assertThat(k.WaitForMultipleObjects(3, array, false, 0)).isEqualTo(Win32.WAIT_TIMEOUT);
            k.SetEvent(events[2]);
            k.SetEvent(events[1]);
            assertThat(k.WaitForMultipleObjects(3, array, false, 0)).isEqualTo(Win32.WAIT_OBJECT_0 + 1);
            k.ResetEvent(events[1]);
            k.ResetEvent(events[2]);
            Background<Integer> waiter = inBackground(
                            "wait", () -> k.WaitForMultipleObjects(3, array, false, Win32.INFINITE))
                    .blocked();
            k.SetEvent(events[2]);
            assertThat(waiter.get()).isEqualTo(Win32.WAIT_OBJECT_0 + 2);
            for (HANDLE event : events) {
                k.CloseHandle(event);
            }
        }

        @Test
        void waitForMultipleObjectsRefusesBadArrays() {
            HANDLE ev = event();
            Memory array = memory(65 * NativeLayout.POINTER);
            for (int i = 0; i < 65; i++) {
                array.setLong((long) i * NativeLayout.POINTER, value(ev));
            }
            assertThat(k.WaitForMultipleObjects(65, array, false, 0)).isEqualTo(Win32.WAIT_FAILED);
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_PARAMETER);
            assertThat(k.WaitForMultipleObjects(0, array, false, 0)).isEqualTo(Win32.WAIT_FAILED);
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_PARAMETER);
            assertThat(k.WaitForMultipleObjects(2, array, false, 0)).isEqualTo(Win32.WAIT_FAILED);
            assertThat(k.lastError()).isEqualTo(Win32.ERROR_INVALID_PARAMETER);
            k.CloseHandle(ev);
        }

        @Test
        void anAutoResetEventIsResetByTheWaitItSatisfies() {
            HANDLE automatic = k.CreateEvent(null, false, true, null);
            assertThat(k.WaitForSingleObjectEx(automatic, 0, false)).isEqualTo(Win32.WAIT_OBJECT_0);
            assertThat(k.WaitForSingleObjectEx(automatic, 0, false)).isEqualTo(Win32.WAIT_TIMEOUT);
            k.CloseHandle(automatic);
        }
    }

    @Nested
    class CompletionPorts {

        @Test
        void theEventsLowBitSuppressesThePacket() {
            HANDLE ev = event();
            HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            HANDLE[] pair = connected("low-bit", false);
            assertThat(value(k.CreateIoCompletionPort(pair[0], port, new Pointer(1), 0)))
                    .isEqualTo(value(port));
            write(pair[1], "g");
            Memory ov = overlapped(ev);
            ov.setLong(NativeLayout.OVERLAPPED_EVENT, value(ev) | 1);
            assertThat(k.ReadFile(pair[0], memory(4), 4, null, ov)).isTrue();
            assertThat(signalled(ev)).isTrue();
            IntByReference removed = new IntByReference();
            assertThat(k.GetQueuedCompletionStatusEx(port, memory(32), 1, removed, 0, false))
                    .isFalse();
            assertThat(k.lastError()).isEqualTo(Win32.WAIT_TIMEOUT);
            for (HANDLE h : List.of(pair[1], pair[0], port, ev)) {
                k.CloseHandle(h);
            }
        }

        @Test
        void packetsAreTakenUpToTheCountInOrder() {
            HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            for (int i = 1; i <= 3; i++) {
                assertThat(k.PostQueuedCompletionStatus(port, i * 10, new Pointer(i), null))
                        .isTrue();
            }
            Memory entries = memory(2 * NativeLayout.OVERLAPPED_ENTRY_SIZE);
            IntByReference removed = new IntByReference();
            assertThat(k.GetQueuedCompletionStatusEx(port, entries, 2, removed, 0, false))
                    .isTrue();
            assertThat(removed.getValue()).isEqualTo(2);
            assertThat(entries.getLong(NativeLayout.OVERLAPPED_ENTRY_KEY)).isEqualTo(1);
            assertThat(entries.getInt(NativeLayout.OVERLAPPED_ENTRY_SIZE + NativeLayout.OVERLAPPED_ENTRY_BYTES))
                    .isEqualTo(20);
            assertThat(k.GetQueuedCompletionStatusEx(port, entries, 2, removed, 0, false))
                    .isTrue();
            assertThat(removed.getValue()).isOne();
            k.CloseHandle(port);
        }

        @Test
        void closingThePortWakesItsWaiters() throws Exception {
            HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            Memory entries = memory(NativeLayout.OVERLAPPED_ENTRY_SIZE);
            Background<Integer> waiter = inBackground(
                            "port",
                            () -> k.GetQueuedCompletionStatusEx(
                                            port, entries, 1, new IntByReference(), Win32.INFINITE, false)
                                    ? 0
                                    : k.lastError())
                    .blocked();
            k.CloseHandle(port);
            assertThat(waiter.get()).isEqualTo(StandInKernel32.ERROR_ABANDONED_WAIT_0);
        }

        @Test
        void closingAnInstancePostsItsPendingOperations() {
            HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
            HANDLE[] pair = connected("close-port", false);
            k.CreateIoCompletionPort(pair[0], port, new Pointer(5), 0);
            Memory ov = overlapped(null);
            k.ReadFile(pair[0], memory(4), 4, null, ov);
            k.CloseHandle(pair[0]);
            Memory entries = memory(NativeLayout.OVERLAPPED_ENTRY_SIZE);
            assertThat(k.GetQueuedCompletionStatusEx(port, entries, 1, new IntByReference(), 0, false))
                    .isTrue();
            assertThat(entries.getLong(NativeLayout.OVERLAPPED_ENTRY_INTERNAL))
                    .isEqualTo(StandInKernel32.STATUS_PIPE_BROKEN & 0xFFFF_FFFFL);
            k.CloseHandle(pair[1]);
            k.CloseHandle(port);
            assertThat(k.openHandles()).isZero();
        }
    }
}
