package dev.pipelab.os.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The scenarios of {@code src/test/c/pipe_oracle.c}, step for step, written against
 * {@link Kernel32Calls} only, printing the same lines; {@link WineOracleTest} runs them on
 * {@link StandInKernel32} and compares them with what the C program printed under Wine.
 *
 * <p>Where the C program gives another thread a moment to block (Sleep, or a short wait on the
 * thread), this class waits until that thread is blocked in a kernel32 wait, which the caller
 * tells it how to see ({@code awaitBlocked}).
 */
final class OracleScenarios {

    private static final String PIPE_PREFIX = "\\\\.\\pipe\\pipelab-oracle-";
    private static final int LONG_WAIT = 5000;
    private static final int PORT_WAIT = 1000;

    private final Kernel32Calls k;
    private final Consumer<Thread> awaitBlocked;
    private final List<String> lines = new ArrayList<>();

    /** Everything handed to kernel32, kept until the run ends, as the C program's stack is. */
    private final List<Memory> keep = new ArrayList<>();

    private int routineRuns;
    private int routineError;
    private int routineBytes;
    private long routineOverlapped;
    private final Kernel32Calls.CompletionRoutine completionRoutine = (error, bytes, overlapped) -> {
        routineRuns++;
        routineError = error;
        routineBytes = bytes;
        routineOverlapped = Pointer.nativeValue(overlapped);
    };

    private int apcRuns;
    private final long[] apcParameters = new long[4];
    private final Kernel32Calls.ApcRoutine apcRoutine = new Kernel32Calls.ApcRoutine() {
        @Override
        public void callback(Pointer parameter) {
            long value = Pointer.nativeValue(parameter);
            if (apcRuns < 4) {
                apcParameters[apcRuns] = value;
            }
            apcRuns++;
            if (value == 1) {
                HANDLE self = k.OpenThread(Win32.THREAD_SET_CONTEXT, false, k.GetCurrentThreadId());
                k.QueueUserAPC(this, self, new Pointer(2));
                k.CloseHandle(self);
            }
        }
    };

    OracleScenarios(Kernel32Calls k, Consumer<Thread> awaitBlocked) {
        this.k = k;
        this.awaitBlocked = awaitBlocked;
    }

    /** Runs every scenario, in the C program's order, and returns the lines. */
    List<String> run() throws InterruptedException {
        connect();
        waits();
        read();
        cancel();
        routines();
        apcs();
        disconnect();
        close();
        flush();
        iocp();
        instances();
        quota();
        say("end");
        keep.clear();
        return List.copyOf(lines);
    }

    // ------------------------------------------------------------------------------- printing

    private void say(String format, Object... args) {
        lines.add(String.format(Locale.ROOT, format, args));
    }

    private void report(String label, boolean ok) {
        if (ok) {
            say("%s ret=1", label);
        } else {
            say("%s ret=0 err=%d", label, k.lastError());
        }
    }

    private void reportHandle(String label, HANDLE handle, HANDLE failure) {
        if (value(handle) != value(failure)) {
            say("%s ok=1", label);
        } else {
            say("%s ok=0 err=%d", label, k.lastError());
        }
    }

    private void reportWait(String label, int result) {
        if (result == Win32.WAIT_FAILED) {
            say("%s ret=%d err=%d", label, result, k.lastError());
        } else {
            say("%s ret=%d", label, result);
        }
    }

    private void reportEvent(String label, HANDLE event) {
        say("%s event=%s", label, k.WaitForSingleObjectEx(event, 0, false) == Win32.WAIT_OBJECT_0 ? "set" : "unset");
    }

    private void reportStatus(String label, Memory ov) {
        say(
                "%s internal=0x%s bytes=%d",
                label,
                Long.toHexString(ov.getLong(NativeLayout.OVERLAPPED_INTERNAL) & 0xFFFF_FFFFL),
                ov.getLong(NativeLayout.OVERLAPPED_INTERNAL_HIGH) & 0xFFFF_FFFFL);
    }

    private void reportResult(String label, HANDLE h, Memory ov, boolean wait) {
        IntByReference bytes = new IntByReference();
        if (k.GetOverlappedResult(h, ov, bytes, wait)) {
            say("%s ret=1 bytes=%d", label, bytes.getValue());
        } else {
            say("%s ret=0 err=%d", label, k.lastError());
        }
    }

    private void reportData(String label, Memory buffer, Memory ov) {
        int n = (int) ov.getLong(NativeLayout.OVERLAPPED_INTERNAL_HIGH);
        say("%s data=%s", label, new String(buffer.getByteArray(0, n), StandardCharsets.US_ASCII));
    }

    private void reportRoutine(String label, Memory expected) {
        say(
                "%s runs=%d err=%d bytes=%d same-overlapped=%d",
                label,
                routineRuns,
                routineError,
                routineBytes,
                routineOverlapped == Pointer.nativeValue(expected) ? 1 : 0);
        routineRuns = 0;
        routineError = 0;
        routineBytes = 0;
        routineOverlapped = 0;
    }

    private void reportApcs(String label) {
        say("%s runs=%d first=%d second=%d", label, apcRuns, apcParameters[0], apcParameters[1]);
        apcRuns = 0;
        java.util.Arrays.fill(apcParameters, 0);
    }

    private void reportPackets(String label, HANDLE port, int ms, Memory expected) {
        Memory entries = memory(4 * NativeLayout.OVERLAPPED_ENTRY_SIZE);
        IntByReference removed = new IntByReference();
        if (!k.GetQueuedCompletionStatusEx(port, entries, 4, removed, ms, false)) {
            say("%s GetQueuedCompletionStatusEx ret=0 err=%d", label, k.lastError());
            return;
        }
        say("%s GetQueuedCompletionStatusEx ret=1 removed=%d", label, removed.getValue());
        for (int i = 0; i < removed.getValue(); i++) {
            long base = (long) i * NativeLayout.OVERLAPPED_ENTRY_SIZE;
            long overlapped = entries.getLong(base + NativeLayout.OVERLAPPED_ENTRY_OVERLAPPED);
            say(
                    "%s packet key=%d same-overlapped=%d null-overlapped=%d internal=0x%s bytes=%d",
                    label,
                    entries.getLong(base + NativeLayout.OVERLAPPED_ENTRY_KEY),
                    expected != null && overlapped == Pointer.nativeValue(expected) ? 1 : 0,
                    overlapped == 0 ? 1 : 0,
                    Long.toHexString(entries.getLong(base + NativeLayout.OVERLAPPED_ENTRY_INTERNAL) & 0xFFFF_FFFFL),
                    entries.getInt(base + NativeLayout.OVERLAPPED_ENTRY_BYTES));
        }
    }

    // ------------------------------------------------------------------------------- helpers

    private static long value(HANDLE handle) {
        return handle == null ? 0 : Pointer.nativeValue(handle.getPointer());
    }

    private Memory memory(int size) {
        Memory memory = new Memory(size);
        memory.clear();
        keep.add(memory);
        return memory;
    }

    private Memory bytes(String text) {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        Memory memory = memory(Math.max(1, data.length));
        memory.write(0, data, 0, data.length);
        return memory;
    }

    private Memory overlapped(HANDLE event) {
        Memory ov = memory(NativeLayout.OVERLAPPED_SIZE);
        ov.setLong(NativeLayout.OVERLAPPED_EVENT, value(event));
        return ov;
    }

    private static String pipeName(String scenario) {
        return PIPE_PREFIX + scenario;
    }

    private HANDLE server(String name, int extraOpenMode, int maxInstances, int outSize, int inSize) {
        return k.CreateNamedPipe(
                name,
                Win32.PIPE_ACCESS_DUPLEX | Win32.FILE_FLAG_OVERLAPPED | extraOpenMode,
                Win32.PIPE_TYPE_BYTE | Win32.PIPE_READMODE_BYTE | Win32.PIPE_WAIT | Win32.PIPE_REJECT_REMOTE_CLIENTS,
                maxInstances,
                outSize,
                inSize,
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

    private HANDLE manualEvent(boolean initial) {
        return k.CreateEvent(null, true, initial, null);
    }

    private boolean valid(HANDLE handle) {
        return handle != null && value(handle) != value(WinBase.INVALID_HANDLE_VALUE);
    }

    private void closeIfValid(HANDLE handle) {
        if (valid(handle)) {
            k.CloseHandle(handle);
        }
    }

    /** A connected pair; [0] the server instance, [1] the client. Prints nothing unless it fails. */
    private HANDLE[] connectPair(String scenario, boolean clientOverlapped) {
        String name = pipeName(scenario);
        HANDLE ev = manualEvent(false);
        HANDLE s = server(name, 0, 4, 4096, 4096);
        Memory ov = overlapped(ev);
        k.ConnectNamedPipe(s, ov);
        HANDLE c = client(name, clientOverlapped);
        if (!valid(s) || !valid(c) || !k.GetOverlappedResult(s, ov, new IntByReference(), true)) {
            say("%s: setup failed err=%d", scenario, k.lastError());
        }
        k.CloseHandle(ev);
        return new HANDLE[] {s, c};
    }

    private boolean writeAll(HANDLE h, String data) {
        HANDLE ev = manualEvent(false);
        Memory ov = overlapped(ev);
        Memory buffer = bytes(data);
        boolean ok = k.WriteFile(h, buffer, data.length(), null, ov);
        if (!ok && k.lastError() == Win32.ERROR_IO_PENDING) {
            ok = k.GetOverlappedResult(h, ov, new IntByReference(), true);
        }
        k.CloseHandle(ev);
        return ok;
    }

    private int syncWrite(HANDLE h, String data) {
        Memory written = memory(4);
        k.WriteFile(h, bytes(data), data.length(), written, null);
        return written.getInt(0);
    }

    /** A thread that runs a kernel32 call and keeps its answer: 1, or 0 and the error. */
    private static final class Call {
        final AtomicInteger result = new AtomicInteger(-1);
        final AtomicInteger error = new AtomicInteger();
        final Thread thread;

        Call(String name, Kernel32Calls k, java.util.function.BooleanSupplier call) {
            thread = new Thread(
                    () -> {
                        boolean ok = call.getAsBoolean();
                        error.set(ok ? 0 : k.lastError());
                        result.set(ok ? 1 : 0);
                    },
                    name);
            thread.setDaemon(true);
            thread.start();
        }

        boolean blocked(Consumer<Thread> awaitBlocked) {
            awaitBlocked.accept(thread);
            return thread.isAlive();
        }

        int join(int millis) throws InterruptedException {
            thread.join(millis);
            return thread.isAlive() ? Win32.WAIT_TIMEOUT : Win32.WAIT_OBJECT_0;
        }

        String answer() {
            return result.get() == 1 ? "ret=1" : "ret=0 err=" + error.get();
        }
    }

    // ------------------------------------------------------------------------------- connect

    private void connect() {
        String name = pipeName("connect");
        IntByReference pid = new IntByReference();
        HANDLE ev = manualEvent(true);
        HANDLE s = server(name, 0, 4, 4096, 4096);
        Memory ov = overlapped(ev);
        report("connect-pending: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        reportStatus("connect-pending:", ov);
        reportEvent("connect-pending:", ev);
        reportResult("connect-pending: GetOverlappedResult", s, ov, false);
        report("client-pid: GetNamedPipeClientProcessId listening", k.GetNamedPipeClientProcessId(s, pid));
        HANDLE c = client(name, false);
        reportHandle("connect-pending: CreateFile", c, WinBase.INVALID_HANDLE_VALUE);
        reportWait("connect-pending: WaitForSingleObject", k.WaitForSingleObjectEx(ev, LONG_WAIT, false));
        reportStatus("connect-pending:", ov);
        reportResult("connect-pending: GetOverlappedResult", s, ov, false);

        k.SetEvent(ev);
        ov = overlapped(ev);
        report("connect-connected: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        reportEvent("connect-connected:", ev);
        reportStatus("connect-connected:", ov);

        boolean ok = k.GetNamedPipeClientProcessId(s, pid);
        say(
                "client-pid: GetNamedPipeClientProcessId ret=%d same=%d",
                ok ? 1 : 0, pid.getValue() == ProcessHandle.current().pid() ? 1 : 0);

        report("connect-closed: CloseHandle client", k.CloseHandle(c));
        ov = overlapped(ev);
        report("connect-closed: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        reportEvent("connect-closed:", ev);

        report("connect-disconnected: DisconnectNamedPipe", k.DisconnectNamedPipe(s));
        HANDLE c2 = client(name, false);
        reportHandle("connect-disconnected: CreateFile", c2, WinBase.INVALID_HANDLE_VALUE);
        ov = overlapped(ev);
        report("connect-disconnected: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        reportStatus("connect-disconnected:", ov);
        c2 = client(name, false);
        reportHandle("connect-disconnected: CreateFile", c2, WinBase.INVALID_HANDLE_VALUE);
        reportResult("connect-disconnected: GetOverlappedResult", s, ov, true);
        k.CloseHandle(c2);
        k.CloseHandle(s);

        name = pipeName("connect-early");
        s = server(name, 0, 4, 4096, 4096);
        c = client(name, false);
        reportHandle("connect-early: CreateFile", c, WinBase.INVALID_HANDLE_VALUE);
        k.ResetEvent(ev);
        ov = overlapped(ev);
        report("connect-early: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        reportEvent("connect-early:", ev);
        k.CloseHandle(c);
        k.CloseHandle(s);
        k.CloseHandle(ev);
    }

    // ------------------------------------------------------------------------------- waits

    private void waits() {
        HANDLE[] events = new HANDLE[65];
        Memory array = memory(65 * NativeLayout.POINTER);
        for (int i = 0; i < 65; i++) {
            events[i] = manualEvent(false);
            array.setLong((long) i * NativeLayout.POINTER, value(events[i]));
        }
        reportWait("waits: none signalled", k.WaitForMultipleObjects(3, array, false, 0));
        k.SetEvent(events[2]);
        k.SetEvent(events[1]);
        reportWait("waits: lowest", k.WaitForMultipleObjects(3, array, false, 0));
        reportWait("waits: 64 handles", k.WaitForMultipleObjects(64, array, false, 0));
        reportWait("waits: 65 handles", k.WaitForMultipleObjects(65, array, false, 0));
        reportWait("waits: 0 handles", k.WaitForMultipleObjects(0, array, false, 0));
        Memory twice = memory(2 * NativeLayout.POINTER);
        twice.setLong(0, value(events[0]));
        twice.setLong(NativeLayout.POINTER, value(events[0]));
        reportWait("waits: duplicate", k.WaitForMultipleObjects(2, twice, false, 0));

        HANDLE automatic = k.CreateEvent(null, false, true, null);
        reportWait("waits: auto-reset first", k.WaitForSingleObjectEx(automatic, 0, false));
        reportWait("waits: auto-reset second", k.WaitForSingleObjectEx(automatic, 0, false));
        k.SetEvent(automatic);
        twice.setLong(NativeLayout.POINTER, value(automatic));
        reportWait("waits: auto-reset in multiple", k.WaitForMultipleObjects(2, twice, false, 0));
        reportWait("waits: auto-reset after multiple", k.WaitForSingleObjectEx(automatic, 0, false));
        reportWait("waits: timeout", k.WaitForSingleObjectEx(events[0], 50, false));
        reportWait("waits: SleepEx", k.SleepEx(0, false));
        report("waits: CloseHandle", k.CloseHandle(automatic));
        report("waits: CloseHandle closed", k.CloseHandle(automatic));
        for (HANDLE event : events) {
            k.CloseHandle(event);
        }
    }

    // ------------------------------------------------------------------------------- reads

    private void read() {
        Memory buffer = memory(64);
        HANDLE ev = manualEvent(false);
        HANDLE[] pair = connectPair("read", false);
        HANDLE s = pair[0];
        HANDLE c = pair[1];

        say("read-now: client WriteFile bytes=%d", syncWrite(c, "hello"));
        Memory ov = overlapped(ev);
        report("read-now: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        reportEvent("read-now:", ev);
        reportStatus("read-now:", ov);
        reportResult("read-now: GetOverlappedResult", s, ov, false);
        reportData("read-now:", buffer, ov);

        syncWrite(c, "0123456789");
        ov = overlapped(ev);
        report("read-part: ReadFile 4", k.ReadFile(s, buffer, 4, null, ov));
        reportStatus("read-part:", ov);
        reportData("read-part:", buffer, ov);
        ov = overlapped(ev);
        report("read-part: ReadFile 16", k.ReadFile(s, buffer, 16, null, ov));
        reportStatus("read-part:", ov);
        reportData("read-part:", buffer, ov);

        k.SetEvent(ev);
        ov = overlapped(ev);
        report("read-pending: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        reportStatus("read-pending:", ov);
        reportEvent("read-pending:", ev);
        reportResult("read-pending: GetOverlappedResult", s, ov, false);
        syncWrite(c, "abc");
        reportWait("read-pending: WaitForSingleObject", k.WaitForSingleObjectEx(ev, LONG_WAIT, false));
        reportResult("read-pending: GetOverlappedResult", s, ov, false);
        reportData("read-pending:", buffer, ov);

        ov = overlapped(ev);
        report("read-broken: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        report("read-broken: CloseHandle client", k.CloseHandle(c));
        reportWait("read-broken: WaitForSingleObject", k.WaitForSingleObjectEx(ev, LONG_WAIT, false));
        reportStatus("read-broken:", ov);
        reportResult("read-broken: GetOverlappedResult", s, ov, false);
        k.SetEvent(ev);
        ov = overlapped(ev);
        report("read-broken: ReadFile again", k.ReadFile(s, buffer, 16, null, ov));
        reportEvent("read-broken: after ReadFile", ev);
        k.SetEvent(ev);
        ov = overlapped(ev);
        report("read-broken: WriteFile", k.WriteFile(s, bytes("x"), 1, null, ov));
        reportEvent("read-broken: after WriteFile", ev);
        k.CloseHandle(s);

        pair = connectPair("read-remaining", false);
        s = pair[0];
        c = pair[1];
        syncWrite(c, "left");
        report("read-remaining: CloseHandle client", k.CloseHandle(c));
        ov = overlapped(ev);
        report("read-remaining: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        reportStatus("read-remaining:", ov);
        reportData("read-remaining:", buffer, ov);
        ov = overlapped(ev);
        report("read-remaining: ReadFile again", k.ReadFile(s, buffer, 16, null, ov));
        k.CloseHandle(s);
        k.CloseHandle(ev);
    }

    // ------------------------------------------------------------------------------- cancel

    private void cancel() {
        Memory buffer = memory(16);
        HANDLE ev = manualEvent(false);
        HANDLE[] pair = connectPair("cancel", false);
        HANDLE s = pair[0];
        Memory ov = overlapped(ev);
        report("cancel: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        report("cancel: CancelIoEx", k.CancelIoEx(s, ov));
        reportResult("cancel: GetOverlappedResult", s, ov, true);
        reportStatus("cancel:", ov);
        reportEvent("cancel:", ev);
        report("cancel: CancelIoEx again", k.CancelIoEx(s, ov));
        report("cancel: CancelIoEx all, none pending", k.CancelIoEx(s, null));
        ov = overlapped(ev);
        report("cancel-all: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        report("cancel-all: CancelIoEx", k.CancelIoEx(s, null));
        reportResult("cancel-all: GetOverlappedResult", s, ov, true);
        k.CloseHandle(pair[1]);
        k.CloseHandle(s);
        k.CloseHandle(ev);
    }

    // ------------------------------------------------------------------------------- completion routines

    private void routines() {
        Memory buffer = memory(16);
        HANDLE ev = manualEvent(true);
        HANDLE[] pair = connectPair("readex", false);
        HANDLE s = pair[0];
        HANDLE c = pair[1];

        syncWrite(c, "xyz");
        Memory ov = overlapped(null);
        report("readex-now: ReadFileEx", k.ReadFileEx(s, buffer, 16, ov, completionRoutine));
        say("readex-now: runs=%d", routineRuns);
        reportWait("readex-now: SleepEx not alertable", k.SleepEx(0, false));
        say("readex-now: runs=%d", routineRuns);
        reportWait("readex-now: SleepEx alertable", k.SleepEx(0, true));
        reportRoutine("readex-now: routine", ov);
        reportWait("readex-now: SleepEx nothing queued", k.SleepEx(0, true));

        ov = overlapped(null);
        report("readex-pending: ReadFileEx", k.ReadFileEx(s, buffer, 16, ov, completionRoutine));
        reportWait("readex-pending: SleepEx", k.SleepEx(0, true));
        syncWrite(c, "de");
        reportWait("readex-pending: SleepEx", k.SleepEx(LONG_WAIT, true));
        reportRoutine("readex-pending: routine", ov);

        ov = overlapped(null);
        report("writeex: WriteFileEx", k.WriteFileEx(s, bytes("pong"), 4, ov, completionRoutine));
        reportWait("writeex: SleepEx", k.SleepEx(0, true));
        reportRoutine("writeex: routine", ov);

        syncWrite(c, "q");
        ov = overlapped(null);
        report("apc-first: ReadFileEx", k.ReadFileEx(s, buffer, 16, ov, completionRoutine));
        reportWait("apc-first: WaitForSingleObjectEx", k.WaitForSingleObjectEx(ev, 0, true));
        reportWait("apc-first: WaitForSingleObjectEx again", k.WaitForSingleObjectEx(ev, 0, true));
        reportWait("apc-first: SleepEx", k.SleepEx(0, true));
        reportRoutine("apc-first: routine", ov);

        ov = overlapped(null);
        report("readex-cancel: ReadFileEx", k.ReadFileEx(s, buffer, 16, ov, completionRoutine));
        report("readex-cancel: CancelIoEx", k.CancelIoEx(s, ov));
        reportWait("readex-cancel: SleepEx", k.SleepEx(0, true));
        reportRoutine("readex-cancel: routine", ov);

        report("readex-broken: CloseHandle client", k.CloseHandle(c));
        ov = overlapped(null);
        report("readex-broken: ReadFileEx", k.ReadFileEx(s, buffer, 16, ov, completionRoutine));
        reportWait("readex-broken: SleepEx", k.SleepEx(0, true));
        reportRoutine("readex-broken: routine", ov);
        ov = overlapped(null);
        report("readex-broken: WriteFileEx", k.WriteFileEx(s, bytes("w"), 1, ov, completionRoutine));
        reportWait("readex-broken: SleepEx", k.SleepEx(0, true));
        reportRoutine("readex-broken: routine", ov);
        k.CloseHandle(s);
        k.CloseHandle(ev);
    }

    // ------------------------------------------------------------------------------- QueueUserAPC

    private Call queueFromOtherThread(int targetThread, Thread waitFor) {
        return new Call("oracle-apc", k, () -> {
            if (waitFor != null) {
                awaitBlocked.accept(waitFor);
            }
            HANDLE target = k.OpenThread(Win32.THREAD_SET_CONTEXT, false, targetThread);
            boolean ok = k.QueueUserAPC(apcRoutine, target, new Pointer(42));
            k.CloseHandle(target);
            return ok;
        });
    }

    private void apcs() throws InterruptedException {
        HANDLE ev = manualEvent(false);
        int me = k.GetCurrentThreadId();

        Call queue = queueFromOtherThread(me, null);
        queue.join(LONG_WAIT);
        say("apc-thread: QueueUserAPC ret=%d", queue.result.get());
        reportWait("apc-thread: SleepEx not alertable", k.SleepEx(0, false));
        reportWait("apc-thread: SleepEx", k.SleepEx(0, true));
        reportApcs("apc-thread:");

        HANDLE self = k.OpenThread(Win32.THREAD_SET_CONTEXT, false, k.GetCurrentThreadId());
        reportHandle("apc-nested: OpenThread", self, null);
        report("apc-nested: QueueUserAPC", k.QueueUserAPC(apcRoutine, self, new Pointer(1)));
        reportWait("apc-nested: SleepEx", k.SleepEx(0, true));
        reportApcs("apc-nested:");
        k.CloseHandle(self);

        queue = queueFromOtherThread(me, Thread.currentThread());
        reportWait("apc-wake: WaitForSingleObjectEx", k.WaitForSingleObjectEx(ev, LONG_WAIT, true));
        reportApcs("apc-wake:");
        queue.join(LONG_WAIT);
        k.CloseHandle(ev);
    }

    // ------------------------------------------------------------------------------- DisconnectNamedPipe

    private void disconnect() {
        String name = pipeName("disconnect");
        Memory sbuf = memory(16);
        Memory cbuf = memory(16);
        HANDLE sev = manualEvent(false);
        HANDLE cev = manualEvent(false);
        HANDLE ev = manualEvent(false);
        HANDLE[] pair = connectPair("disconnect", true);
        HANDLE s = pair[0];
        HANDLE c = pair[1];

        Memory sov = overlapped(sev);
        Memory cov = overlapped(cev);
        report("disconnect-pending: server ReadFile", k.ReadFile(s, sbuf, 16, null, sov));
        report("disconnect-pending: client ReadFile", k.ReadFile(c, cbuf, 16, null, cov));
        report("disconnect-pending: DisconnectNamedPipe", k.DisconnectNamedPipe(s));
        reportWait("disconnect-pending: server WaitForSingleObject", k.WaitForSingleObjectEx(sev, LONG_WAIT, false));
        reportStatus("disconnect-pending: server", sov);
        reportResult("disconnect-pending: server GetOverlappedResult", s, sov, false);
        reportWait("disconnect-pending: client WaitForSingleObject", k.WaitForSingleObjectEx(cev, LONG_WAIT, false));
        reportStatus("disconnect-pending: client", cov);
        reportResult("disconnect-pending: client GetOverlappedResult", c, cov, false);

        report("disconnect-after: client ReadFile", k.ReadFile(c, cbuf, 16, null, overlapped(ev)));
        report("disconnect-after: client WriteFile", k.WriteFile(c, bytes("x"), 1, null, overlapped(ev)));
        report("disconnect-after: server ReadFile", k.ReadFile(s, sbuf, 16, null, overlapped(ev)));
        report("disconnect-after: server WriteFile", k.WriteFile(s, bytes("x"), 1, null, overlapped(ev)));
        report("disconnect-after: FlushFileBuffers", k.FlushFileBuffers(s));
        report("disconnect-after: DisconnectNamedPipe again", k.DisconnectNamedPipe(s));
        HANDLE c2 = client(name, true);
        reportHandle("disconnect-after: CreateFile", c2, WinBase.INVALID_HANDLE_VALUE);
        report("disconnect-after: client CloseHandle", k.CloseHandle(c));

        Memory ov = overlapped(ev);
        report("disconnect-discard: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        c = client(name, true);
        reportHandle("disconnect-discard: CreateFile", c, WinBase.INVALID_HANDLE_VALUE);
        reportResult("disconnect-discard: GetOverlappedResult", s, ov, true);
        report("disconnect-discard: server write", writeAll(s, "srv1"));
        report("disconnect-discard: client write", writeAll(c, "cli1"));
        report("disconnect-discard: DisconnectNamedPipe", k.DisconnectNamedPipe(s));
        report("disconnect-discard: old client ReadFile", k.ReadFile(c, cbuf, 16, null, overlapped(ev)));
        k.CloseHandle(c);
        ov = overlapped(ev);
        report("disconnect-discard: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        c = client(name, true);
        reportResult("disconnect-discard: GetOverlappedResult", s, ov, true);
        sov = overlapped(sev);
        report("disconnect-discard: server ReadFile", k.ReadFile(s, sbuf, 16, null, sov));
        cov = overlapped(cev);
        report("disconnect-discard: client ReadFile", k.ReadFile(c, cbuf, 16, null, cov));
        k.CancelIoEx(s, sov);
        k.CancelIoEx(c, cov);
        reportResult("disconnect-discard: server GetOverlappedResult", s, sov, true);
        reportResult("disconnect-discard: client GetOverlappedResult", c, cov, true);
        k.CloseHandle(c);
        k.CloseHandle(s);

        s = server(name, 0, 4, 4096, 4096);
        report("disconnect-listening: DisconnectNamedPipe", k.DisconnectNamedPipe(s));
        c = client(name, true);
        reportHandle("disconnect-listening: CreateFile", c, WinBase.INVALID_HANDLE_VALUE);
        closeIfValid(c);
        k.CloseHandle(s);
        k.CloseHandle(sev);
        k.CloseHandle(cev);
        k.CloseHandle(ev);
    }

    // ------------------------------------------------------------------------------- CloseHandle

    private void close() {
        Memory buffer = memory(16);
        HANDLE ev = manualEvent(false);
        HANDLE cev = manualEvent(false);

        HANDLE[] pair = connectPair("close-server", true);
        HANDLE s = pair[0];
        HANDLE c = pair[1];
        report("close-server: write", writeAll(s, "bye"));
        Memory ov = overlapped(ev);
        report("close-server: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        report("close-server: CloseHandle server", k.CloseHandle(s));
        reportWait("close-server: WaitForSingleObject", k.WaitForSingleObjectEx(ev, LONG_WAIT, false));
        reportStatus("close-server:", ov);
        reportResult("close-server: GetOverlappedResult", s, ov, false);
        Memory cov = overlapped(cev);
        report("close-server: client ReadFile", k.ReadFile(c, buffer, 16, null, cov));
        reportStatus("close-server: client", cov);
        reportData("close-server: client", buffer, cov);
        report("close-server: client ReadFile again", k.ReadFile(c, buffer, 16, null, overlapped(cev)));
        report("close-server: client WriteFile", k.WriteFile(c, bytes("x"), 1, null, overlapped(cev)));
        report("close-server: client CloseHandle", k.CloseHandle(c));

        pair = connectPair("close-server-pending", true);
        s = pair[0];
        c = pair[1];
        cov = overlapped(cev);
        report("close-server-pending: client ReadFile", k.ReadFile(c, buffer, 16, null, cov));
        report("close-server-pending: CloseHandle server", k.CloseHandle(s));
        reportResult("close-server-pending: client GetOverlappedResult", c, cov, true);
        reportStatus("close-server-pending: client", cov);
        k.CloseHandle(c);

        pair = connectPair("close-client", true);
        s = pair[0];
        c = pair[1];
        report("close-client: write", writeAll(c, "abc"));
        cov = overlapped(cev);
        report("close-client: client ReadFile", k.ReadFile(c, buffer, 16, null, cov));
        report("close-client: CloseHandle client", k.CloseHandle(c));
        reportWait("close-client: client WaitForSingleObject", k.WaitForSingleObjectEx(cev, LONG_WAIT, false));
        reportStatus("close-client: client", cov);
        ov = overlapped(ev);
        report("close-client: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        reportStatus("close-client:", ov);
        report("close-client: ReadFile again", k.ReadFile(s, buffer, 16, null, overlapped(ev)));
        report("close-client: WriteFile", k.WriteFile(s, bytes("x"), 1, null, overlapped(ev)));
        report("close-client: FlushFileBuffers", k.FlushFileBuffers(s));
        report("close-client: DisconnectNamedPipe", k.DisconnectNamedPipe(s));
        k.CloseHandle(s);

        String name = pipeName("close-connect");
        s = server(name, 0, 4, 4096, 4096);
        ov = overlapped(ev);
        report("close-connect: ConnectNamedPipe", k.ConnectNamedPipe(s, ov));
        report("close-connect: CloseHandle", k.CloseHandle(s));
        reportWait("close-connect: WaitForSingleObject", k.WaitForSingleObjectEx(ev, LONG_WAIT, false));
        reportStatus("close-connect:", ov);
        c = client(name, true);
        reportHandle("close-connect: CreateFile", c, WinBase.INVALID_HANDLE_VALUE);
        closeIfValid(c);

        pair = connectPair("close-readex", true);
        s = pair[0];
        c = pair[1];
        ov = overlapped(null);
        report("close-readex: ReadFileEx", k.ReadFileEx(s, buffer, 16, ov, completionRoutine));
        report("close-readex: CloseHandle", k.CloseHandle(s));
        reportWait("close-readex: SleepEx", k.SleepEx(0, true));
        reportRoutine("close-readex: routine", ov);
        k.CloseHandle(c);

        pair = connectPair("close-iocp", true);
        s = pair[0];
        c = pair[1];
        HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
        k.CreateIoCompletionPort(s, port, new Pointer(5), 0);
        ov = overlapped(ev);
        report("close-iocp: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        report("close-iocp: CloseHandle", k.CloseHandle(s));
        Memory entries = memory(4 * NativeLayout.OVERLAPPED_ENTRY_SIZE);
        IntByReference removed = new IntByReference();
        if (k.GetQueuedCompletionStatusEx(port, entries, 4, removed, LONG_WAIT, false)) {
            say(
                    "close-iocp: GetQueuedCompletionStatusEx ret=1 removed=%d key=%d internal=0x%s",
                    removed.getValue(),
                    entries.getLong(NativeLayout.OVERLAPPED_ENTRY_KEY),
                    Long.toHexString(entries.getLong(NativeLayout.OVERLAPPED_ENTRY_INTERNAL) & 0xFFFF_FFFFL));
        } else {
            say("close-iocp: GetQueuedCompletionStatusEx ret=0 err=%d", k.lastError());
        }
        k.CloseHandle(c);
        k.CloseHandle(port);
        k.CloseHandle(ev);
        k.CloseHandle(cev);
    }

    // ------------------------------------------------------------------------------- FlushFileBuffers

    private Call startFlush(HANDLE h) {
        return new Call("oracle-flush", k, () -> k.FlushFileBuffers(h));
    }

    private void flush() throws InterruptedException {
        Memory buffer = memory(16);
        Memory bytes = memory(4);
        HANDLE[] pair = connectPair("flush", false);
        HANDLE s = pair[0];
        HANDLE c = pair[1];
        report("flush-empty: FlushFileBuffers", k.FlushFileBuffers(s));
        report("flush-wait: write", writeAll(s, "12345"));
        Call flush = startFlush(s);
        say("flush-wait: blocked=%d", flush.blocked(awaitBlocked) ? 1 : 0);
        k.ReadFile(c, buffer, 16, bytes, null);
        say("flush-wait: client read bytes=%d", bytes.getInt(0));
        reportWait("flush-wait: thread", flush.join(LONG_WAIT));
        say("flush-wait: FlushFileBuffers %s", flush.answer());

        report("flush-client-flush: write", writeAll(c, "ab"));
        flush = startFlush(c);
        say("flush-client-flush: blocked=%d", flush.blocked(awaitBlocked) ? 1 : 0);
        HANDLE ev = manualEvent(false);
        Memory ov = overlapped(ev);
        k.ReadFile(s, buffer, 16, null, ov);
        reportResult("flush-client-flush: server read", s, ov, true);
        k.CloseHandle(ev);
        reportWait("flush-client-flush: thread", flush.join(LONG_WAIT));
        say("flush-client-flush: FlushFileBuffers %s", flush.answer());

        report("flush-closed: write", writeAll(s, "123"));
        k.CloseHandle(c);
        report("flush-closed: FlushFileBuffers", k.FlushFileBuffers(s));
        k.CloseHandle(s);

        pair = connectPair("flush-peer-closes", false);
        s = pair[0];
        c = pair[1];
        report("flush-peer-closes: write", writeAll(s, "123"));
        flush = startFlush(s);
        say("flush-peer-closes: blocked=%d", flush.blocked(awaitBlocked) ? 1 : 0);
        k.CloseHandle(c);
        reportWait("flush-peer-closes: thread", flush.join(LONG_WAIT));
        say("flush-peer-closes: FlushFileBuffers %s", flush.answer());
        k.CloseHandle(s);

        pair = connectPair("flush-disconnect", false);
        s = pair[0];
        c = pair[1];
        report("flush-disconnect: write", writeAll(s, "123"));
        flush = startFlush(s);
        say("flush-disconnect: blocked=%d", flush.blocked(awaitBlocked) ? 1 : 0);
        report("flush-disconnect: DisconnectNamedPipe", k.DisconnectNamedPipe(s));
        reportWait("flush-disconnect: thread", flush.join(LONG_WAIT));
        say("flush-disconnect: FlushFileBuffers %s", flush.answer());
        k.CloseHandle(c);
        k.CloseHandle(s);

        pair = connectPair("flush-own-close", false);
        s = pair[0];
        c = pair[1];
        report("flush-own-close: write", writeAll(s, "123"));
        flush = startFlush(s);
        say("flush-own-close: blocked=%d", flush.blocked(awaitBlocked) ? 1 : 0);
        report("flush-own-close: CloseHandle server", k.CloseHandle(s));
        int joined = flush.join(PORT_WAIT);
        reportWait("flush-own-close: thread", joined);
        if (joined == Win32.WAIT_OBJECT_0) {
            say("flush-own-close: FlushFileBuffers %s", flush.answer());
        }
        k.CloseHandle(c);
    }

    // ------------------------------------------------------------------------------- completion ports

    private void iocp() throws InterruptedException {
        Memory buffer = memory(16);
        HANDLE ev = manualEvent(false);
        HANDLE port = k.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
        reportHandle("iocp: CreateIoCompletionPort", port, null);
        HANDLE[] pair = connectPair("iocp", false);
        HANDLE s = pair[0];
        HANDLE c = pair[1];
        HANDLE associated = k.CreateIoCompletionPort(s, port, new Pointer(7), 0);
        say("iocp: associate same-port=%d", value(associated) == value(port) ? 1 : 0);
        reportPackets("iocp-empty:", port, 0, null);

        Memory ov = overlapped(ev);
        report("iocp-pending: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        syncWrite(c, "abcd");
        reportPackets("iocp-pending:", port, LONG_WAIT, ov);

        syncWrite(c, "ef");
        ov = overlapped(ev);
        report("iocp-now: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        reportPackets("iocp-now:", port, 0, ov);

        syncWrite(c, "g");
        ov = overlapped(ev);
        ov.setLong(NativeLayout.OVERLAPPED_EVENT, value(ev) | 1);
        report("iocp-suppressed: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        reportPackets("iocp-suppressed:", port, 0, ov);
        reportEvent("iocp-suppressed:", ev);

        ov = overlapped(ev);
        report("iocp-cancel: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        report("iocp-cancel: CancelIoEx", k.CancelIoEx(s, ov));
        reportPackets("iocp-cancel:", port, LONG_WAIT, ov);

        ov = overlapped(ev);
        report("iocp-post: PostQueuedCompletionStatus", k.PostQueuedCompletionStatus(port, 9, new Pointer(3), ov));
        report("iocp-post: PostQueuedCompletionStatus", k.PostQueuedCompletionStatus(port, 1, new Pointer(4), null));
        reportPackets("iocp-post:", port, 0, ov);

        String name = pipeName("iocp");
        HANDLE s2 = server(name, 0, 4, 4096, 4096);
        say(
                "iocp-connect: associate same-port=%d",
                value(k.CreateIoCompletionPort(s2, port, new Pointer(8), 0)) == value(port) ? 1 : 0);
        ov = overlapped(ev);
        report("iocp-connect: ConnectNamedPipe", k.ConnectNamedPipe(s2, ov));
        HANDLE c2 = client(name, true);
        reportHandle("iocp-connect: CreateFile", c2, WinBase.INVALID_HANDLE_VALUE);
        reportPackets("iocp-connect:", port, LONG_WAIT, ov);

        say(
                "iocp-client: associate same-port=%d",
                value(k.CreateIoCompletionPort(c2, port, new Pointer(9), 0)) == value(port) ? 1 : 0);
        Memory cov = overlapped(ev);
        report("iocp-client: WriteFile", k.WriteFile(c2, bytes("hi"), 2, null, cov));
        reportPackets("iocp-client:", port, 0, cov);

        k.CloseHandle(c);
        ov = overlapped(ev);
        report("iocp-broken: ReadFile", k.ReadFile(s, buffer, 16, null, ov));
        reportPackets("iocp-broken:", port, 0, ov);

        HANDLE waitedOn = port;
        Call waiter = new Call("oracle-port", k, () -> {
            Memory entry = new Memory(NativeLayout.OVERLAPPED_ENTRY_SIZE);
            return k.GetQueuedCompletionStatusEx(waitedOn, entry, 1, new IntByReference(), PORT_WAIT, false);
        });
        waiter.blocked(awaitBlocked);
        report("iocp-close: CloseHandle port", k.CloseHandle(port));
        waiter.join(LONG_WAIT);
        say("iocp-close: waiter %s", waiter.answer());
        k.CloseHandle(c2);
        k.CloseHandle(s2);
        k.CloseHandle(s);
        k.CloseHandle(ev);
    }

    // ------------------------------------------------------------------------------- instances, busy, names

    private void instances() throws InterruptedException {
        String name = pipeName("busy");
        String missing = pipeName("missing");
        HANDLE ev = manualEvent(false);

        HANDLE s1 = server(name, 0, 1, 4096, 4096);
        reportHandle("busy: CreateNamedPipe", s1, WinBase.INVALID_HANDLE_VALUE);
        HANDLE s2 = server(name, 0, 1, 4096, 4096);
        reportHandle("busy: CreateNamedPipe beyond max", s2, WinBase.INVALID_HANDLE_VALUE);
        closeIfValid(s2);
        reportHandle("busy: CreateFile missing", client(missing, false), WinBase.INVALID_HANDLE_VALUE);
        report("busy: WaitNamedPipe missing", k.WaitNamedPipe(missing, 100));
        report("busy: WaitNamedPipe fresh instance", k.WaitNamedPipe(name, 100));
        HANDLE c1 = client(name, false);
        reportHandle("busy: CreateFile", c1, WinBase.INVALID_HANDLE_VALUE);
        HANDLE c2 = client(name, false);
        reportHandle("busy: CreateFile second", c2, WinBase.INVALID_HANDLE_VALUE);
        closeIfValid(c2);
        report("busy: WaitNamedPipe", k.WaitNamedPipe(name, 100));

        Call wait = new Call("oracle-wait-pipe", k, () -> k.WaitNamedPipe(name, LONG_WAIT));
        say("busy-wait: blocked=%d", wait.blocked(awaitBlocked) ? 1 : 0);
        report("busy-wait: DisconnectNamedPipe", k.DisconnectNamedPipe(s1));
        Memory ov = overlapped(ev);
        report("busy-wait: ConnectNamedPipe", k.ConnectNamedPipe(s1, ov));
        wait.join(LONG_WAIT);
        say("busy-wait: WaitNamedPipe %s", wait.answer());
        HANDLE c3 = client(name, false);
        reportHandle("busy-wait: CreateFile", c3, WinBase.INVALID_HANDLE_VALUE);
        reportResult("busy-wait: GetOverlappedResult", s1, ov, true);
        k.CloseHandle(c3);
        k.CloseHandle(c1);
        k.CloseHandle(s1);

        String other = pipeName("first");
        HANDLE f1 = server(other, Win32.FILE_FLAG_FIRST_PIPE_INSTANCE, 4, 4096, 4096);
        reportHandle("first-instance: first", f1, WinBase.INVALID_HANDLE_VALUE);
        HANDLE f2 = server(other, Win32.FILE_FLAG_FIRST_PIPE_INSTANCE, 4, 4096, 4096);
        reportHandle("first-instance: second with flag", f2, WinBase.INVALID_HANDLE_VALUE);
        HANDLE f3 = server(other, 0, 4, 4096, 4096);
        reportHandle("first-instance: second without flag", f3, WinBase.INVALID_HANDLE_VALUE);
        closeIfValid(f2);
        k.CloseHandle(f3);
        k.CloseHandle(f1);

        f1 = server(pipeName("case"), 0, 4, 4096, 4096);
        c1 = client("\\\\.\\PIPE\\PIPELAB-ORACLE-CASE", false);
        reportHandle("names: CreateFile other case", c1, WinBase.INVALID_HANDLE_VALUE);
        k.CloseHandle(c1);
        k.CloseHandle(f1);
        reportAndClose("names: not a pipe name", server("\\\\.\\pipelab\\x", 0, 4, 4096, 4096));
        reportAndClose("names: empty pipe name", server("\\\\.\\pipe\\", 0, 4, 4096, 4096));
        reportAndClose("names: backslash in pipe name", server("\\\\.\\pipe\\pipelab-oracle-a\\b", 0, 4, 4096, 4096));
        reportAndClose("names: CreateFile not a pipe name", client("\\\\.\\pipelab\\x", false));
        other = pipeName("limits");
        reportAndClose("names: maxInstances 0", server(other, 0, 0, 4096, 4096));
        reportAndClose("names: maxInstances 256", server(other, 0, 256, 4096, 4096));
        k.CloseHandle(ev);
    }

    private void reportAndClose(String label, HANDLE handle) {
        reportHandle(label, handle, WinBase.INVALID_HANDLE_VALUE);
        closeIfValid(handle);
    }

    // ------------------------------------------------------------------------------- write quota

    private void quota() {
        String name = pipeName("quota");
        Memory big = memory(64);
        big.setMemory(0, 64, (byte) 'q');
        Memory buffer = memory(64);
        HANDLE ev = manualEvent(false);
        HANDLE cev = manualEvent(false);
        HANDLE s = server(name, 0, 4, 16, 16);
        Memory ov = overlapped(ev);
        k.ConnectNamedPipe(s, ov);
        HANDLE c = client(name, true);
        reportResult("quota: connect", s, ov, true);

        ov = overlapped(ev);
        report("quota: WriteFile 64", k.WriteFile(s, big, 64, null, ov));
        reportStatus("quota:", ov);
        int total = 0;
        int reads = 0;
        while (total < 64 && reads < 10) {
            IntByReference bytes = new IntByReference();
            Memory cov = overlapped(cev);
            if (k.ReadFile(c, buffer, 64, null, cov) || k.lastError() == Win32.ERROR_IO_PENDING) {
                if (k.GetOverlappedResult(c, cov, bytes, true)) {
                    total += bytes.getValue();
                }
            }
            reads++;
        }
        say("quota: client read total=%d", total);
        reportResult("quota: GetOverlappedResult", s, ov, true);
        ov = overlapped(ev);
        report("quota: WriteFile 8", k.WriteFile(s, big, 8, null, ov));
        reportStatus("quota:", ov);
        ov = overlapped(ev);
        report("quota-broken: WriteFile 64", k.WriteFile(s, big, 64, null, ov));
        report("quota-broken: CloseHandle client", k.CloseHandle(c));
        reportResult("quota-broken: GetOverlappedResult", s, ov, true);
        reportStatus("quota-broken:", ov);
        k.CloseHandle(s);

        s = server(name, 0, 4, 16, 16);
        ov = overlapped(ev);
        k.ConnectNamedPipe(s, ov);
        c = client(name, true);
        reportResult("quota-disconnect: connect", s, ov, true);
        ov = overlapped(ev);
        report("quota-disconnect: WriteFile 64", k.WriteFile(s, big, 64, null, ov));
        Memory cov = overlapped(cev);
        report("quota-disconnect: client WriteFile 64", k.WriteFile(c, big, 64, null, cov));
        report("quota-disconnect: DisconnectNamedPipe", k.DisconnectNamedPipe(s));
        reportResult("quota-disconnect: GetOverlappedResult", s, ov, true);
        reportStatus("quota-disconnect:", ov);
        reportResult("quota-disconnect: client GetOverlappedResult", c, cov, true);
        reportStatus("quota-disconnect: client", cov);
        k.CloseHandle(c);
        k.CloseHandle(s);
        k.CloseHandle(ev);
        k.CloseHandle(cev);
    }
}
