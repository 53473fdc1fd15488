package dev.pipelab.os.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * The advapi32 calls {@link JnaAccounts} makes that jna-platform 5.19.1's {@code Advapi32} does
 * not declare: security descriptors to and from SDDL. Both allocate with LocalAlloc what they
 * return; the caller frees it with LocalFree. After a call that failed, {@link #lastError()} is
 * its GetLastError.
 */
interface Advapi32Calls extends StdCallLibrary {

    /** advapi32 through JNA, with the Unicode (W) entry points. Windows only. */
    static Advapi32Calls load() {
        return Native.load("advapi32", Advapi32Calls.class, W32APIOptions.DEFAULT_OPTIONS);
    }

    /** GetLastError of the last call on this thread, as JNA preserved it. */
    default int lastError() {
        return Native.getLastError();
    }

    /** {@code revision} is SDDL_REVISION_1; {@code size} may be null. */
    boolean ConvertStringSecurityDescriptorToSecurityDescriptor(
            String sddl, int revision, PointerByReference descriptor, IntByReference size);

    /** The way back, for checks and logs; {@code length} may be null. */
    boolean ConvertSecurityDescriptorToStringSecurityDescriptor(
            Pointer descriptor, int revision, int securityInformation, PointerByReference sddl, IntByReference length);
}
