package hy.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The CUDA sources in ../kernels-ptx/src, read by tests that check the Java side agrees with them. */
public final class KernelSources {
    private KernelSources() {}

    public static final Path DIR = Path.of("").toAbsolutePath().getParent().resolve("kernels-ptx/src");

    public static String read(String file) {
        try {
            return Files.readString(DIR.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> cuFiles() {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).map(n -> n.substring(0, n.length() - 3)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern CONSTEXPR = Pattern.compile("constexpr int (\\w+) = ([^;]+);");

    /** Every {@code constexpr int NAME = EXPR;} of all sources whose EXPR is made of integers, names and '*'. */
    public static Map<String, Integer> constants() {
        Map<String, String> exprs = new HashMap<>();
        try (Stream<Path> s = Files.list(DIR)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Matcher m = CONSTEXPR.matcher(Files.readString(p));
                while (m.find()) exprs.put(m.group(1), m.group(2).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> values = new HashMap<>();
        for (String name : exprs.keySet()) {
            try {
                values.put(name, eval(name, exprs, 0));
            } catch (RuntimeException e) {
                // an expression beyond integers, names and '*' (e.g. HD / 16 in a template): not a launch constant
            }
        }
        return values;
    }

    private static int eval(String name, Map<String, String> exprs, int depth) {
        if (depth > 10) throw new IllegalStateException("constexpr cycle at " + name);
        String e = exprs.get(name);
        if (e == null) throw new IllegalStateException("no constexpr " + name);
        int v = 1;
        for (String term : e.split("\\*")) {
            String t = term.trim();
            v *= t.matches("\\d+") ? Integer.parseInt(t) : eval(t, exprs, depth + 1);
        }
        return v;
    }

    /** The suffixes of an X-macro list such as HY_FOR_EACH_WEIGHT_FORMAT, in order. */
    public static List<String> xMacroNames(String file, String macro) {
        String src = read(file);
        int at = src.indexOf("#define " + macro + "(X)");
        if (at < 0) throw new IllegalStateException(macro + " not found in " + file);
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("X\\((\\w+),").matcher(src.substring(at));
        int end = src.indexOf("\n\n", at);
        String body = end < 0 ? src.substring(at) : src.substring(at, end);
        m = Pattern.compile("X\\((\\w+),").matcher(body);
        while (m.find()) names.add(m.group(1));
        return names;
    }
}
