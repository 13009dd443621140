package hy.cli;

import hy.runtime.gguf.GgufArray;
import hy.runtime.gguf.GgufValue;
import hy.runtime.gguf.GgufValueType;

/**
 * One-line renderings of GGUF metadata values for {@code hy info}: strings quoted with escapes (a chat template
 * stays on its line), long strings and long arrays cut short with the full length given, as llama.cpp's gguf-dump
 * does.
 */
final class MetadataFormat {
    /** Array elements shown before "... (N total)". */
    static final int ARRAY_PREVIEW = 8;
    /** Strings longer than this many characters (e.g. a chat template) are cut short... */
    static final int STRING_MAX = 200;
    /** ...to this many characters, then "... (N chars)". */
    static final int STRING_PREVIEW = 100;

    private MetadataFormat() {}

    /** "UINT32", "STRING", "[STRING]" for an array of strings, "[ARRAY]" for an array of arrays. */
    static String typeLabel(GgufValue v) {
        return v.type() == GgufValueType.ARRAY ? "[" + v.asArray().elementType() + "]" : v.type().name();
    }

    static String value(GgufValue v) {
        return switch (v.type()) {
            case STRING -> quoted(v.asString());
            case ARRAY -> array(v.asArray());
            default -> v.display(); // unsigned integers unsigned, floats in their shortest round-trip form
        };
    }

    private static String array(GgufArray a) {
        int n = a.length();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(n, ARRAY_PREVIEW); i++) {
            if (i > 0) sb.append(", ");
            sb.append(value(a.get(i)));
        }
        if (n > ARRAY_PREVIEW) sb.append(", ... (").append(n).append(" total)");
        return sb.append(']').toString();
    }

    static String quoted(String s) {
        int codePoints = s.codePointCount(0, s.length());
        int cut = codePoints > STRING_MAX ? s.offsetByCodePoints(0, STRING_PREVIEW) : s.length();
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < cut; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
        if (cut < s.length()) sb.append("... (").append(codePoints).append(" chars)");
        return sb.toString();
    }
}
