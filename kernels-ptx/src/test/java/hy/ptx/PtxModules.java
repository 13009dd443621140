package hy.ptx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The kernel sources and committed PTX of this module, read from the working tree, and what PTX headers claim. */
final class PtxModules {
    private PtxModules() {}

    /** The module folder: Maven runs tests in it. */
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path SOURCES = MODULE.resolve("src");
    static final Path PTX = MODULE.resolve("ptx/sm80");

    /** The newest PTX ISA a CUDA 12.0 driver accepts; the sm80 PTX must declare no more. */
    static final String MAX_VERSION = "8.0";

    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*\"([^\"]+)\"", Pattern.MULTILINE);
    private static final Pattern HEADER_LINE = Pattern.compile("^// (source|include): (\\S+) sha256=([0-9a-f]{64})$");

    /** Module names (file names without .cu) of every kernel source. */
    static List<String> sourceNames() {
        return names(SOURCES, ".cu");
    }

    static List<String> ptxNames() {
        return names(PTX, ".ptx");
    }

    private static List<String> names(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Local headers a source includes, directly or through other headers. */
    static TreeSet<String> includesOf(String file) {
        TreeSet<String> seen = new TreeSet<>();
        collect(file, seen);
        return seen;
    }

    private static void collect(String file, TreeSet<String> seen) {
        Matcher m = INCLUDE.matcher(read(SOURCES.resolve(file)));
        while (m.find()) {
            if (seen.add(m.group(1))) collect(m.group(1), seen);
        }
    }

    static String sha256(Path p) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The header of one PTX file: the source it names and the hash recorded for each file it was built from. */
    record Header(String source, Map<String, String> hashes, String nvccLine) {}

    static Header header(String module) {
        List<String> lines = read(PTX.resolve(module + ".ptx")).lines().takeWhile(l -> l.startsWith("//")).toList();
        Map<String, String> hashes = new TreeMap<>();
        String source = null, nvcc = null;
        for (String line : lines) {
            Matcher m = HEADER_LINE.matcher(line);
            if (m.matches()) {
                if (m.group(1).equals("source")) source = m.group(2);
                hashes.put(m.group(2), m.group(3));
            } else if (line.startsWith("// nvcc: ")) {
                nvcc = line.substring("// nvcc: ".length());
            }
        }
        return new Header(source, hashes, nvcc);
    }

    /** The ISA version the PTX declares (".version X.Y"), or null. */
    static String version(String module) {
        return directive(module, ".version");
    }

    static String target(String module) {
        return directive(module, ".target");
    }

    private static String directive(String module, String name) {
        return read(PTX.resolve(module + ".ptx")).lines().filter(l -> l.startsWith(name + " ")).findFirst()
                .map(l -> l.substring(name.length() + 1).trim()).orElse(null);
    }

    /** Compares "major.minor" versions numerically. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }
}
