/*
 * pipe_oracle: what kernel32 answers for the named-pipe calls PipeLab's Windows seam makes.
 *
 * Built with mingw-w64 and run under Wine by WineOracleTest; OracleScenarios.java runs the same
 * scenarios against StandInKernel32 and must print the same lines (apart from a short, explicit
 * list of known divergences, where the stand-in follows Microsoft's documentation).
 *
 * One line per step, "scenario: step key=value ...". A BOOL call prints "ret=1", or "ret=0 err=N"
 * with GetLastError; a wait prints its return value as a signed number. Nothing printed depends
 * on handle values, process ids or timing.
 */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PIPE_PREFIX L"\\\\.\\pipe\\pipelab-oracle-"
#define LONG_WAIT 5000
#define BLOCK_PROBE 300

static void say(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
    fflush(stdout);
}

/* "label ret=1" or "label ret=0 err=N". */
static void report(const char *label, BOOL ok) {
    if (ok) {
        say("%s ret=1", label);
    } else {
        say("%s ret=0 err=%lu", label, GetLastError());
    }
}

/* "label ok=1" or "label ok=0 err=N" for calls that return a handle. */
static void report_handle(const char *label, HANDLE h, HANDLE failure) {
    if (h != failure) {
        say("%s ok=1", label);
    } else {
        say("%s ok=0 err=%lu", label, GetLastError());
    }
}

static void report_wait(const char *label, DWORD result) {
    if (result == WAIT_FAILED) {
        say("%s ret=%d err=%lu", label, (int)result, GetLastError());
    } else {
        say("%s ret=%d", label, (int)result);
    }
}

static void report_event(const char *label, HANDLE event) {
    say("%s event=%s", label, WaitForSingleObject(event, 0) == WAIT_OBJECT_0 ? "set" : "unset");
}

static void report_status(const char *label, OVERLAPPED *ov) {
    say("%s internal=0x%lx bytes=%lu", label, (unsigned long)ov->Internal, (unsigned long)ov->InternalHigh);
}

static void report_result(const char *label, HANDLE h, OVERLAPPED *ov, BOOL wait) {
    DWORD bytes = 0;
    if (GetOverlappedResult(h, ov, &bytes, wait)) {
        say("%s ret=1 bytes=%lu", label, bytes);
    } else {
        say("%s ret=0 err=%lu", label, GetLastError());
    }
}

static void pipe_name(WCHAR *out, const char *scenario) {
    WCHAR tail[64];
    MultiByteToWideChar(CP_ACP, 0, scenario, -1, tail, 64);
    wcscpy(out, PIPE_PREFIX);
    wcscat(out, tail);
}

static HANDLE server(const WCHAR *name, DWORD extraOpenMode, DWORD maxInstances, DWORD outSize, DWORD inSize) {
    return CreateNamedPipeW(
            name,
            PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | extraOpenMode,
            PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
            maxInstances,
            outSize,
            inSize,
            0,
            NULL);
}

static HANDLE client(const WCHAR *name, BOOL overlapped) {
    return CreateFileW(
            name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, overlapped ? FILE_FLAG_OVERLAPPED : 0, NULL);
}

static HANDLE manual_event(BOOL initial) {
    return CreateEventW(NULL, TRUE, initial, NULL);
}

static void overlapped_with(OVERLAPPED *ov, HANDLE event) {
    memset(ov, 0, sizeof *ov);
    ov->hEvent = event;
}

/* A connected pair: a fresh server instance, its overlapped connect, a client. Prints nothing. */
static void connect_pair(const char *scenario, BOOL clientOverlapped, HANDLE *s, HANDLE *c) {
    WCHAR name[128];
    OVERLAPPED ov;
    DWORD bytes;
    HANDLE ev = manual_event(FALSE);
    pipe_name(name, scenario);
    *s = server(name, 0, 4, 4096, 4096);
    overlapped_with(&ov, ev);
    ConnectNamedPipe(*s, &ov);
    *c = client(name, clientOverlapped);
    if (*s == INVALID_HANDLE_VALUE || *c == INVALID_HANDLE_VALUE || !GetOverlappedResult(*s, &ov, &bytes, TRUE)) {
        say("%s: setup failed err=%lu", scenario, GetLastError());
    }
    CloseHandle(ev);
}

/* A write that is waited for, on either kind of handle. */
static BOOL write_all(HANDLE h, const char *data, DWORD n) {
    OVERLAPPED ov;
    DWORD bytes = 0;
    HANDLE ev = manual_event(FALSE);
    BOOL ok;
    overlapped_with(&ov, ev);
    ok = WriteFile(h, data, n, NULL, &ov);
    if (!ok && GetLastError() == ERROR_IO_PENDING) {
        ok = GetOverlappedResult(h, &ov, &bytes, TRUE);
    }
    CloseHandle(ev);
    return ok;
}

static void report_data(const char *label, const char *buffer, DWORD n) {
    say("%s data=%.*s", label, (int)n, buffer);
}

/* ---------------------------------------------------------------- connect */

static void scenario_connect(void) {
    WCHAR name[128];
    OVERLAPPED ov;
    DWORD pid = 0;
    HANDLE ev = manual_event(TRUE);
    HANDLE s, c, c2;
    pipe_name(name, "connect");
    s = server(name, 0, 4, 4096, 4096);
    overlapped_with(&ov, ev);
    report("connect-pending: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    report_status("connect-pending:", &ov);
    report_event("connect-pending:", ev);
    report_result("connect-pending: GetOverlappedResult", s, &ov, FALSE);
    report("client-pid: GetNamedPipeClientProcessId listening", GetNamedPipeClientProcessId(s, &pid));
    c = client(name, FALSE);
    report_handle("connect-pending: CreateFile", c, INVALID_HANDLE_VALUE);
    report_wait("connect-pending: WaitForSingleObject", WaitForSingleObject(ev, LONG_WAIT));
    report_status("connect-pending:", &ov);
    report_result("connect-pending: GetOverlappedResult", s, &ov, FALSE);

    SetEvent(ev);
    overlapped_with(&ov, ev);
    report("connect-connected: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    report_event("connect-connected:", ev);
    report_status("connect-connected:", &ov);

    {
        BOOL ok = GetNamedPipeClientProcessId(s, &pid);
        say("client-pid: GetNamedPipeClientProcessId ret=%d same=%d", ok ? 1 : 0, pid == GetCurrentProcessId());
    }

    report("connect-closed: CloseHandle client", CloseHandle(c));
    overlapped_with(&ov, ev);
    report("connect-closed: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    report_event("connect-closed:", ev);

    report("connect-disconnected: DisconnectNamedPipe", DisconnectNamedPipe(s));
    c2 = client(name, FALSE);
    report_handle("connect-disconnected: CreateFile", c2, INVALID_HANDLE_VALUE);
    overlapped_with(&ov, ev);
    report("connect-disconnected: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    report_status("connect-disconnected:", &ov);
    c2 = client(name, FALSE);
    report_handle("connect-disconnected: CreateFile", c2, INVALID_HANDLE_VALUE);
    report_result("connect-disconnected: GetOverlappedResult", s, &ov, TRUE);
    CloseHandle(c2);
    CloseHandle(s);

    /* a client that came before the ConnectNamedPipe; the event was reset before */
    pipe_name(name, "connect-early");
    s = server(name, 0, 4, 4096, 4096);
    c = client(name, FALSE);
    report_handle("connect-early: CreateFile", c, INVALID_HANDLE_VALUE);
    ResetEvent(ev);
    overlapped_with(&ov, ev);
    report("connect-early: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    report_event("connect-early:", ev);
    CloseHandle(c);
    CloseHandle(s);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- waits */

static void scenario_waits(void) {
    HANDLE events[65];
    HANDLE twice[2];
    HANDLE automatic;
    int i;
    for (i = 0; i < 65; i++) {
        events[i] = manual_event(FALSE);
    }
    report_wait("waits: none signalled", WaitForMultipleObjects(3, events, FALSE, 0));
    SetEvent(events[2]);
    SetEvent(events[1]);
    report_wait("waits: lowest", WaitForMultipleObjects(3, events, FALSE, 0));
    report_wait("waits: 64 handles", WaitForMultipleObjects(64, events, FALSE, 0));
    report_wait("waits: 65 handles", WaitForMultipleObjects(65, events, FALSE, 0));
    report_wait("waits: 0 handles", WaitForMultipleObjects(0, events, FALSE, 0));
    twice[0] = events[0];
    twice[1] = events[0];
    report_wait("waits: duplicate", WaitForMultipleObjects(2, twice, FALSE, 0));

    automatic = CreateEventW(NULL, FALSE, TRUE, NULL);
    report_wait("waits: auto-reset first", WaitForSingleObjectEx(automatic, 0, FALSE));
    report_wait("waits: auto-reset second", WaitForSingleObjectEx(automatic, 0, FALSE));
    SetEvent(automatic);
    twice[0] = events[0];
    twice[1] = automatic;
    report_wait("waits: auto-reset in multiple", WaitForMultipleObjects(2, twice, FALSE, 0));
    report_wait("waits: auto-reset after multiple", WaitForSingleObjectEx(automatic, 0, FALSE));
    report_wait("waits: timeout", WaitForSingleObjectEx(events[0], 50, FALSE));
    report_wait("waits: SleepEx", SleepEx(0, FALSE));
    report("waits: CloseHandle", CloseHandle(automatic));
    report("waits: CloseHandle closed", CloseHandle(automatic));
    for (i = 0; i < 65; i++) {
        CloseHandle(events[i]);
    }
}

/* ---------------------------------------------------------------- reads */

static void scenario_read(void) {
    OVERLAPPED ov;
    char buffer[64];
    DWORD written = 0;
    HANDLE ev = manual_event(FALSE);
    HANDLE s, c;
    connect_pair("read", FALSE, &s, &c);

    WriteFile(c, "hello", 5, &written, NULL);
    say("read-now: client WriteFile bytes=%lu", written);
    overlapped_with(&ov, ev);
    report("read-now: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report_event("read-now:", ev);
    report_status("read-now:", &ov);
    report_result("read-now: GetOverlappedResult", s, &ov, FALSE);
    report_data("read-now:", buffer, (DWORD)ov.InternalHigh);

    WriteFile(c, "0123456789", 10, &written, NULL);
    overlapped_with(&ov, ev);
    report("read-part: ReadFile 4", ReadFile(s, buffer, 4, NULL, &ov));
    report_status("read-part:", &ov);
    report_data("read-part:", buffer, (DWORD)ov.InternalHigh);
    overlapped_with(&ov, ev);
    report("read-part: ReadFile 16", ReadFile(s, buffer, 16, NULL, &ov));
    report_status("read-part:", &ov);
    report_data("read-part:", buffer, (DWORD)ov.InternalHigh);

    SetEvent(ev);
    overlapped_with(&ov, ev);
    report("read-pending: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report_status("read-pending:", &ov);
    report_event("read-pending:", ev);
    report_result("read-pending: GetOverlappedResult", s, &ov, FALSE);
    WriteFile(c, "abc", 3, &written, NULL);
    report_wait("read-pending: WaitForSingleObject", WaitForSingleObject(ev, LONG_WAIT));
    report_result("read-pending: GetOverlappedResult", s, &ov, FALSE);
    report_data("read-pending:", buffer, (DWORD)ov.InternalHigh);

    overlapped_with(&ov, ev);
    report("read-broken: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report("read-broken: CloseHandle client", CloseHandle(c));
    report_wait("read-broken: WaitForSingleObject", WaitForSingleObject(ev, LONG_WAIT));
    report_status("read-broken:", &ov);
    report_result("read-broken: GetOverlappedResult", s, &ov, FALSE);
    SetEvent(ev);
    overlapped_with(&ov, ev);
    report("read-broken: ReadFile again", ReadFile(s, buffer, 16, NULL, &ov));
    report_event("read-broken: after ReadFile", ev);
    SetEvent(ev);
    overlapped_with(&ov, ev);
    report("read-broken: WriteFile", WriteFile(s, "x", 1, NULL, &ov));
    report_event("read-broken: after WriteFile", ev);
    CloseHandle(s);

    connect_pair("read-remaining", FALSE, &s, &c);
    WriteFile(c, "left", 4, &written, NULL);
    report("read-remaining: CloseHandle client", CloseHandle(c));
    overlapped_with(&ov, ev);
    report("read-remaining: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report_status("read-remaining:", &ov);
    report_data("read-remaining:", buffer, (DWORD)ov.InternalHigh);
    overlapped_with(&ov, ev);
    report("read-remaining: ReadFile again", ReadFile(s, buffer, 16, NULL, &ov));
    CloseHandle(s);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- cancel */

static void scenario_cancel(void) {
    OVERLAPPED ov;
    char buffer[16];
    HANDLE ev = manual_event(FALSE);
    HANDLE s, c;
    connect_pair("cancel", FALSE, &s, &c);
    overlapped_with(&ov, ev);
    report("cancel: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report("cancel: CancelIoEx", CancelIoEx(s, &ov));
    report_result("cancel: GetOverlappedResult", s, &ov, TRUE);
    report_status("cancel:", &ov);
    report_event("cancel:", ev);
    report("cancel: CancelIoEx again", CancelIoEx(s, &ov));
    report("cancel: CancelIoEx all, none pending", CancelIoEx(s, NULL));
    overlapped_with(&ov, ev);
    report("cancel-all: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report("cancel-all: CancelIoEx", CancelIoEx(s, NULL));
    report_result("cancel-all: GetOverlappedResult", s, &ov, TRUE);
    CloseHandle(c);
    CloseHandle(s);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- completion routines */

static int routine_runs;
static DWORD routine_error, routine_bytes;
static OVERLAPPED *routine_overlapped;

static VOID CALLBACK completion_routine(DWORD error, DWORD bytes, OVERLAPPED *ov) {
    routine_runs++;
    routine_error = error;
    routine_bytes = bytes;
    routine_overlapped = ov;
}

static void report_routine(const char *label, OVERLAPPED *expected) {
    say("%s runs=%d err=%lu bytes=%lu same-overlapped=%d",
        label,
        routine_runs,
        routine_error,
        routine_bytes,
        routine_overlapped == expected);
    routine_runs = 0;
    routine_error = 0;
    routine_bytes = 0;
    routine_overlapped = NULL;
}

static void scenario_routines(void) {
    OVERLAPPED ov;
    char buffer[16];
    DWORD written;
    HANDLE ev = manual_event(TRUE);
    HANDLE s, c;
    connect_pair("readex", FALSE, &s, &c);

    WriteFile(c, "xyz", 3, &written, NULL);
    overlapped_with(&ov, NULL);
    report("readex-now: ReadFileEx", ReadFileEx(s, buffer, 16, &ov, completion_routine));
    say("readex-now: runs=%d", routine_runs);
    report_wait("readex-now: SleepEx not alertable", SleepEx(0, FALSE));
    say("readex-now: runs=%d", routine_runs);
    report_wait("readex-now: SleepEx alertable", SleepEx(0, TRUE));
    report_routine("readex-now: routine", &ov);
    report_wait("readex-now: SleepEx nothing queued", SleepEx(0, TRUE));

    overlapped_with(&ov, NULL);
    report("readex-pending: ReadFileEx", ReadFileEx(s, buffer, 16, &ov, completion_routine));
    report_wait("readex-pending: SleepEx", SleepEx(0, TRUE));
    WriteFile(c, "de", 2, &written, NULL);
    report_wait("readex-pending: SleepEx", SleepEx(LONG_WAIT, TRUE));
    report_routine("readex-pending: routine", &ov);

    overlapped_with(&ov, NULL);
    report("writeex: WriteFileEx", WriteFileEx(s, "pong", 4, &ov, completion_routine));
    report_wait("writeex: SleepEx", SleepEx(0, TRUE));
    report_routine("writeex: routine", &ov);

    WriteFile(c, "q", 1, &written, NULL);
    overlapped_with(&ov, NULL);
    report("apc-first: ReadFileEx", ReadFileEx(s, buffer, 16, &ov, completion_routine));
    report_wait("apc-first: WaitForSingleObjectEx", WaitForSingleObjectEx(ev, 0, TRUE));
    report_wait("apc-first: WaitForSingleObjectEx again", WaitForSingleObjectEx(ev, 0, TRUE));
    report_wait("apc-first: SleepEx", SleepEx(0, TRUE));
    report_routine("apc-first: routine", &ov);

    overlapped_with(&ov, NULL);
    report("readex-cancel: ReadFileEx", ReadFileEx(s, buffer, 16, &ov, completion_routine));
    report("readex-cancel: CancelIoEx", CancelIoEx(s, &ov));
    report_wait("readex-cancel: SleepEx", SleepEx(0, TRUE));
    report_routine("readex-cancel: routine", &ov);

    report("readex-broken: CloseHandle client", CloseHandle(c));
    overlapped_with(&ov, NULL);
    report("readex-broken: ReadFileEx", ReadFileEx(s, buffer, 16, &ov, completion_routine));
    report_wait("readex-broken: SleepEx", SleepEx(0, TRUE));
    report_routine("readex-broken: routine", &ov);
    overlapped_with(&ov, NULL);
    report("readex-broken: WriteFileEx", WriteFileEx(s, "w", 1, &ov, completion_routine));
    report_wait("readex-broken: SleepEx", SleepEx(0, TRUE));
    report_routine("readex-broken: routine", &ov);
    CloseHandle(s);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- QueueUserAPC */

static int apc_runs;
static ULONG_PTR apc_parameters[4];
static DWORD apc_target_thread;
static DWORD apc_queue_result;
static DWORD apc_queue_error;

static VOID CALLBACK apc_routine(ULONG_PTR parameter) {
    if (apc_runs < 4) {
        apc_parameters[apc_runs] = parameter;
    }
    apc_runs++;
    if (parameter == 1) {
        HANDLE self = OpenThread(THREAD_SET_CONTEXT, FALSE, GetCurrentThreadId());
        QueueUserAPC(apc_routine, self, 2);
        CloseHandle(self);
    }
}

static DWORD WINAPI queue_from_other_thread(LPVOID delay) {
    HANDLE target;
    if (delay != NULL) {
        Sleep(BLOCK_PROBE);
    }
    target = OpenThread(THREAD_SET_CONTEXT, FALSE, apc_target_thread);
    apc_queue_result = QueueUserAPC(apc_routine, target, 42);
    apc_queue_error = apc_queue_result ? 0 : GetLastError();
    CloseHandle(target);
    return 0;
}

static void report_apcs(const char *label) {
    say("%s runs=%d first=%lu second=%lu",
        label,
        apc_runs,
        (unsigned long)apc_parameters[0],
        (unsigned long)apc_parameters[1]);
    apc_runs = 0;
    memset(apc_parameters, 0, sizeof apc_parameters);
}

static void scenario_apcs(void) {
    HANDLE thread, self;
    HANDLE ev = manual_event(FALSE);
    apc_target_thread = GetCurrentThreadId();

    thread = CreateThread(NULL, 0, queue_from_other_thread, NULL, 0, NULL);
    WaitForSingleObject(thread, LONG_WAIT);
    CloseHandle(thread);
    say("apc-thread: QueueUserAPC ret=%lu", apc_queue_result);
    report_wait("apc-thread: SleepEx not alertable", SleepEx(0, FALSE));
    report_wait("apc-thread: SleepEx", SleepEx(0, TRUE));
    report_apcs("apc-thread:");

    self = OpenThread(THREAD_SET_CONTEXT, FALSE, GetCurrentThreadId());
    report_handle("apc-nested: OpenThread", self, NULL);
    report("apc-nested: QueueUserAPC", QueueUserAPC(apc_routine, self, 1));
    report_wait("apc-nested: SleepEx", SleepEx(0, TRUE));
    report_apcs("apc-nested:");
    CloseHandle(self);

    thread = CreateThread(NULL, 0, queue_from_other_thread, (LPVOID)1, 0, NULL);
    report_wait("apc-wake: WaitForSingleObjectEx", WaitForSingleObjectEx(ev, LONG_WAIT, TRUE));
    report_apcs("apc-wake:");
    WaitForSingleObject(thread, LONG_WAIT);
    CloseHandle(thread);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- DisconnectNamedPipe */

static void scenario_disconnect(void) {
    WCHAR name[128];
    OVERLAPPED sov, cov, ov;
    char sbuf[16], cbuf[16];
    HANDLE sev = manual_event(FALSE), cev = manual_event(FALSE), ev = manual_event(FALSE);
    HANDLE s, c, c2;
    pipe_name(name, "disconnect");
    connect_pair("disconnect", TRUE, &s, &c);

    overlapped_with(&sov, sev);
    overlapped_with(&cov, cev);
    report("disconnect-pending: server ReadFile", ReadFile(s, sbuf, 16, NULL, &sov));
    report("disconnect-pending: client ReadFile", ReadFile(c, cbuf, 16, NULL, &cov));
    report("disconnect-pending: DisconnectNamedPipe", DisconnectNamedPipe(s));
    report_wait("disconnect-pending: server WaitForSingleObject", WaitForSingleObject(sev, LONG_WAIT));
    report_status("disconnect-pending: server", &sov);
    report_result("disconnect-pending: server GetOverlappedResult", s, &sov, FALSE);
    report_wait("disconnect-pending: client WaitForSingleObject", WaitForSingleObject(cev, LONG_WAIT));
    report_status("disconnect-pending: client", &cov);
    report_result("disconnect-pending: client GetOverlappedResult", c, &cov, FALSE);

    overlapped_with(&ov, ev);
    report("disconnect-after: client ReadFile", ReadFile(c, cbuf, 16, NULL, &ov));
    overlapped_with(&ov, ev);
    report("disconnect-after: client WriteFile", WriteFile(c, "x", 1, NULL, &ov));
    overlapped_with(&ov, ev);
    report("disconnect-after: server ReadFile", ReadFile(s, sbuf, 16, NULL, &ov));
    overlapped_with(&ov, ev);
    report("disconnect-after: server WriteFile", WriteFile(s, "x", 1, NULL, &ov));
    report("disconnect-after: FlushFileBuffers", FlushFileBuffers(s));
    report("disconnect-after: DisconnectNamedPipe again", DisconnectNamedPipe(s));
    c2 = client(name, TRUE);
    report_handle("disconnect-after: CreateFile", c2, INVALID_HANDLE_VALUE);
    report("disconnect-after: client CloseHandle", CloseHandle(c));

    overlapped_with(&ov, ev);
    report("disconnect-discard: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    c = client(name, TRUE);
    report_handle("disconnect-discard: CreateFile", c, INVALID_HANDLE_VALUE);
    report_result("disconnect-discard: GetOverlappedResult", s, &ov, TRUE);
    report("disconnect-discard: server write", write_all(s, "srv1", 4));
    report("disconnect-discard: client write", write_all(c, "cli1", 4));
    report("disconnect-discard: DisconnectNamedPipe", DisconnectNamedPipe(s));
    overlapped_with(&ov, ev);
    report("disconnect-discard: old client ReadFile", ReadFile(c, cbuf, 16, NULL, &ov));
    CloseHandle(c);
    overlapped_with(&ov, ev);
    report("disconnect-discard: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    c = client(name, TRUE);
    report_result("disconnect-discard: GetOverlappedResult", s, &ov, TRUE);
    overlapped_with(&sov, sev);
    report("disconnect-discard: server ReadFile", ReadFile(s, sbuf, 16, NULL, &sov));
    overlapped_with(&cov, cev);
    report("disconnect-discard: client ReadFile", ReadFile(c, cbuf, 16, NULL, &cov));
    CancelIoEx(s, &sov);
    CancelIoEx(c, &cov);
    report_result("disconnect-discard: server GetOverlappedResult", s, &sov, TRUE);
    report_result("disconnect-discard: client GetOverlappedResult", c, &cov, TRUE);
    CloseHandle(c);
    CloseHandle(s);

    s = server(name, 0, 4, 4096, 4096);
    report("disconnect-listening: DisconnectNamedPipe", DisconnectNamedPipe(s));
    c = client(name, TRUE);
    report_handle("disconnect-listening: CreateFile", c, INVALID_HANDLE_VALUE);
    CloseHandle(s);
    CloseHandle(sev);
    CloseHandle(cev);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- CloseHandle */

static void scenario_close(void) {
    WCHAR name[128];
    OVERLAPPED ov, cov;
    char buffer[16];
    DWORD removed = 0;
    OVERLAPPED_ENTRY entries[4];
    HANDLE ev = manual_event(FALSE), cev = manual_event(FALSE);
    HANDLE s, c, port;

    connect_pair("close-server", TRUE, &s, &c);
    report("close-server: write", write_all(s, "bye", 3));
    overlapped_with(&ov, ev);
    report("close-server: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report("close-server: CloseHandle server", CloseHandle(s));
    report_wait("close-server: WaitForSingleObject", WaitForSingleObject(ev, LONG_WAIT));
    report_status("close-server:", &ov);
    report_result("close-server: GetOverlappedResult", s, &ov, FALSE);
    overlapped_with(&cov, cev);
    report("close-server: client ReadFile", ReadFile(c, buffer, 16, NULL, &cov));
    report_status("close-server: client", &cov);
    report_data("close-server: client", buffer, (DWORD)cov.InternalHigh);
    overlapped_with(&cov, cev);
    report("close-server: client ReadFile again", ReadFile(c, buffer, 16, NULL, &cov));
    overlapped_with(&cov, cev);
    report("close-server: client WriteFile", WriteFile(c, "x", 1, NULL, &cov));
    report("close-server: client CloseHandle", CloseHandle(c));

    connect_pair("close-server-pending", TRUE, &s, &c);
    overlapped_with(&cov, cev);
    report("close-server-pending: client ReadFile", ReadFile(c, buffer, 16, NULL, &cov));
    report("close-server-pending: CloseHandle server", CloseHandle(s));
    report_result("close-server-pending: client GetOverlappedResult", c, &cov, TRUE);
    report_status("close-server-pending: client", &cov);
    CloseHandle(c);

    connect_pair("close-client", TRUE, &s, &c);
    report("close-client: write", write_all(c, "abc", 3));
    overlapped_with(&cov, cev);
    report("close-client: client ReadFile", ReadFile(c, buffer, 16, NULL, &cov));
    report("close-client: CloseHandle client", CloseHandle(c));
    report_wait("close-client: client WaitForSingleObject", WaitForSingleObject(cev, LONG_WAIT));
    report_status("close-client: client", &cov);
    overlapped_with(&ov, ev);
    report("close-client: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report_status("close-client:", &ov);
    overlapped_with(&ov, ev);
    report("close-client: ReadFile again", ReadFile(s, buffer, 16, NULL, &ov));
    overlapped_with(&ov, ev);
    report("close-client: WriteFile", WriteFile(s, "x", 1, NULL, &ov));
    report("close-client: FlushFileBuffers", FlushFileBuffers(s));
    report("close-client: DisconnectNamedPipe", DisconnectNamedPipe(s));
    CloseHandle(s);

    pipe_name(name, "close-connect");
    s = server(name, 0, 4, 4096, 4096);
    overlapped_with(&ov, ev);
    report("close-connect: ConnectNamedPipe", ConnectNamedPipe(s, &ov));
    report("close-connect: CloseHandle", CloseHandle(s));
    report_wait("close-connect: WaitForSingleObject", WaitForSingleObject(ev, LONG_WAIT));
    report_status("close-connect:", &ov);
    c = client(name, TRUE);
    report_handle("close-connect: CreateFile", c, INVALID_HANDLE_VALUE);

    connect_pair("close-readex", TRUE, &s, &c);
    overlapped_with(&ov, NULL);
    report("close-readex: ReadFileEx", ReadFileEx(s, buffer, 16, &ov, completion_routine));
    report("close-readex: CloseHandle", CloseHandle(s));
    report_wait("close-readex: SleepEx", SleepEx(0, TRUE));
    report_routine("close-readex: routine", &ov);
    CloseHandle(c);

    connect_pair("close-iocp", TRUE, &s, &c);
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    CreateIoCompletionPort(s, port, 5, 0);
    overlapped_with(&ov, ev);
    report("close-iocp: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report("close-iocp: CloseHandle", CloseHandle(s));
    if (GetQueuedCompletionStatusEx(port, entries, 4, &removed, LONG_WAIT, FALSE)) {
        say("close-iocp: GetQueuedCompletionStatusEx ret=1 removed=%lu key=%lu internal=0x%lx",
            removed,
            (unsigned long)entries[0].lpCompletionKey,
            (unsigned long)entries[0].Internal);
    } else {
        say("close-iocp: GetQueuedCompletionStatusEx ret=0 err=%lu", GetLastError());
    }
    CloseHandle(c);
    CloseHandle(port);
    CloseHandle(ev);
    CloseHandle(cev);
}

/* ---------------------------------------------------------------- FlushFileBuffers */

static HANDLE flush_target;
static BOOL flush_result;
static DWORD flush_error;

static DWORD WINAPI flush_in_thread(LPVOID unused) {
    (void)unused;
    flush_result = FlushFileBuffers(flush_target);
    flush_error = flush_result ? 0 : GetLastError();
    return 0;
}

static void report_flush(const char *label) {
    if (flush_result) {
        say("%s ret=1", label);
    } else {
        say("%s ret=0 err=%lu", label, flush_error);
    }
}

static HANDLE start_flush(HANDLE h) {
    flush_target = h;
    flush_result = FALSE;
    flush_error = 0;
    return CreateThread(NULL, 0, flush_in_thread, NULL, 0, NULL);
}

static void scenario_flush(void) {
    char buffer[16];
    DWORD bytes = 0;
    HANDLE s, c, thread;

    connect_pair("flush", FALSE, &s, &c);
    report("flush-empty: FlushFileBuffers", FlushFileBuffers(s));
    report("flush-wait: write", write_all(s, "12345", 5));
    thread = start_flush(s);
    say("flush-wait: blocked=%d", WaitForSingleObject(thread, BLOCK_PROBE) == WAIT_TIMEOUT);
    ReadFile(c, buffer, 16, &bytes, NULL);
    say("flush-wait: client read bytes=%lu", bytes);
    report_wait("flush-wait: thread", WaitForSingleObject(thread, LONG_WAIT));
    report_flush("flush-wait: FlushFileBuffers");
    CloseHandle(thread);

    report("flush-client-flush: write", write_all(c, "ab", 2));
    thread = start_flush(c);
    say("flush-client-flush: blocked=%d", WaitForSingleObject(thread, BLOCK_PROBE) == WAIT_TIMEOUT);
    {
        OVERLAPPED ov;
        HANDLE ev = manual_event(FALSE);
        overlapped_with(&ov, ev);
        ReadFile(s, buffer, 16, NULL, &ov);
        report_result("flush-client-flush: server read", s, &ov, TRUE);
        CloseHandle(ev);
    }
    report_wait("flush-client-flush: thread", WaitForSingleObject(thread, LONG_WAIT));
    report_flush("flush-client-flush: FlushFileBuffers");
    CloseHandle(thread);

    report("flush-closed: write", write_all(s, "123", 3));
    CloseHandle(c);
    report("flush-closed: FlushFileBuffers", FlushFileBuffers(s));
    CloseHandle(s);

    connect_pair("flush-peer-closes", FALSE, &s, &c);
    report("flush-peer-closes: write", write_all(s, "123", 3));
    thread = start_flush(s);
    say("flush-peer-closes: blocked=%d", WaitForSingleObject(thread, BLOCK_PROBE) == WAIT_TIMEOUT);
    CloseHandle(c);
    report_wait("flush-peer-closes: thread", WaitForSingleObject(thread, LONG_WAIT));
    report_flush("flush-peer-closes: FlushFileBuffers");
    CloseHandle(thread);
    CloseHandle(s);

    connect_pair("flush-disconnect", FALSE, &s, &c);
    report("flush-disconnect: write", write_all(s, "123", 3));
    thread = start_flush(s);
    say("flush-disconnect: blocked=%d", WaitForSingleObject(thread, BLOCK_PROBE) == WAIT_TIMEOUT);
    report("flush-disconnect: DisconnectNamedPipe", DisconnectNamedPipe(s));
    report_wait("flush-disconnect: thread", WaitForSingleObject(thread, LONG_WAIT));
    report_flush("flush-disconnect: FlushFileBuffers");
    CloseHandle(thread);
    CloseHandle(c);
    CloseHandle(s);

    connect_pair("flush-own-close", FALSE, &s, &c);
    report("flush-own-close: write", write_all(s, "123", 3));
    thread = start_flush(s);
    say("flush-own-close: blocked=%d", WaitForSingleObject(thread, BLOCK_PROBE) == WAIT_TIMEOUT);
    report("flush-own-close: CloseHandle server", CloseHandle(s));
    report_wait("flush-own-close: thread", WaitForSingleObject(thread, 1000));
    if (WaitForSingleObject(thread, 0) == WAIT_OBJECT_0) {
        report_flush("flush-own-close: FlushFileBuffers");
    }
    CloseHandle(thread);
    CloseHandle(c);
}

/* ---------------------------------------------------------------- completion ports */

static HANDLE port_to_wait_on;
static BOOL port_wait_result;
static DWORD port_wait_error;

static DWORD WINAPI wait_on_port(LPVOID unused) {
    OVERLAPPED_ENTRY entry;
    DWORD removed = 0;
    (void)unused;
    port_wait_result = GetQueuedCompletionStatusEx(port_to_wait_on, &entry, 1, &removed, 1000, FALSE);
    port_wait_error = port_wait_result ? 0 : GetLastError();
    return 0;
}

static void report_packets(const char *label, HANDLE port, DWORD ms, OVERLAPPED *expected) {
    OVERLAPPED_ENTRY entries[4];
    DWORD removed = 0;
    DWORD i;
    if (!GetQueuedCompletionStatusEx(port, entries, 4, &removed, ms, FALSE)) {
        say("%s GetQueuedCompletionStatusEx ret=0 err=%lu", label, GetLastError());
        return;
    }
    say("%s GetQueuedCompletionStatusEx ret=1 removed=%lu", label, removed);
    for (i = 0; i < removed; i++) {
        say("%s packet key=%lu same-overlapped=%d null-overlapped=%d internal=0x%lx bytes=%lu",
            label,
            (unsigned long)entries[i].lpCompletionKey,
            entries[i].lpOverlapped == expected,
            entries[i].lpOverlapped == NULL,
            (unsigned long)entries[i].Internal,
            entries[i].dwNumberOfBytesTransferred);
    }
}

static void scenario_iocp(void) {
    WCHAR name[128];
    OVERLAPPED ov, cov;
    char buffer[16];
    DWORD written;
    HANDLE ev = manual_event(FALSE);
    HANDLE s, c, s2, c2, port, associated, thread;

    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    report_handle("iocp: CreateIoCompletionPort", port, NULL);
    connect_pair("iocp", FALSE, &s, &c);
    associated = CreateIoCompletionPort(s, port, 7, 0);
    say("iocp: associate same-port=%d", associated == port);
    report_packets("iocp-empty:", port, 0, NULL);

    overlapped_with(&ov, ev);
    report("iocp-pending: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    WriteFile(c, "abcd", 4, &written, NULL);
    report_packets("iocp-pending:", port, LONG_WAIT, &ov);

    WriteFile(c, "ef", 2, &written, NULL);
    overlapped_with(&ov, ev);
    report("iocp-now: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report_packets("iocp-now:", port, 0, &ov);

    WriteFile(c, "g", 1, &written, NULL);
    overlapped_with(&ov, (HANDLE)((ULONG_PTR)ev | 1));
    report("iocp-suppressed: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report_packets("iocp-suppressed:", port, 0, &ov);
    report_event("iocp-suppressed:", ev);

    overlapped_with(&ov, ev);
    report("iocp-cancel: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report("iocp-cancel: CancelIoEx", CancelIoEx(s, &ov));
    report_packets("iocp-cancel:", port, LONG_WAIT, &ov);

    overlapped_with(&ov, ev);
    report("iocp-post: PostQueuedCompletionStatus", PostQueuedCompletionStatus(port, 9, 3, &ov));
    report("iocp-post: PostQueuedCompletionStatus", PostQueuedCompletionStatus(port, 1, 4, NULL));
    report_packets("iocp-post:", port, 0, &ov);

    pipe_name(name, "iocp");
    s2 = server(name, 0, 4, 4096, 4096);
    say("iocp-connect: associate same-port=%d", CreateIoCompletionPort(s2, port, 8, 0) == port);
    overlapped_with(&ov, ev);
    report("iocp-connect: ConnectNamedPipe", ConnectNamedPipe(s2, &ov));
    c2 = client(name, TRUE);
    report_handle("iocp-connect: CreateFile", c2, INVALID_HANDLE_VALUE);
    report_packets("iocp-connect:", port, LONG_WAIT, &ov);

    say("iocp-client: associate same-port=%d", CreateIoCompletionPort(c2, port, 9, 0) == port);
    overlapped_with(&cov, ev);
    report("iocp-client: WriteFile", WriteFile(c2, "hi", 2, NULL, &cov));
    report_packets("iocp-client:", port, 0, &cov);

    CloseHandle(c);
    overlapped_with(&ov, ev);
    report("iocp-broken: ReadFile", ReadFile(s, buffer, 16, NULL, &ov));
    report_packets("iocp-broken:", port, 0, &ov);

    port_to_wait_on = port;
    thread = CreateThread(NULL, 0, wait_on_port, NULL, 0, NULL);
    Sleep(BLOCK_PROBE);
    report("iocp-close: CloseHandle port", CloseHandle(port));
    WaitForSingleObject(thread, LONG_WAIT);
    if (port_wait_result) {
        say("iocp-close: waiter ret=1");
    } else {
        say("iocp-close: waiter ret=0 err=%lu", port_wait_error);
    }
    CloseHandle(thread);
    CloseHandle(c2);
    CloseHandle(s2);
    CloseHandle(s);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- instances, busy, names */

static const WCHAR *wait_name;
static BOOL wait_result;
static DWORD wait_error;

static DWORD WINAPI wait_named_pipe(LPVOID unused) {
    (void)unused;
    wait_result = WaitNamedPipeW(wait_name, LONG_WAIT);
    wait_error = wait_result ? 0 : GetLastError();
    return 0;
}

static void scenario_instances(void) {
    WCHAR name[128], other[128], missing[128], upper[128];
    OVERLAPPED ov;
    HANDLE ev = manual_event(FALSE);
    HANDLE s1, s2, c1, c2, c3, f1, f2, f3, thread;
    pipe_name(name, "busy");
    pipe_name(missing, "missing");

    s1 = server(name, 0, 1, 4096, 4096);
    report_handle("busy: CreateNamedPipe", s1, INVALID_HANDLE_VALUE);
    s2 = server(name, 0, 1, 4096, 4096);
    report_handle("busy: CreateNamedPipe beyond max", s2, INVALID_HANDLE_VALUE);
    report_handle("busy: CreateFile missing", client(missing, FALSE), INVALID_HANDLE_VALUE);
    report("busy: WaitNamedPipe missing", WaitNamedPipeW(missing, 100));
    report("busy: WaitNamedPipe fresh instance", WaitNamedPipeW(name, 100));
    c1 = client(name, FALSE);
    report_handle("busy: CreateFile", c1, INVALID_HANDLE_VALUE);
    c2 = client(name, FALSE);
    report_handle("busy: CreateFile second", c2, INVALID_HANDLE_VALUE);
    report("busy: WaitNamedPipe", WaitNamedPipeW(name, 100));

    wait_name = name;
    thread = CreateThread(NULL, 0, wait_named_pipe, NULL, 0, NULL);
    say("busy-wait: blocked=%d", WaitForSingleObject(thread, BLOCK_PROBE) == WAIT_TIMEOUT);
    report("busy-wait: DisconnectNamedPipe", DisconnectNamedPipe(s1));
    overlapped_with(&ov, ev);
    report("busy-wait: ConnectNamedPipe", ConnectNamedPipe(s1, &ov));
    WaitForSingleObject(thread, LONG_WAIT);
    if (wait_result) {
        say("busy-wait: WaitNamedPipe ret=1");
    } else {
        say("busy-wait: WaitNamedPipe ret=0 err=%lu", wait_error);
    }
    CloseHandle(thread);
    c3 = client(name, FALSE);
    report_handle("busy-wait: CreateFile", c3, INVALID_HANDLE_VALUE);
    report_result("busy-wait: GetOverlappedResult", s1, &ov, TRUE);
    CloseHandle(c3);
    CloseHandle(c1);
    CloseHandle(s1);

    pipe_name(other, "first");
    f1 = server(other, FILE_FLAG_FIRST_PIPE_INSTANCE, 4, 4096, 4096);
    report_handle("first-instance: first", f1, INVALID_HANDLE_VALUE);
    f2 = server(other, FILE_FLAG_FIRST_PIPE_INSTANCE, 4, 4096, 4096);
    report_handle("first-instance: second with flag", f2, INVALID_HANDLE_VALUE);
    f3 = server(other, 0, 4, 4096, 4096);
    report_handle("first-instance: second without flag", f3, INVALID_HANDLE_VALUE);
    if (f2 != INVALID_HANDLE_VALUE) {
        CloseHandle(f2);
    }
    CloseHandle(f3);
    CloseHandle(f1);

    wcscpy(upper, L"\\\\.\\PIPE\\PIPELAB-ORACLE-CASE");
    pipe_name(other, "case");
    f1 = server(other, 0, 4, 4096, 4096);
    c1 = client(upper, FALSE);
    report_handle("names: CreateFile other case", c1, INVALID_HANDLE_VALUE);
    CloseHandle(c1);
    CloseHandle(f1);
    report_handle("names: not a pipe name", server(L"\\\\.\\pipelab\\x", 0, 4, 4096, 4096), INVALID_HANDLE_VALUE);
    report_handle("names: empty pipe name", server(L"\\\\.\\pipe\\", 0, 4, 4096, 4096), INVALID_HANDLE_VALUE);
    report_handle(
            "names: backslash in pipe name",
            server(L"\\\\.\\pipe\\pipelab-oracle-a\\b", 0, 4, 4096, 4096),
            INVALID_HANDLE_VALUE);
    report_handle("names: CreateFile not a pipe name", client(L"\\\\.\\pipelab\\x", FALSE), INVALID_HANDLE_VALUE);
    pipe_name(other, "limits");
    {
        HANDLE zero = server(other, 0, 0, 4096, 4096);
        report_handle("names: maxInstances 0", zero, INVALID_HANDLE_VALUE);
        if (zero != INVALID_HANDLE_VALUE) {
            CloseHandle(zero);
        }
    }
    report_handle("names: maxInstances 256", server(other, 0, 256, 4096, 4096), INVALID_HANDLE_VALUE);
    CloseHandle(ev);
}

/* ---------------------------------------------------------------- write quota */

static void scenario_quota(void) {
    WCHAR name[128];
    OVERLAPPED ov, cov;
    char big[64], buffer[64];
    DWORD total = 0;
    int reads = 0;
    HANDLE ev = manual_event(FALSE), cev = manual_event(FALSE);
    HANDLE s, c;
    memset(big, 'q', sizeof big);
    pipe_name(name, "quota");
    s = server(name, 0, 4, 16, 16);
    overlapped_with(&ov, ev);
    ConnectNamedPipe(s, &ov);
    c = client(name, TRUE);
    report_result("quota: connect", s, &ov, TRUE);

    overlapped_with(&ov, ev);
    report("quota: WriteFile 64", WriteFile(s, big, 64, NULL, &ov));
    report_status("quota:", &ov);
    while (total < 64 && reads < 10) {
        DWORD bytes = 0;
        overlapped_with(&cov, cev);
        if (ReadFile(c, buffer, 64, NULL, &cov) || GetLastError() == ERROR_IO_PENDING) {
            if (GetOverlappedResult(c, &cov, &bytes, TRUE)) {
                total += bytes;
            }
        }
        reads++;
    }
    say("quota: client read total=%lu", total);
    report_result("quota: GetOverlappedResult", s, &ov, TRUE);
    overlapped_with(&ov, ev);
    report("quota: WriteFile 8", WriteFile(s, big, 8, NULL, &ov));
    report_status("quota:", &ov);
    overlapped_with(&ov, ev);
    report("quota-broken: WriteFile 64", WriteFile(s, big, 64, NULL, &ov));
    report("quota-broken: CloseHandle client", CloseHandle(c));
    report_result("quota-broken: GetOverlappedResult", s, &ov, TRUE);
    report_status("quota-broken:", &ov);
    CloseHandle(s);

    s = server(name, 0, 4, 16, 16);
    overlapped_with(&ov, ev);
    ConnectNamedPipe(s, &ov);
    c = client(name, TRUE);
    report_result("quota-disconnect: connect", s, &ov, TRUE);
    overlapped_with(&ov, ev);
    report("quota-disconnect: WriteFile 64", WriteFile(s, big, 64, NULL, &ov));
    overlapped_with(&cov, cev);
    report("quota-disconnect: client WriteFile 64", WriteFile(c, big, 64, NULL, &cov));
    report("quota-disconnect: DisconnectNamedPipe", DisconnectNamedPipe(s));
    report_result("quota-disconnect: GetOverlappedResult", s, &ov, TRUE);
    report_status("quota-disconnect:", &ov);
    report_result("quota-disconnect: client GetOverlappedResult", c, &cov, TRUE);
    report_status("quota-disconnect: client", &cov);
    CloseHandle(c);
    CloseHandle(s);
    CloseHandle(ev);
    CloseHandle(cev);
}

int main(void) {
    scenario_connect();
    scenario_waits();
    scenario_read();
    scenario_cancel();
    scenario_routines();
    scenario_apcs();
    scenario_disconnect();
    scenario_close();
    scenario_flush();
    scenario_iocp();
    scenario_instances();
    scenario_quota();
    say("end");
    return 0;
}
