/*
 * What the Windows SDK headers (here mingw-w64's) say about every value Win32.java and
 * NativeLayout.java hard-code. Win32LayoutTest uses this file two ways:
 *
 *   x86_64-w64-mingw32-gcc -o win32_layout.exe win32_layout.c
 *       a program that prints NAME=value (decimal, as an unsigned 32-bit value) for each entry,
 *       run under Wine, whose output the test compares with the Java fields;
 *
 *   x86_64-w64-mingw32-gcc -fsyntax-only -DPIPELAB_JAVA_VALUES='"java_values.h"' win32_layout.c
 *       where java_values.h, written by the test, defines JAVA_<NAME> for each Java field: every
 *       entry becomes a _Static_assert, so the compiler alone checks the values, without Wine.
 *
 * The names are the Java fields' names, which are the headers' names; the test fails if a Java
 * field is missing from these lists.
 */
#include <windows.h>
#include <sddl.h>
#include <stddef.h>
#include <stdio.h>

/* Sizes and offsets, named as NativeLayout's fields. */
#define PIPELAB_LAYOUT(L)                                                           \
    L(POINTER, sizeof(void *))                                                      \
    L(OVERLAPPED_SIZE, sizeof(OVERLAPPED))                                          \
    L(OVERLAPPED_INTERNAL, offsetof(OVERLAPPED, Internal))                          \
    L(OVERLAPPED_INTERNAL_HIGH, offsetof(OVERLAPPED, InternalHigh))                 \
    L(OVERLAPPED_OFFSET, offsetof(OVERLAPPED, Offset))                              \
    L(OVERLAPPED_OFFSET_HIGH, offsetof(OVERLAPPED, OffsetHigh))                     \
    L(OVERLAPPED_EVENT, offsetof(OVERLAPPED, hEvent))                               \
    L(OVERLAPPED_ENTRY_SIZE, sizeof(OVERLAPPED_ENTRY))                              \
    L(OVERLAPPED_ENTRY_KEY, offsetof(OVERLAPPED_ENTRY, lpCompletionKey))            \
    L(OVERLAPPED_ENTRY_OVERLAPPED, offsetof(OVERLAPPED_ENTRY, lpOverlapped))        \
    L(OVERLAPPED_ENTRY_INTERNAL, offsetof(OVERLAPPED_ENTRY, Internal))              \
    L(OVERLAPPED_ENTRY_BYTES, offsetof(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred)) \
    L(SECURITY_ATTRIBUTES_SIZE, sizeof(SECURITY_ATTRIBUTES))                        \
    L(SECURITY_ATTRIBUTES_LENGTH, offsetof(SECURITY_ATTRIBUTES, nLength))           \
    L(SECURITY_ATTRIBUTES_DESCRIPTOR, offsetof(SECURITY_ATTRIBUTES, lpSecurityDescriptor)) \
    L(SECURITY_ATTRIBUTES_INHERIT, offsetof(SECURITY_ATTRIBUTES, bInheritHandle))

/* Constants, named as Win32's fields (and the headers' macros). */
#define PIPELAB_CONSTANTS(C)                                                        \
    C(PIPE_ACCESS_DUPLEX)                                                           \
    C(FILE_FLAG_FIRST_PIPE_INSTANCE)                                                \
    C(FILE_FLAG_OVERLAPPED)                                                         \
    C(PIPE_TYPE_BYTE)                                                               \
    C(PIPE_READMODE_BYTE)                                                           \
    C(PIPE_WAIT)                                                                    \
    C(PIPE_REJECT_REMOTE_CLIENTS)                                                   \
    C(PIPE_UNLIMITED_INSTANCES)                                                     \
    C(GENERIC_READ)                                                                 \
    C(GENERIC_WRITE)                                                                \
    C(FILE_WRITE_DATA)                                                              \
    C(FILE_APPEND_DATA)                                                             \
    C(FILE_CREATE_PIPE_INSTANCE)                                                    \
    C(FILE_GENERIC_READ)                                                            \
    C(FILE_GENERIC_WRITE)                                                           \
    C(FILE_WRITE_ATTRIBUTES)                                                        \
    C(OPEN_EXISTING)                                                                \
    C(SECURITY_SQOS_PRESENT)                                                        \
    C(SECURITY_IDENTIFICATION)                                                      \
    C(INFINITE)                                                                     \
    C(WAIT_OBJECT_0)                                                                \
    C(WAIT_ABANDONED_0)                                                             \
    C(WAIT_IO_COMPLETION)                                                           \
    C(WAIT_TIMEOUT)                                                                 \
    C(WAIT_FAILED)                                                                  \
    C(MAXIMUM_WAIT_OBJECTS)                                                         \
    C(THREAD_SET_CONTEXT)                                                           \
    C(PROCESS_QUERY_LIMITED_INFORMATION)                                            \
    C(TOKEN_QUERY)                                                                  \
    C(SE_GROUP_ENABLED)                                                             \
    C(SE_GROUP_USE_FOR_DENY_ONLY)                                                   \
    C(SE_GROUP_INTEGRITY)                                                           \
    C(SE_GROUP_LOGON_ID)                                                            \
    C(SDDL_REVISION_1)                                                              \
    C(DACL_SECURITY_INFORMATION)                                                    \
    C(ERROR_SUCCESS)                                                                \
    C(ERROR_FILE_NOT_FOUND)                                                         \
    C(ERROR_ACCESS_DENIED)                                                          \
    C(ERROR_INVALID_HANDLE)                                                         \
    C(ERROR_NOT_ENOUGH_MEMORY)                                                      \
    C(ERROR_INVALID_PARAMETER)                                                      \
    C(ERROR_BROKEN_PIPE)                                                            \
    C(ERROR_SEM_TIMEOUT)                                                            \
    C(ERROR_INSUFFICIENT_BUFFER)                                                    \
    C(ERROR_BAD_PIPE)                                                               \
    C(ERROR_PIPE_BUSY)                                                              \
    C(ERROR_NO_DATA)                                                                \
    C(ERROR_PIPE_NOT_CONNECTED)                                                     \
    C(ERROR_MORE_DATA)                                                              \
    C(ERROR_PIPE_CONNECTED)                                                         \
    C(ERROR_PIPE_LISTENING)                                                         \
    C(ERROR_OPERATION_ABORTED)                                                      \
    C(ERROR_IO_INCOMPLETE)                                                          \
    C(ERROR_IO_PENDING)                                                             \
    C(ERROR_NOT_FOUND)                                                              \
    C(ERROR_NONE_MAPPED)                                                            \
    C(STATUS_PENDING) /* winnt.h has it unless WIN32_NO_STATUS (then ntstatus.h) */

#ifdef PIPELAB_JAVA_VALUES

#include PIPELAB_JAVA_VALUES

/* A Java field is a 32-bit int: compare the header's value as the DWORD it is passed as, and
   make sure it fits in one. A name with no JAVA_ macro is a compile error too. The name is
   stringified and pasted at the first level, before the headers' macros replace it. */
#define PIPELAB_ASSERT(text, value, java)                                           \
    _Static_assert((unsigned long long)(value) <= 0xFFFFFFFFull, text " does not fit in 32 bits"); \
    _Static_assert((DWORD)(value) == (DWORD)(java), text ": the Java value differs from the headers");
#define PIPELAB_ASSERT_LAYOUT(name, value) PIPELAB_ASSERT(#name, value, JAVA_##name)
#define PIPELAB_ASSERT_CONSTANT(name) PIPELAB_ASSERT(#name, name, JAVA_##name)

PIPELAB_LAYOUT(PIPELAB_ASSERT_LAYOUT)
PIPELAB_CONSTANTS(PIPELAB_ASSERT_CONSTANT)

#else

#define PIPELAB_PRINT_LAYOUT(name, value) printf("%s=%lu\n", #name, (unsigned long)(DWORD)(value));
#define PIPELAB_PRINT_CONSTANT(name) printf("%s=%lu\n", #name, (unsigned long)(DWORD)(name));

int main(void) {
    PIPELAB_LAYOUT(PIPELAB_PRINT_LAYOUT)
    PIPELAB_CONSTANTS(PIPELAB_PRINT_CONSTANT)
    return fflush(stdout) == 0 ? 0 : 1;
}

#endif
