package dev.pipelab.os.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Win32's constants, NativeLayout's sizes and offsets and the function names of Kernel32Calls
 * and Advapi32Calls, checked
 * against the Windows SDK headers and import libraries as mingw-w64 ships them.
 * {@code src/test/c/win32_layout.c} lists every value by its Java name; the compiler checks the
 * Java values with static assertions (no Wine needed), and the same program, run under Wine,
 * prints the headers' values for an exact comparison. The Java fields are read by reflection, so
 * a constant added to Win32 without its C entry fails here.
 */
class Win32LayoutTest {

    private static final Path SOURCE = Path.of("src", "test", "c", "win32_layout.c");

    /** The lines of PIPELAB_LAYOUT and PIPELAB_CONSTANTS: {@code L(NAME, expression)}, {@code C(NAME)}. */
    private static final Pattern C_ENTRY = Pattern.compile("^\\s*[LC]\\((\\w+)[,)]", Pattern.MULTILINE);

    private static final Pattern PRINTED = Pattern.compile("(\\w+)=(\\d+)");

    @Test
    void theCProgramListsEveryJavaValueAndNothingElse() throws IOException {
        Set<String> inC = new TreeSet<>();
        Matcher entry = C_ENTRY.matcher(Files.readString(SOURCE, StandardCharsets.UTF_8));
        while (entry.find()) {
            assertThat(inC.add(entry.group(1)))
                    .as("%s listed twice in %s", entry.group(1), SOURCE)
                    .isTrue();
        }

        Set<String> inJava = javaValues().keySet();
        List<String> wrong = new ArrayList<>();
        inJava.stream().filter(n -> !inC.contains(n)).forEach(n -> wrong.add(n + " is not in the C lists"));
        inC.stream().filter(n -> !inJava.contains(n)).forEach(n -> wrong.add(n + " is in C but not in Java"));
        assertThat(wrong)
                .as("%s against NativeLayout's and Win32's fields", SOURCE)
                .isEmpty();
    }

    @Test
    void theHeadersAgreeWithEveryJavaValueAtCompileTime() throws Exception {
        Path dir = Files.createDirectories(Win32Tools.WORK);
        Path javaValues = dir.resolve("java_values.h");
        StringBuilder header = new StringBuilder("/* Written by Win32LayoutTest: the Java values. */\n");
        javaValues()
                .forEach((name, value) -> header.append("#define JAVA_")
                        .append(name)
                        .append(' ')
                        .append(value)
                        .append("ull\n"));
        Files.writeString(javaValues, header, StandardCharsets.UTF_8);

        Win32Tools.Result compiled = Win32Tools.compile(List.of(
                "-fsyntax-only",
                "-Wall",
                "-Werror",
                "-DPIPELAB_JAVA_VALUES=\"" + javaValues.toAbsolutePath() + "\"",
                SOURCE.toString()));

        assertThat(compiled.succeeded())
                .as("mingw-w64's headers against the Java values:\n%s", compiled.output())
                .isTrue();
    }

    @Test
    void theHeadersPrintEveryJavaValueUnderWine() throws Exception {
        Path exe = Files.createDirectories(Win32Tools.WORK).resolve("win32_layout.exe");
        Win32Tools.Result compiled =
                Win32Tools.compile(List.of("-O2", "-Wall", "-Werror", "-o", exe.toString(), SOURCE.toString()));
        assertThat(compiled.succeeded())
                .as("compiling %s:\n%s", SOURCE, compiled.output())
                .isTrue();

        Win32Tools.Result ran = Win32Tools.runUnderWine(exe);

        assertThat(ran.succeeded()).as("%s under Wine:\n%s", exe, ran.output()).isTrue();
        Map<String, Long> printed = new TreeMap<>();
        // Wine may add its own notes (creating the prefix) before the program's lines.
        ran.output().lines().map(PRINTED::matcher).filter(Matcher::matches).forEach(m -> {
            if (printed.put(m.group(1), Long.parseLong(m.group(2))) != null) {
                fail(m.group(1) + " printed twice:\n" + ran.output());
            }
        });
        List<String> wrong = new ArrayList<>();
        javaValues().forEach((name, value) -> {
            Long header = printed.remove(name);
            if (!value.equals(header)) {
                wrong.add(name + ": Java " + value + ", headers " + (header == null ? "(not printed)" : header));
            }
        });
        printed.keySet().forEach(name -> wrong.add(name + ": printed, but not in Java"));
        assertThat(wrong).as("the headers' values, as the program printed them").isEmpty();
    }

    /**
     * JNA's W32APIFunctionMapper (W32APIOptions.DEFAULT_OPTIONS) looks up {@code nameW} first and
     * falls back to {@code name}; every call must land on an export of its DLL, and a call that
     * passes a String must land on the Unicode (W) one, since JNA passes it as UTF-16. (One that
     * only returns text, as ConvertSecurityDescriptorToStringSecurityDescriptor, lands on the W
     * one too, and reads the result as UTF-16.)
     */
    @Test
    void everyKernel32CallNamesAKernel32Export() throws Exception {
        assertThat(wrongNames(Kernel32Calls.class, "kernel32")).isEmpty();
    }

    @Test
    void everyAdvapi32CallNamesAnAdvapi32Export() throws Exception {
        assertThat(wrongNames(Advapi32Calls.class, "advapi32")).isEmpty();
    }

    /** What JnaAccounts calls through jna-platform (whose declarations name the functions). */
    @Test
    void everyFunctionJnaAccountsCallsThroughJnaPlatformIsExported() throws Exception {
        assertThat(Win32Tools.exports(Win32Tools.importLibrary("advapi32")))
                .as("libadvapi32.a's exports")
                .contains(
                        "LookupAccountNameW", // Advapi32Util.getAccountByName
                        "LookupAccountSidW", // Advapi32Util.getAccountBySid, getTokenAccount, getTokenPrimaryGroup
                        "ConvertSidToStringSidW", // Account.sidString
                        "OpenProcessToken",
                        "GetTokenInformation"); // TokenUser, TokenPrimaryGroup, TokenGroups
        assertThat(Win32Tools.exports(Win32Tools.importLibrary("kernel32")))
                .as("libkernel32.a's exports")
                .contains("OpenProcess", "GetCurrentProcess", "CloseHandle", "LocalFree");
    }

    private static List<String> wrongNames(Class<?> library, String dll) throws Exception {
        Set<String> exports = new TreeSet<>(Win32Tools.exports(Win32Tools.importLibrary(dll)));
        assertThat(exports).as("lib%s.a's exports", dll).isNotEmpty();

        List<String> wrong = new ArrayList<>();
        for (Method call : calls(library)) {
            String name = call.getName();
            boolean takesString = Arrays.asList(call.getParameterTypes()).contains(String.class);
            String resolved = exports.contains(name + "W") ? name + "W" : name;
            if (!exports.contains(resolved)) {
                wrong.add(name + ": " + dll + " exports neither " + name + "W nor " + name);
            } else if (takesString && !resolved.endsWith("W")) {
                wrong.add(name + " takes a String but " + dll + " has no " + name + "W");
            }
        }
        return wrong;
    }

    /** NativeLayout's and Win32's int constants by name, as the unsigned 32-bit values C sees. */
    private static Map<String, Long> javaValues() {
        Map<String, Long> values = new TreeMap<>();
        for (Class<?> holder : List.of(NativeLayout.class, Win32.class)) {
            for (Field field : holder.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (field.isSynthetic() || !Modifier.isStatic(modifiers)) {
                    continue;
                }
                assertThat(Modifier.isFinal(modifiers) && field.getType() == int.class)
                        .as("%s.%s: this test checks static final int fields only", holder.getSimpleName(), field)
                        .isTrue();
                try {
                    long value = Integer.toUnsignedLong(field.getInt(null));
                    assertThat(values.put(field.getName(), value))
                            .as("%s is both in NativeLayout and Win32", field.getName())
                            .isNull();
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return values;
    }

    /** The functions a JNA library interface declares: its abstract methods. */
    private static List<Method> calls(Class<?> library) {
        Map<String, Method> calls = new LinkedHashMap<>();
        for (Method m : library.getDeclaredMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && !m.isSynthetic()) {
                assertThat(calls.put(m.getName(), m))
                        .as("%s.%s is overloaded", library.getSimpleName(), m.getName())
                        .isNull();
            }
        }
        assertThat(calls).as("%s's calls", library.getSimpleName()).isNotEmpty();
        return List.copyOf(calls.values());
    }
}
