package hy.offload;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One tensor override, llama.cpp's {@code -ot REGEX=DEVICE}: tensors whose name contains a match of the regex
 * (searched anywhere, as std::regex_search does) go to the device. Rules are consulted in order and the first match
 * wins; user rules come before the rules that {@code --cpu-moe} / {@code --n-cpu-moe} generate.
 *
 * @param origin the flag the rule came from, for reports: "-ot", "--cpu-moe", "--n-cpu-moe 3"
 */
public record PlacementRule(Pattern pattern, Device device, String origin) {
    /** The flag user rules come from. */
    public static final String USER = "-ot";

    /** Parses one {@code REGEX=DEVICE} (the last '=' splits, so the regex may contain '='). */
    public static PlacementRule parse(String spec) {
        String s = spec.trim();
        int eq = s.lastIndexOf('=');
        if (eq <= 0 || eq == s.length() - 1) {
            throw new IllegalArgumentException("-ot '" + spec + "' must look like REGEX=DEVICE, e.g. -ot exps=CPU");
        }
        Pattern p;
        try {
            p = Pattern.compile(s.substring(0, eq));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("-ot '" + spec + "': bad regex (" + e.getDescription() + ")");
        }
        Device d;
        try {
            d = Device.parse(s.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-ot '" + spec + "': " + e.getMessage());
        }
        return new PlacementRule(p, d, USER);
    }

    /**
     * Parses the values of every -ot flag in command-line order; each value may hold several comma-separated rules
     * (as in llama.cpp, a regex therefore cannot contain a comma). Empty pieces are ignored.
     */
    public static List<PlacementRule> parseAll(List<String> specs) {
        List<PlacementRule> rules = new ArrayList<>();
        for (String spec : specs) {
            for (String piece : spec.split(",")) {
                if (!piece.isBlank()) rules.add(parse(piece));
            }
        }
        return List.copyOf(rules);
    }

    /** A rule made by a flag other than -ot. */
    static PlacementRule generated(String regex, Device device, String origin) {
        return new PlacementRule(Pattern.compile(regex), device, origin);
    }

    public boolean matches(String tensorName) {
        return pattern.matcher(tensorName).find();
    }

    /** {@code REGEX=DEVICE}, as it would be typed after -ot. */
    public String spec() {
        return pattern.pattern() + "=" + device.name();
    }

    @Override
    public String toString() {
        return origin + " " + spec();
    }
}
