package dev.pipelab.os.windows;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * kernel32's named pipes, events, waits, APCs and completion ports, simulated inside this JVM for
 * one simulated process (both ends of every pipe live in it), so that the Windows seam's own code
 * runs on Linux against something that answers as Windows does.
 *
 * <p>What it models, in plain words:
 *
 * <ul>
 *   <li><b>Memory as the kernel sees it.</b> Buffers and OVERLAPPED structures are native memory the
 *       caller owns; the stand-in reads a write's bytes and writes a read's bytes, the OVERLAPPED's
 *       Internal (an NTSTATUS) and InternalHigh (bytes) when the operation completes, just as the
 *       kernel does. It remembers addresses only, never the {@code Memory} objects, so only the
 *       caller keeps them alive, and a caller that frees them too early is caught by the crash it
 *       would cause on Windows.
 *   <li><b>Starting an overlapped operation.</b> As kernel32 does, ReadFile, WriteFile and
 *       ConnectNamedPipe set Internal to STATUS_PENDING and reset the OVERLAPPED's event first. An
 *       operation that completes at once returns TRUE and still sets the event, posts the
 *       completion packet, or queues the completion routine. An operation that fails at once
 *       (broken pipe, not connected, ERROR_PIPE_CONNECTED ...) returns FALSE and does none of these:
 *       the event stays reset and Internal stays STATUS_PENDING (Wine shows both).
 *   <li><b>Byte-mode pipes.</b> Each direction holds at most its quota (the buffer size given to
 *       CreateNamedPipe, 4096 if 0). A write takes what fits at once; a write that does not fit
 *       stays pending, in order, until the reader has drained enough for all its bytes to be in.
 *       A read takes what is there (up to its length, also straight out of pending writes) and
 *       completes; with nothing there it stays pending.
 *   <li><b>Ends going away.</b> When one end closes its handle, every pending read and write of
 *       both ends completes with STATUS_PIPE_BROKEN (ERROR_BROKEN_PIPE); what the closed end had
 *       not read is discarded, what it had written stays readable by the other end, after which
 *       reads fail with ERROR_BROKEN_PIPE and writes with ERROR_NO_DATA. DisconnectNamedPipe
 *       discards what is unread both ways and completes every pending operation of both ends with
 *       STATUS_PIPE_DISCONNECTED (ERROR_PIPE_NOT_CONNECTED), the error every later call on either
 *       end gets.
 *   <li><b>Completion.</b> An OVERLAPPED's hEvent is set; a handle associated with a completion port
 *       posts a packet unless the event's low bit is set; ReadFileEx and WriteFileEx queue their
 *       routine as an APC to the thread that issued them, which runs it only in an alertable wait.
 *       An alertable wait with APCs queued runs them all (including ones queued meanwhile) and
 *       returns WAIT_IO_COMPLETION even when the object is signalled, as the Alertable I/O page
 *       describes it.
 * </ul>
 *
 * <p>Where the Win32 documentation gives an answer, the stand-in gives it; where it is silent, the
 * stand-in gives what Wine's named pipes gave {@code pipe_oracle.c}. {@link WineOracleTest} lists
 * the places where the two disagree. Some answers neither could show, and they are assumptions:
 * they are marked so in the methods' comments.
 *
 * <p>Everything runs under one lock; waiting threads wait on its condition (releasing the lock),
 * and completion routines and APCs run without it. Java interrupts do not end a wait, as they do
 * not end a native wait on Windows (the interrupt status is kept). Calls that Windows would accept
 * but the seam has no business making (a named event, a waitAll wait, an OVERLAPPED used by two
 * operations at once, waiting for an OVERLAPPED nothing is pending on) throw, so that the mistake
 * shows in the test rather than as a hang.
 */
public final class StandInKernel32 implements Kernel32Calls {

    // NTSTATUS values an OVERLAPPED or a completion packet carries.
    static final int STATUS_SUCCESS = 0;
    static final int STATUS_PENDING = 0x0000_0103;
    static final int STATUS_PIPE_BROKEN = 0xC000_014B;
    static final int STATUS_PIPE_DISCONNECTED = 0xC000_00B0;
    static final int STATUS_CANCELLED = 0xC000_0120;

    // Win32 errors the stand-in returns that the seam does not name.
    static final int ERROR_INVALID_FUNCTION = 1;
    static final int ERROR_PATH_NOT_FOUND = 3;
    static final int ERROR_INVALID_NAME = 123;
    static final int ERROR_ABANDONED_WAIT_0 = 735;

    /** What a pipe direction holds when CreateNamedPipe was given a buffer size of 0. */
    static final int DEFAULT_QUOTA = 4096;

    /** NMPWAIT_USE_DEFAULT_WAIT with a default time-out of 0 waits this long (CreateNamedPipe). */
    static final int DEFAULT_PIPE_WAIT_MILLIS = 50;

    private static final String PIPE_PREFIX = "\\\\.\\pipe\\";
    private static final long FIRST_HANDLE = 0x1000;
    private static final int NOT_YET = Integer.MIN_VALUE;

    /** GetLastError is per thread, whichever kernel32 it came from. */
    private static final ThreadLocal<int[]> LAST_ERROR = ThreadLocal.withInitial(() -> new int[1]);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Long, KernelObject> handles = new HashMap<>();
    private final Map<String, Pipe> pipes = new HashMap<>();
    private final Map<Long, Operation> pendingByOverlapped = new HashMap<>();
    private final Set<Operation> pending = new LinkedHashSet<>();
    private final Map<Thread, ThreadState> threads = new WeakHashMap<>();
    private final Map<Integer, ThreadState> threadsById = new HashMap<>();
    private final Set<Thread> waiting = new HashSet<>();
    private long nextHandle = FIRST_HANDLE;
    private int nextThreadId = 0x104;
    private boolean denyAccess;
    private int clientProcessId = (int) ProcessHandle.current().pid();

    /** A stand-in with no pipes, no handles, and clients that identify as this JVM's process. */
    public StandInKernel32() {}

    // ------------------------------------------------------------------------------- test hooks

    /** From now on, CreateFile fails with ERROR_ACCESS_DENIED (true) or works again (false). */
    public void denyAccess(boolean deny) {
        lock.lock();
        try {
            denyAccess = deny;
        } finally {
            lock.unlock();
        }
    }

    /** The process id that GetNamedPipeClientProcessId reports for clients connecting from now on. */
    public void clientProcessId(int processId) {
        lock.lock();
        try {
            clientProcessId = processId;
        } finally {
            lock.unlock();
        }
    }

    /** How many handles are open: pipe ends, events, ports and thread handles. */
    public int openHandles() {
        lock.lock();
        try {
            return handles.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many connects, reads and writes have been started and have not completed yet. */
    public int pendingOperations() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, at most timeout, until thread sits in one of the stand-in's waits (a blocking call, an
     * alertable wait, a wait for a port or a pipe), as a thread blocked in kernel32 would; for tests
     * that must know another thread has got that far. Whether it has.
     */
    public boolean awaitBlocked(Thread thread, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        lock.lock();
        try {
            while (!waiting.contains(thread)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int lastError() {
        return LAST_ERROR.get()[0];
    }

    // ------------------------------------------------------------------------------- pipes

    /**
     * A new instance of the pipe, LISTENING. The name must be {@code \\.\pipe\} and a non-empty
     * name without a backslash (documented; names are compared without regard to case): other
     * paths fail with ERROR_PATH_NOT_FOUND (what Wine answers), a malformed pipe name with
     * ERROR_INVALID_NAME. maxInstances must be 1 to 255 (255: unlimited) and the same for every
     * instance, else ERROR_INVALID_PARAMETER and ERROR_ACCESS_DENIED; one more instance than the
     * limit fails with ERROR_PIPE_BUSY; FILE_FLAG_FIRST_PIPE_INSTANCE when an instance exists fails
     * with ERROR_ACCESS_DENIED.
     */
    @Override
    public HANDLE CreateNamedPipe(
            String name,
            int openMode,
            int pipeMode,
            int maxInstances,
            int outBufferSize,
            int inBufferSize,
            int defaultTimeOut,
            Pointer securityAttributes) {
        lock.lock();
        try {
            int nameError = nameError(name);
            if (nameError != 0) {
                return failHandle(nameError);
            }
            if (maxInstances < 1 || maxInstances > Win32.PIPE_UNLIMITED_INSTANCES) {
                return failHandle(Win32.ERROR_INVALID_PARAMETER);
            }
            String key = pipeKey(name);
            Pipe pipe = pipes.get(key);
            if (pipe != null) {
                if ((openMode & Win32.FILE_FLAG_FIRST_PIPE_INSTANCE) != 0 || pipe.maxInstances != maxInstances) {
                    return failHandle(Win32.ERROR_ACCESS_DENIED);
                }
                if (maxInstances != Win32.PIPE_UNLIMITED_INSTANCES && pipe.instances.size() >= maxInstances) {
                    return failHandle(Win32.ERROR_PIPE_BUSY);
                }
            } else {
                pipe = new Pipe(key, maxInstances, defaultTimeOut);
                pipes.put(key, pipe);
            }
            ServerEnd server = new ServerEnd(
                    pipe,
                    (openMode & Win32.FILE_FLAG_OVERLAPPED) != 0,
                    outBufferSize == 0 ? DEFAULT_QUOTA : outBufferSize,
                    inBufferSize == 0 ? DEFAULT_QUOTA : inBufferSize);
            pipe.instances.add(server);
            return register(server);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets a client connect. LISTENING (or DISCONNECTED, which becomes LISTENING): the connect
     * pends until a client connects (FALSE, ERROR_IO_PENDING on an overlapped handle; a
     * non-overlapped handle, or a null OVERLAPPED, blocks). A client already connected: FALSE,
     * ERROR_PIPE_CONNECTED; a client connected and gone again: FALSE, ERROR_NO_DATA. Both failures
     * leave the event reset and Internal STATUS_PENDING, as on Wine: kernel32 and the I/O manager
     * prepare the OVERLAPPED before the pipe refuses.
     */
    @Override
    public boolean ConnectNamedPipe(HANDLE pipe, Pointer overlapped) {
        Operation connect;
        lock.lock();
        try {
            KernelObject object = handles.get(value(pipe));
            if (!(object instanceof ServerEnd server)) {
                return fail(object == null ? Win32.ERROR_INVALID_HANDLE : ERROR_INVALID_FUNCTION);
            }
            long ovl = address(overlapped);
            long eventValue = prepare(ovl, true);
            int refusal = switch (server.state) {
                case CONNECTED -> Win32.ERROR_PIPE_CONNECTED;
                case CLOSING -> Win32.ERROR_NO_DATA;
                case LISTENING, DISCONNECTED -> 0;
            };
            if (refusal != 0) {
                return fail(refusal);
            }
            server.state = InstanceState.LISTENING;
            connect = begin(new Operation(server, ovl, 0, 0, eventValue, null, null));
            connect.queue = server.connects;
            server.connects.add(connect);
            changed.signalAll();
            if (server.overlapped && ovl != 0) {
                return fail(Win32.ERROR_IO_PENDING);
            }
        } finally {
            lock.unlock();
        }
        return finishSynchronously(connect, null);
    }

    /**
     * Forces the client off a CONNECTED or CLOSING instance, which becomes DISCONNECTED (clients
     * get ERROR_PIPE_BUSY until the next ConnectNamedPipe). Unread data both ways is discarded;
     * pending reads and writes of both ends, and a FlushFileBuffers waiting on either end, fail
     * with ERROR_PIPE_NOT_CONNECTED, as does every later call on the client's handle. On a
     * LISTENING instance it fails with ERROR_PIPE_LISTENING, on a DISCONNECTED one with
     * ERROR_PIPE_NOT_CONNECTED (both as on Wine).
     */
    @Override
    public boolean DisconnectNamedPipe(HANDLE pipe) {
        lock.lock();
        try {
            KernelObject object = handles.get(value(pipe));
            if (!(object instanceof ServerEnd server)) {
                return fail(object == null ? Win32.ERROR_INVALID_HANDLE : ERROR_INVALID_FUNCTION);
            }
            int refusal = unconnectedRefusal(server);
            if (refusal != 0) {
                return fail(refusal);
            }
            Connection connection = server.connection;
            connection.disconnected = true;
            connection.toClient.clear();
            connection.toServer.clear();
            failEverything(connection, STATUS_PIPE_DISCONNECTED, Win32.ERROR_PIPE_NOT_CONNECTED);
            server.connection = null;
            server.state = InstanceState.DISCONNECTED;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The process id of the instance's client ({@link #clientProcessId(int)} when it connected).
     * Without a client it succeeds with 0, as on Wine.
     */
    @Override
    public boolean GetNamedPipeClientProcessId(HANDLE pipe, IntByReference clientProcessId) {
        lock.lock();
        try {
            KernelObject object = handles.get(value(pipe));
            Connection connection;
            if (object instanceof ServerEnd server) {
                connection = server.connection;
            } else if (object instanceof ClientEnd client) {
                connection = client.connection;
            } else {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            clientProcessId.setValue(connection == null ? 0 : connection.client.processId);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A client's end: connects to a LISTENING instance, the oldest with a pending ConnectNamedPipe
     * if there is one, else the oldest, and completes its pending connects. No such pipe:
     * ERROR_FILE_NOT_FOUND (a path outside {@code \\.\pipe\}: ERROR_PATH_NOT_FOUND); no LISTENING
     * instance: ERROR_PIPE_BUSY; after {@link #denyAccess(boolean)}: ERROR_ACCESS_DENIED.
     * FILE_FLAG_OVERLAPPED in the flags makes the handle overlapped.
     */
    @Override
    public HANDLE CreateFile(
            String name,
            int desiredAccess,
            int shareMode,
            Pointer securityAttributes,
            int creationDisposition,
            int flagsAndAttributes,
            HANDLE templateFile) {
        lock.lock();
        try {
            int nameError = nameError(name);
            if (nameError == ERROR_PATH_NOT_FOUND) {
                return failHandle(ERROR_PATH_NOT_FOUND);
            }
            Pipe pipe = nameError == 0 ? pipes.get(pipeKey(name)) : null;
            if (pipe == null) {
                return failHandle(Win32.ERROR_FILE_NOT_FOUND);
            }
            if (denyAccess) {
                return failHandle(Win32.ERROR_ACCESS_DENIED);
            }
            ServerEnd chosen = null;
            for (ServerEnd instance : pipe.instances) {
                if (instance.state == InstanceState.LISTENING
                        && (chosen == null || (chosen.connects.isEmpty() && !instance.connects.isEmpty()))) {
                    chosen = instance;
                }
            }
            if (chosen == null) {
                return failHandle(Win32.ERROR_PIPE_BUSY);
            }
            ClientEnd client = new ClientEnd((flagsAndAttributes & Win32.FILE_FLAG_OVERLAPPED) != 0, clientProcessId);
            Connection connection = new Connection(chosen, client);
            client.connection = connection;
            chosen.connection = connection;
            chosen.state = InstanceState.CONNECTED;
            HANDLE handle = register(client);
            for (Operation connect : new ArrayList<>(chosen.connects)) {
                complete(connect, STATUS_SUCCESS, 0);
            }
            changed.signalAll();
            return handle;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until an instance of the pipe has a pending ConnectNamedPipe (documented: a LISTENING
     * instance without one does not count; Wine counts it), TRUE; no such pipe: FALSE,
     * ERROR_FILE_NOT_FOUND at once; time-out: FALSE, ERROR_SEM_TIMEOUT. 0 is the pipe's default
     * time-out (50 ms if that is 0), -1 waits forever. If the pipe's last instance closes while
     * waiting, it fails with ERROR_FILE_NOT_FOUND (an assumption).
     */
    @Override
    public boolean WaitNamedPipe(String name, int timeOut) {
        int result;
        lock.lock();
        try {
            Pipe pipe = nameError(name) == 0 ? pipes.get(pipeKey(name)) : null;
            if (pipe == null) {
                return fail(Win32.ERROR_FILE_NOT_FOUND);
            }
            int millis = timeOut != 0
                    ? timeOut
                    : (pipe.defaultTimeOut == 0 ? DEFAULT_PIPE_WAIT_MILLIS : pipe.defaultTimeOut);
            result = await(millis, false, () -> {
                if (pipes.get(pipe.key) != pipe) {
                    return Win32.ERROR_FILE_NOT_FOUND;
                }
                for (ServerEnd instance : pipe.instances) {
                    if (instance.state == InstanceState.LISTENING && !instance.connects.isEmpty()) {
                        return Win32.ERROR_SUCCESS;
                    }
                }
                return NOT_YET;
            });
        } finally {
            lock.unlock();
        }
        if (result == Win32.WAIT_TIMEOUT) {
            return fail(Win32.ERROR_SEM_TIMEOUT);
        }
        return result == Win32.ERROR_SUCCESS || fail(result);
    }

    /**
     * Closes any handle. A pipe end's pending reads and writes, and those of the other end, fail
     * with ERROR_BROKEN_PIPE (as on Wine; the documentation does not say, and Windows' NPFS is
     * known to do the same); a server's pending connects too (Wine reports an odd warning status
     * there, see {@link WineOracleTest}). Their events are set, their packets posted, their routines
     * queued to their threads. A closed completion port wakes its waiters with
     * ERROR_ABANDONED_WAIT_0.
     */
    @Override
    public boolean CloseHandle(HANDLE handle) {
        lock.lock();
        try {
            KernelObject object = handles.remove(value(handle));
            if (object == null) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            if (object instanceof Port port) {
                port.closed = true;
                port.packets.clear();
            } else if (object instanceof ServerEnd server) {
                closeServer(server);
            } else if (object instanceof ClientEnd client) {
                closeClient(client);
            }
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void closeServer(ServerEnd server) {
        for (Operation connect : new ArrayList<>(server.connects)) {
            complete(connect, STATUS_PIPE_BROKEN, 0);
        }
        Connection connection = server.connection;
        if (connection != null) {
            connection.serverClosed = true;
            connection.toServer.clear();
            failEverything(connection, STATUS_PIPE_BROKEN, Win32.ERROR_BROKEN_PIPE);
        }
        server.pipe.instances.remove(server);
        if (server.pipe.instances.isEmpty() && pipes.get(server.pipe.key) == server.pipe) {
            pipes.remove(server.pipe.key);
        }
    }

    private void closeClient(ClientEnd client) {
        Connection connection = client.connection;
        if (connection.disconnected || connection.clientClosed) {
            return;
        }
        connection.clientClosed = true;
        connection.toClient.clear();
        failEverything(connection, STATUS_PIPE_BROKEN, Win32.ERROR_BROKEN_PIPE);
        if (!connection.serverClosed && connection.server.connection == connection) {
            connection.server.state = InstanceState.CLOSING;
        }
    }

    /**
     * Completes every pending read and write of both ends with status, and flushes with error. A
     * failed write reports 0 bytes, also when part of it had gone into the pipe (as on Wine).
     */
    private void failEverything(Connection connection, int status, int flushError) {
        for (Flow flow : List.of(connection.toClient, connection.toServer)) {
            for (Operation operation : new ArrayList<>(flow.reads)) {
                complete(operation, status, 0);
            }
            for (Operation operation : new ArrayList<>(flow.writes)) {
                complete(operation, status, 0);
            }
            flow.resolveFlushes(flushError);
        }
    }

    // ------------------------------------------------------------------------------- reads and writes

    /**
     * Reads what is there, up to bytesToRead, and completes at once (TRUE; the event is set and the
     * packet posted all the same); with nothing there, pends (FALSE, ERROR_IO_PENDING), or blocks
     * on a non-overlapped handle or without an OVERLAPPED. Nothing there and the writer gone:
     * ERROR_BROKEN_PIPE; after DisconnectNamedPipe: ERROR_PIPE_NOT_CONNECTED; on an instance
     * without a client: ERROR_PIPE_LISTENING.
     */
    @Override
    public boolean ReadFile(HANDLE file, Pointer buffer, int bytesToRead, Pointer bytesRead, Pointer overlapped) {
        return transfer(Kind.READ, file, buffer, bytesToRead, bytesRead, overlapped, null);
    }

    /**
     * Writes what fits at once and completes when all bytes are in the pipe (the quota) — at once
     * if they fit. The reader gone: ERROR_NO_DATA; after DisconnectNamedPipe:
     * ERROR_PIPE_NOT_CONNECTED.
     */
    @Override
    public boolean WriteFile(HANDLE file, Pointer buffer, int bytesToWrite, Pointer bytesWritten, Pointer overlapped) {
        return transfer(Kind.WRITE, file, buffer, bytesToWrite, bytesWritten, overlapped, null);
    }

    /**
     * ReadFile's data rules, but completion, even at once, queues the routine to this thread, to run
     * in its next alertable wait; hEvent is not touched. TRUE when started; an immediate failure
     * (a broken pipe ...) is FALSE with the error and queues nothing (documented, and Wine agrees).
     * Overlapped handles only (documented), else ERROR_INVALID_PARAMETER.
     */
    @Override
    public boolean ReadFileEx(
            HANDLE file, Pointer buffer, int bytesToRead, Pointer overlapped, CompletionRoutine routine) {
        return transfer(Kind.READ, file, buffer, bytesToRead, null, overlapped, routine);
    }

    /** WriteFile's data rules with ReadFileEx's completion. */
    @Override
    public boolean WriteFileEx(
            HANDLE file, Pointer buffer, int bytesToWrite, Pointer overlapped, CompletionRoutine routine) {
        return transfer(Kind.WRITE, file, buffer, bytesToWrite, null, overlapped, routine);
    }

    private boolean transfer(
            Kind kind,
            HANDLE file,
            Pointer buffer,
            int length,
            Pointer countOut,
            Pointer overlapped,
            CompletionRoutine routine) {
        Operation operation;
        lock.lock();
        try {
            KernelObject object = handles.get(value(file));
            if (!(object instanceof PipeEnd end)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            long ovl = address(overlapped);
            if (routine != null && (!end.overlapped || ovl == 0)) {
                return fail(Win32.ERROR_INVALID_PARAMETER);
            }
            if (countOut != null) {
                countOut.setInt(0, 0);
            }
            long eventValue = prepare(ovl, routine == null);
            int refusal = kind == Kind.READ ? readRefusal(end) : writeRefusal(end);
            if (refusal != 0) {
                return fail(refusal);
            }
            Connection connection = connectionOf(end);
            ThreadState issuer = routine == null ? null : currentThreadState();
            operation = begin(new Operation(end, ovl, address(buffer), length, eventValue, routine, issuer));
            if (kind == Kind.READ) {
                Flow flow = end instanceof ServerEnd ? connection.toServer : connection.toClient;
                operation.queue = flow.reads;
                flow.reads.add(operation);
                flow.serveReads();
            } else {
                Flow flow = end instanceof ServerEnd ? connection.toClient : connection.toServer;
                operation.queue = flow.writes;
                flow.writes.add(operation);
                flow.pump();
                flow.serveReads();
            }
            if (operation.done) {
                if (countOut != null) {
                    countOut.setInt(0, operation.transferred);
                }
                return true;
            }
            if (routine != null) {
                return true;
            }
            if (end.overlapped && ovl != 0) {
                return fail(Win32.ERROR_IO_PENDING);
            }
        } finally {
            lock.unlock();
        }
        return finishSynchronously(operation, countOut);
    }

    /** Waits for an operation a synchronous call started, and answers as that call. */
    private boolean finishSynchronously(Operation operation, Pointer countOut) {
        lock.lock();
        try {
            await(Win32.INFINITE, false, () -> operation.done ? 0 : NOT_YET);
            if (countOut != null) {
                countOut.setInt(0, operation.transferred);
            }
            return operation.status >= 0 || fail(win32Error(operation.status));
        } finally {
            lock.unlock();
        }
    }

    /** Why an instance without a client refuses reads, writes and DisconnectNamedPipe; 0 with one. */
    private static int unconnectedRefusal(ServerEnd server) {
        return switch (server.state) {
            case LISTENING -> Win32.ERROR_PIPE_LISTENING;
            case DISCONNECTED -> Win32.ERROR_PIPE_NOT_CONNECTED;
            case CONNECTED, CLOSING -> 0;
        };
    }

    private static int readRefusal(PipeEnd end) {
        if (end instanceof ServerEnd server) {
            int refusal = unconnectedRefusal(server);
            if (refusal != 0) {
                return refusal;
            }
            Connection connection = server.connection;
            return connection.toServer.hasData() || !connection.clientClosed ? 0 : Win32.ERROR_BROKEN_PIPE;
        }
        Connection connection = ((ClientEnd) end).connection;
        if (connection.disconnected) {
            return Win32.ERROR_PIPE_NOT_CONNECTED;
        }
        return connection.toClient.hasData() || !connection.serverClosed ? 0 : Win32.ERROR_BROKEN_PIPE;
    }

    private static int writeRefusal(PipeEnd end) {
        if (end instanceof ServerEnd server) {
            int refusal = unconnectedRefusal(server);
            if (refusal != 0) {
                return refusal;
            }
            return server.connection.clientClosed ? Win32.ERROR_NO_DATA : 0;
        }
        Connection connection = ((ClientEnd) end).connection;
        if (connection.disconnected) {
            return Win32.ERROR_PIPE_NOT_CONNECTED;
        }
        return connection.serverClosed ? Win32.ERROR_NO_DATA : 0;
    }

    private static Connection connectionOf(PipeEnd end) {
        return end instanceof ServerEnd server ? server.connection : ((ClientEnd) end).connection;
    }

    /**
     * What the OVERLAPPED says: pending (STATUS_PENDING in Internal) gives FALSE and
     * ERROR_IO_INCOMPLETE, or with wait blocks until the operation completes; completed gives TRUE
     * and the bytes, or FALSE and the operation's error (the bytes are reported either way). Like
     * Windows, it reads the OVERLAPPED and does not need the handle to be open.
     */
    @Override
    public boolean GetOverlappedResult(HANDLE file, Pointer overlapped, IntByReference bytesTransferred, boolean wait) {
        lock.lock();
        try {
            long ovl = address(overlapped);
            if (ovl == 0) {
                return fail(Win32.ERROR_INVALID_PARAMETER);
            }
            if (internal(ovl) == STATUS_PENDING) {
                if (!wait) {
                    return fail(Win32.ERROR_IO_INCOMPLETE);
                }
                Operation operation = pendingByOverlapped.get(ovl);
                if (operation == null) {
                    throw new IllegalStateException("GetOverlappedResult waits on an OVERLAPPED no operation is"
                            + " pending on (did the operation fail at once?): Windows would wait forever");
                }
                await(Win32.INFINITE, false, () -> operation.done ? 0 : NOT_YET);
            }
            int status = internal(ovl);
            if (bytesTransferred != null) {
                bytesTransferred.setValue((int) new Pointer(ovl).getLong(NativeLayout.OVERLAPPED_INTERNAL_HIGH));
            }
            return status >= 0 || fail(win32Error(status));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels the handle's pending operation on that OVERLAPPED, or all of them (null), whichever
     * thread started them: each completes with ERROR_OPERATION_ABORTED (STATUS_CANCELLED), event,
     * routine or packet as usual. Nothing to cancel: FALSE, ERROR_NOT_FOUND (documented, also for
     * null; Wine answers TRUE there).
     */
    @Override
    public boolean CancelIoEx(HANDLE file, Pointer overlapped) {
        lock.lock();
        try {
            KernelObject object = handles.get(value(file));
            if (!(object instanceof PipeEnd end)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            long ovl = address(overlapped);
            List<Operation> cancelled = new ArrayList<>();
            for (Operation operation : end.pending) {
                if (ovl == 0 || operation.overlapped == ovl) {
                    cancelled.add(operation);
                }
            }
            if (cancelled.isEmpty()) {
                return fail(Win32.ERROR_NOT_FOUND);
            }
            for (Operation operation : cancelled) {
                complete(operation, STATUS_CANCELLED, 0);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until the other end has read every byte written on this handle: TRUE. Nothing unread,
     * no client, or a peer already gone (its unread data was discarded): TRUE at once (as on Wine).
     * While it waits: the peer closes, or this handle is closed by another thread:
     * ERROR_BROKEN_PIPE; DisconnectNamedPipe: ERROR_PIPE_NOT_CONNECTED (all three as on Wine).
     */
    @Override
    public boolean FlushFileBuffers(HANDLE file) {
        lock.lock();
        try {
            KernelObject object = handles.get(value(file));
            if (!(object instanceof PipeEnd end)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            Connection connection = connectionOf(end);
            if (connection == null || connection.disconnected || connection.serverClosed || connection.clientClosed) {
                return true;
            }
            Flow outbound = end instanceof ServerEnd ? connection.toClient : connection.toServer;
            if (outbound.drained()) {
                return true;
            }
            FlushWait flush = new FlushWait();
            outbound.flushes.add(flush);
            await(Win32.INFINITE, false, () -> flush.result == NOT_YET ? NOT_YET : 0);
            return flush.result == 0 || fail(flush.result);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------- events and waits

    /** An unnamed event; manual reset or auto reset (reset by the wait it satisfies). */
    @Override
    public HANDLE CreateEvent(Pointer securityAttributes, boolean manualReset, boolean initialState, String name) {
        if (name != null) {
            throw new UnsupportedOperationException("named events are not simulated");
        }
        lock.lock();
        try {
            EventObject event = new EventObject(manualReset);
            event.signalled = initialState;
            return register(event);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean SetEvent(HANDLE event) {
        lock.lock();
        try {
            if (!(handles.get(value(event)) instanceof EventObject target)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            target.signalled = true;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean ResetEvent(HANDLE event) {
        lock.lock();
        try {
            if (!(handles.get(value(event)) instanceof EventObject target)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            target.signalled = false;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until one of count events is signalled and returns WAIT_OBJECT_0 plus the lowest
     * signalled index (an auto-reset event is reset by it), or WAIT_TIMEOUT. count 0 or above
     * MAXIMUM_WAIT_OBJECTS (64): WAIT_FAILED, ERROR_INVALID_PARAMETER. The same handle twice:
     * WAIT_FAILED, ERROR_INVALID_PARAMETER (the documentation forbids duplicates; Wine accepts
     * them). Events only; waitAll is not simulated.
     */
    @Override
    public int WaitForMultipleObjects(int count, Pointer handlesArray, boolean waitAll, int milliseconds) {
        if (waitAll) {
            throw new UnsupportedOperationException("waitAll is not simulated");
        }
        lock.lock();
        try {
            if (count <= 0 || count > Win32.MAXIMUM_WAIT_OBJECTS) {
                return failWait(Win32.ERROR_INVALID_PARAMETER);
            }
            EventObject[] events = new EventObject[count];
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < count; i++) {
                long handle = handlesArray.getLong((long) i * NativeLayout.POINTER);
                if (!(handles.get(handle) instanceof EventObject event)) {
                    return failWait(Win32.ERROR_INVALID_HANDLE);
                }
                if (!seen.add(handle)) {
                    return failWait(Win32.ERROR_INVALID_PARAMETER);
                }
                events[i] = event;
            }
            return await(milliseconds, false, () -> {
                for (int i = 0; i < events.length; i++) {
                    if (events[i].consume()) {
                        return Win32.WAIT_OBJECT_0 + i;
                    }
                }
                return NOT_YET;
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for an event: WAIT_OBJECT_0, or WAIT_TIMEOUT. Alertable, with APCs queued for this
     * thread (or queued while it waits): runs them all and returns WAIT_IO_COMPLETION, even when
     * the event is signalled (the Alertable I/O page: the thread runs its queued routines when it
     * enters the alertable state; Wine reports the signalled event first). Not alertable: APCs
     * wait.
     */
    @Override
    public int WaitForSingleObjectEx(HANDLE handle, int milliseconds, boolean alertable) {
        lock.lock();
        try {
            if (!(handles.get(value(handle)) instanceof EventObject event)) {
                return failWait(Win32.ERROR_INVALID_HANDLE);
            }
            return await(milliseconds, alertable, () -> event.consume() ? Win32.WAIT_OBJECT_0 : NOT_YET);
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps: 0 after the time, WAIT_IO_COMPLETION when alertable and APCs ran. */
    @Override
    public int SleepEx(int milliseconds, boolean alertable) {
        lock.lock();
        try {
            return await(milliseconds, alertable, () -> NOT_YET, 0);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------- threads and APCs

    /** A stable id for the calling Java thread, a multiple of 4 like Windows' ids. */
    @Override
    public int GetCurrentThreadId() {
        lock.lock();
        try {
            return currentThreadState().id;
        } finally {
            lock.unlock();
        }
    }

    /** A handle to a thread that has asked for its id; unknown ids: null, ERROR_INVALID_PARAMETER. */
    @Override
    public HANDLE OpenThread(int desiredAccess, boolean inheritHandle, int threadId) {
        lock.lock();
        try {
            ThreadState thread = threadsById.get(threadId);
            if (thread == null) {
                return failNull(Win32.ERROR_INVALID_PARAMETER);
            }
            return register(new ThreadHandle(thread, (desiredAccess & Win32.THREAD_SET_CONTEXT) != 0));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues routine(parameter) to the thread, from any thread; it runs in that thread's next
     * alertable wait, which it wakes. The handle needs THREAD_SET_CONTEXT, else
     * ERROR_ACCESS_DENIED.
     */
    @Override
    public boolean QueueUserAPC(ApcRoutine routine, HANDLE thread, Pointer parameter) {
        lock.lock();
        try {
            if (!(handles.get(value(thread)) instanceof ThreadHandle target)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            if (!target.canQueueApc) {
                return fail(Win32.ERROR_ACCESS_DENIED);
            }
            long argument = address(parameter);
            queueApc(target.thread, routine, () -> routine.callback(argument == 0 ? null : new Pointer(argument)));
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------- completion ports

    /**
     * (INVALID_HANDLE_VALUE, null): a new port. (pipe end, port or null, key): associates the end
     * with the port (a new one for null) and the key, and returns the port; an end can be
     * associated once, else ERROR_INVALID_PARAMETER. Failures return null.
     */
    @Override
    public HANDLE CreateIoCompletionPort(
            HANDLE file, HANDLE existingPort, Pointer completionKey, int concurrentThreads) {
        lock.lock();
        try {
            long fileValue = value(file);
            long portValue = value(existingPort);
            if (fileValue == value(WinBase.INVALID_HANDLE_VALUE)) {
                if (portValue != 0) {
                    return failNull(Win32.ERROR_INVALID_PARAMETER);
                }
                return register(new Port());
            }
            if (!(handles.get(fileValue) instanceof PipeEnd end)) {
                return failNull(Win32.ERROR_INVALID_HANDLE);
            }
            Port port;
            if (portValue == 0) {
                port = new Port();
                register(port);
            } else if (handles.get(portValue) instanceof Port existing) {
                port = existing;
            } else {
                return failNull(Win32.ERROR_INVALID_HANDLE);
            }
            if (end.port != null) {
                return failNull(Win32.ERROR_INVALID_PARAMETER);
            }
            end.port = port;
            end.completionKey = address(completionKey);
            return handleOf(port);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for at least one packet and writes up to count OVERLAPPED_ENTRY structures: TRUE and
     * the number removed. Time-out: FALSE, WAIT_TIMEOUT. The port closed while waiting: FALSE,
     * ERROR_ABANDONED_WAIT_0 (documented; Wine lets the wait time out). Alertable with APCs
     * queued: runs them, FALSE, WAIT_IO_COMPLETION.
     */
    @Override
    public boolean GetQueuedCompletionStatusEx(
            HANDLE port, Pointer entries, int count, IntByReference removed, int milliseconds, boolean alertable) {
        List<Packet> taken = new ArrayList<>();
        int result;
        lock.lock();
        try {
            if (!(handles.get(value(port)) instanceof Port target)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            if (count <= 0) {
                return fail(Win32.ERROR_INVALID_PARAMETER);
            }
            result = await(
                    milliseconds,
                    alertable,
                    () -> {
                        if (target.closed) {
                            return ERROR_ABANDONED_WAIT_0;
                        }
                        while (!target.packets.isEmpty() && taken.size() < count) {
                            taken.add(target.packets.poll());
                        }
                        return taken.isEmpty() ? NOT_YET : Win32.ERROR_SUCCESS;
                    },
                    Win32.WAIT_TIMEOUT);
        } finally {
            lock.unlock();
        }
        if (removed != null) {
            removed.setValue(taken.size());
        }
        if (result != Win32.ERROR_SUCCESS) {
            return fail(result);
        }
        for (int i = 0; i < taken.size(); i++) {
            Packet packet = taken.get(i);
            long base = (long) i * NativeLayout.OVERLAPPED_ENTRY_SIZE;
            entries.setLong(base + NativeLayout.OVERLAPPED_ENTRY_KEY, packet.key());
            entries.setLong(base + NativeLayout.OVERLAPPED_ENTRY_OVERLAPPED, packet.overlapped());
            entries.setLong(base + NativeLayout.OVERLAPPED_ENTRY_INTERNAL, Integer.toUnsignedLong(packet.status()));
            entries.setInt(base + NativeLayout.OVERLAPPED_ENTRY_BYTES, packet.bytes());
        }
        return true;
    }

    /** Posts a packet with the given bytes, key and OVERLAPPED (Internal 0). */
    @Override
    public boolean PostQueuedCompletionStatus(
            HANDLE port, int bytesTransferred, Pointer completionKey, Pointer overlapped) {
        lock.lock();
        try {
            if (!(handles.get(value(port)) instanceof Port target)) {
                return fail(Win32.ERROR_INVALID_HANDLE);
            }
            target.packets.add(new Packet(address(completionKey), address(overlapped), 0, bytesTransferred));
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------- machinery

    /**
     * What kernel32 does to an OVERLAPPED before the call goes to the pipe: Internal =
     * STATUS_PENDING and, when the event counts, the event reset. Returns hEvent as given.
     */
    private long prepare(long ovl, boolean usesEvent) {
        if (ovl == 0) {
            return 0;
        }
        if (pendingByOverlapped.containsKey(ovl)) {
            throw new IllegalStateException("an OVERLAPPED is used by a second operation while the first is pending");
        }
        Pointer structure = new Pointer(ovl);
        structure.setLong(NativeLayout.OVERLAPPED_INTERNAL, STATUS_PENDING);
        if (!usesEvent) {
            return 0;
        }
        long eventValue = structure.getLong(NativeLayout.OVERLAPPED_EVENT);
        if (handles.get(eventValue & ~1L) instanceof EventObject event) {
            event.signalled = false;
        }
        return eventValue;
    }

    private Operation begin(Operation operation) {
        pending.add(operation);
        operation.end.pending.add(operation);
        if (operation.overlapped != 0) {
            pendingByOverlapped.put(operation.overlapped, operation);
        }
        return operation;
    }

    /**
     * The kernel's completion: InternalHigh and Internal written, then the event set, the routine
     * queued to its thread, or the packet posted (unless the event's low bit is set).
     */
    private void complete(Operation operation, int status, int bytes) {
        if (operation.done) {
            return;
        }
        if (operation.queue != null) {
            operation.queue.remove(operation);
            operation.queue = null;
        }
        pending.remove(operation);
        operation.end.pending.remove(operation);
        operation.done = true;
        operation.status = status;
        operation.transferred = bytes;
        long ovl = operation.overlapped;
        if (ovl != 0) {
            pendingByOverlapped.remove(ovl, operation);
            Pointer structure = new Pointer(ovl);
            structure.setLong(NativeLayout.OVERLAPPED_INTERNAL_HIGH, Integer.toUnsignedLong(bytes));
            structure.setLong(NativeLayout.OVERLAPPED_INTERNAL, Integer.toUnsignedLong(status));
        }
        if (handles.get(operation.eventValue & ~1L) instanceof EventObject event) {
            event.signalled = true;
        }
        if (operation.routine != null) {
            CompletionRoutine routine = operation.routine;
            int error = win32Error(status);
            queueApc(operation.issuer, routine, () -> routine.callback(error, bytes, new Pointer(ovl)));
        } else if (ovl != 0
                && (operation.eventValue & 1L) == 0
                && operation.end.port != null
                && !operation.end.port.closed) {
            operation.end.port.packets.add(new Packet(operation.end.completionKey, ovl, status, bytes));
        }
        changed.signalAll();
    }

    private void queueApc(ThreadState thread, Callback callback, Runnable call) {
        thread.apcs.add(new Apc(callback, call));
        changed.signalAll();
    }

    /** Runs this thread's APCs, including ones queued meanwhile, without the lock. */
    private void runApcs(ThreadState thread) {
        while (true) {
            Apc apc;
            lock.lock();
            try {
                apc = thread.apcs.poll();
            } finally {
                lock.unlock();
            }
            if (apc == null) {
                return;
            }
            try {
                apc.call().run();
            } catch (RuntimeException | Error e) {
                // as JNA does with an exception thrown out of a native callback
                Native.getCallbackExceptionHandler().uncaughtException(apc.callback(), e);
            }
        }
    }

    private int await(int milliseconds, boolean alertable, IntSupplier check) {
        return await(milliseconds, alertable, check, Win32.WAIT_TIMEOUT);
    }

    /**
     * The one wait: until check gives an answer, the time is up (timeoutResult) or, alertable, an
     * APC is queued for this thread (they run, WAIT_IO_COMPLETION). Called with the lock held
     * once; releases it while waiting, and while APCs run.
     */
    private int await(int milliseconds, boolean alertable, IntSupplier check, int timeoutResult) {
        ThreadState me = currentThreadState();
        boolean infinite = milliseconds == Win32.INFINITE;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(milliseconds));
        boolean interrupted = false;
        Thread current = Thread.currentThread();
        try {
            while (true) {
                if (alertable && !me.apcs.isEmpty()) {
                    break;
                }
                int answer = check.getAsInt();
                if (answer != NOT_YET) {
                    return answer;
                }
                long left = deadline - System.nanoTime();
                if (!infinite && left <= 0) {
                    return timeoutResult;
                }
                if (waiting.add(current)) {
                    changed.signalAll();
                }
                try {
                    if (infinite) {
                        changed.await();
                    } else {
                        changed.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            waiting.remove(current);
            if (interrupted) {
                current.interrupt();
            }
        }
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            runApcs(me);
        } finally {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
        }
        return Win32.WAIT_IO_COMPLETION;
    }

    private ThreadState currentThreadState() {
        return threads.computeIfAbsent(Thread.currentThread(), thread -> {
            ThreadState state = new ThreadState(nextThreadId);
            nextThreadId += 4;
            threadsById.put(state.id, state);
            return state;
        });
    }

    private HANDLE register(KernelObject object) {
        object.handle = nextHandle;
        nextHandle += 4;
        handles.put(object.handle, object);
        return handleOf(object);
    }

    private static HANDLE handleOf(KernelObject object) {
        return new HANDLE(new Pointer(object.handle));
    }

    private static long value(HANDLE handle) {
        return handle == null ? 0 : Pointer.nativeValue(handle.getPointer());
    }

    private static long address(Pointer pointer) {
        return Pointer.nativeValue(pointer);
    }

    private static int internal(long ovl) {
        return (int) new Pointer(ovl).getLong(NativeLayout.OVERLAPPED_INTERNAL);
    }

    /** 0, or why the name is no pipe name: outside {@code \\.\pipe\}, or malformed. */
    private static int nameError(String name) {
        if (name == null || !name.regionMatches(true, 0, PIPE_PREFIX, 0, PIPE_PREFIX.length())) {
            return ERROR_PATH_NOT_FOUND;
        }
        String pipeName = name.substring(PIPE_PREFIX.length());
        return pipeName.isEmpty() || pipeName.indexOf('\\') >= 0 ? ERROR_INVALID_NAME : 0;
    }

    private static String pipeKey(String name) {
        return name.substring(PIPE_PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    /** The Win32 error RtlNtStatusToDosError gives for the statuses the stand-in produces. */
    static int win32Error(int status) {
        return switch (status) {
            case STATUS_SUCCESS -> Win32.ERROR_SUCCESS;
            case STATUS_PIPE_BROKEN -> Win32.ERROR_BROKEN_PIPE;
            case STATUS_PIPE_DISCONNECTED -> Win32.ERROR_PIPE_NOT_CONNECTED;
            case STATUS_CANCELLED -> Win32.ERROR_OPERATION_ABORTED;
            default ->
                throw new IllegalArgumentException("no Win32 error for NTSTATUS 0x" + Integer.toHexString(status));
        };
    }

    private static boolean fail(int error) {
        LAST_ERROR.get()[0] = error;
        return false;
    }

    private static HANDLE failHandle(int error) {
        fail(error);
        return WinBase.INVALID_HANDLE_VALUE;
    }

    private static HANDLE failNull(int error) {
        fail(error);
        return null;
    }

    private static int failWait(int error) {
        fail(error);
        return Win32.WAIT_FAILED;
    }

    // ------------------------------------------------------------------------------- kernel objects

    private abstract static class KernelObject {
        long handle;
    }

    private static final class EventObject extends KernelObject {
        final boolean manualReset;
        boolean signalled;

        EventObject(boolean manualReset) {
            this.manualReset = manualReset;
        }

        /** Whether a wait is satisfied; an auto-reset event resets as it satisfies it. */
        boolean consume() {
            if (!signalled) {
                return false;
            }
            if (!manualReset) {
                signalled = false;
            }
            return true;
        }
    }

    private static final class Port extends KernelObject {
        final ArrayDeque<Packet> packets = new ArrayDeque<>();
        boolean closed;
    }

    private record Packet(long key, long overlapped, int status, int bytes) {}

    private static final class ThreadHandle extends KernelObject {
        final ThreadState thread;
        final boolean canQueueApc;

        ThreadHandle(ThreadState thread, boolean canQueueApc) {
            this.thread = thread;
            this.canQueueApc = canQueueApc;
        }
    }

    /** A Java thread as kernel32 knows it: an id and its APC queue. */
    private static final class ThreadState {
        final int id;
        final ArrayDeque<Apc> apcs = new ArrayDeque<>();

        ThreadState(int id) {
            this.id = id;
        }
    }

    private record Apc(Callback callback, Runnable call) {}

    private enum InstanceState {
        LISTENING,
        CONNECTED,
        CLOSING,
        DISCONNECTED
    }

    /** A pipe name and its instances, in the order they were created. */
    private static final class Pipe {
        final String key;
        final int maxInstances;
        final int defaultTimeOut;
        final List<ServerEnd> instances = new ArrayList<>();

        Pipe(String key, int maxInstances, int defaultTimeOut) {
            this.key = key;
            this.maxInstances = maxInstances;
            this.defaultTimeOut = defaultTimeOut;
        }
    }

    private abstract static class PipeEnd extends KernelObject {
        final boolean overlapped;
        final Set<Operation> pending = new LinkedHashSet<>();
        Port port;
        long completionKey;

        PipeEnd(boolean overlapped) {
            this.overlapped = overlapped;
        }
    }

    /** A server instance. */
    private static final class ServerEnd extends PipeEnd {
        final Pipe pipe;
        final int outQuota;
        final int inQuota;
        final ArrayDeque<Operation> connects = new ArrayDeque<>();
        InstanceState state = InstanceState.LISTENING;
        Connection connection;

        ServerEnd(Pipe pipe, boolean overlapped, int outQuota, int inQuota) {
            super(overlapped);
            this.pipe = pipe;
            this.outQuota = outQuota;
            this.inQuota = inQuota;
        }
    }

    /** A client's handle; it stays on its connection, also after a disconnect. */
    private static final class ClientEnd extends PipeEnd {
        final int processId;
        Connection connection;

        ClientEnd(boolean overlapped, int processId) {
            super(overlapped);
            this.processId = processId;
        }
    }

    /** One client's time on an instance: two flows, and what has happened to the ends. */
    private final class Connection {
        final ServerEnd server;
        final ClientEnd client;
        final Flow toClient;
        final Flow toServer;
        boolean serverClosed;
        boolean clientClosed;
        boolean disconnected;

        Connection(ServerEnd server, ClientEnd client) {
            this.server = server;
            this.client = client;
            this.toClient = new Flow(server.outQuota);
            this.toServer = new Flow(server.inQuota);
        }
    }

    private static final class FlushWait {
        int result = NOT_YET;
    }

    /**
     * One direction of a byte-mode pipe: the bytes in it (at most the quota), the writes waiting
     * for room, the reads waiting for bytes, and the flushes waiting for it to drain.
     */
    private final class Flow {
        final byte[] ring;
        int head;
        int size;
        final ArrayDeque<Operation> writes = new ArrayDeque<>();
        final ArrayDeque<Operation> reads = new ArrayDeque<>();
        final List<FlushWait> flushes = new ArrayList<>();

        Flow(int quota) {
            this.ring = new byte[quota];
        }

        boolean hasData() {
            return size > 0 || !writes.isEmpty();
        }

        boolean drained() {
            return size == 0 && writes.isEmpty();
        }

        void clear() {
            head = 0;
            size = 0;
        }

        /** Moves bytes of waiting writes into the room there is; completes the writes all in. */
        void pump() {
            while (!writes.isEmpty() && (size < ring.length || writes.peek().length == 0)) {
                Operation write = writes.peek();
                int chunk = Math.min(ring.length - size, write.length - write.transferred);
                if (chunk > 0) {
                    byte[] bytes = new Pointer(write.buffer).getByteArray(write.transferred, chunk);
                    int tail = (head + size) % ring.length;
                    int first = Math.min(chunk, ring.length - tail);
                    System.arraycopy(bytes, 0, ring, tail, first);
                    System.arraycopy(bytes, first, ring, 0, chunk - first);
                    size += chunk;
                    write.transferred += chunk;
                }
                if (write.transferred == write.length) {
                    complete(write, STATUS_SUCCESS, write.length);
                }
            }
        }

        /** Gives waiting reads what there is, each as much as it asked for and is there. */
        void serveReads() {
            while (!reads.isEmpty() && (size > 0 || reads.peek().length == 0)) {
                Operation read = reads.peek();
                int done = 0;
                while (done < read.length && size > 0) {
                    int chunk = Math.min(read.length - done, size);
                    int first = Math.min(chunk, ring.length - head);
                    Pointer target = new Pointer(read.buffer);
                    target.write(done, ring, head, first);
                    target.write((long) done + first, ring, 0, chunk - first);
                    head = (head + chunk) % ring.length;
                    size -= chunk;
                    done += chunk;
                    pump();
                }
                complete(read, STATUS_SUCCESS, done);
            }
            if (drained()) {
                resolveFlushes(0);
            }
        }

        void resolveFlushes(int result) {
            for (FlushWait flush : flushes) {
                flush.result = result;
            }
            flushes.clear();
            changed.signalAll();
        }
    }

    private enum Kind {
        READ,
        WRITE
    }

    /** A connect, read or write from start to completion. */
    private static final class Operation {
        final PipeEnd end;
        final long overlapped;
        final long buffer;
        final int length;
        final long eventValue;
        final CompletionRoutine routine;
        final ThreadState issuer;
        ArrayDeque<Operation> queue;
        int transferred;
        boolean done;
        int status = STATUS_PENDING;

        Operation(
                PipeEnd end,
                long overlapped,
                long buffer,
                int length,
                long eventValue,
                CompletionRoutine routine,
                ThreadState issuer) {
            this.end = end;
            this.overlapped = overlapped;
            this.buffer = buffer;
            this.length = length;
            this.eventValue = eventValue;
            this.routine = routine;
            this.issuer = issuer;
        }
    }
}
