package hy.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to request fields. A field that is absent or JSON null takes the default; a field of the wrong type
 * or out of range is a 400 that names the field and what it must be.
 */
final class JsonFields {
    private JsonFields() {}

    static boolean present(JsonNode obj, String name) {
        JsonNode v = obj.get(name);
        return v != null && !v.isNull();
    }

    static long integer(JsonNode obj, String name, long def, long min, long max) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return def;
        if (!v.isNumber() || !isIntegral(v) || v.asDouble() < min || v.asDouble() > max) {
            throw ApiException.badRequest("'" + name + "' must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return v.asLong();
    }

    static int integer(JsonNode obj, String name, int def, int min, int max) {
        return (int) integer(obj, name, (long) def, min, max);
    }

    private static boolean isIntegral(JsonNode v) {
        return v.isIntegralNumber() || (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()));
    }

    /** A number in [min, max]; {@code minOpen} excludes min itself. */
    static float number(JsonNode obj, String name, float def, float min, boolean minOpen, float max) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return def;
        double d = v.isNumber() ? v.asDouble() : Double.NaN;
        if (!(minOpen ? d > min : d >= min) || !(d <= max)) {
            throw ApiException.badRequest("'" + name + "' must be a number in " + (minOpen ? "(" : "[") + min + ", " + max
                    + "], got " + v);
        }
        return (float) d;
    }

    static boolean bool(JsonNode obj, String name, boolean def) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return def;
        if (!v.isBoolean()) throw ApiException.badRequest("'" + name + "' must be true or false, got " + v);
        return v.asBoolean();
    }

    /** A boolean, or null when absent. */
    static Boolean optionalBool(JsonNode obj, String name) {
        return present(obj, name) ? bool(obj, name, false) : null;
    }

    static String string(JsonNode obj, String name, String def) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return def;
        if (!v.isTextual()) throw ApiException.badRequest("'" + name + "' must be a string, got " + v);
        return v.asText();
    }

    static String requiredString(JsonNode obj, String name) {
        String s = string(obj, name, null);
        if (s == null) throw ApiException.badRequest("'" + name + "' is required");
        return s;
    }

    /** A string or an array of strings (OpenAI's "stop"), at most {@code maxItems}. */
    static List<String> strings(JsonNode obj, String name, int maxItems) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return List.of();
        if (v.isTextual()) return List.of(v.asText());
        if (!v.isArray()) throw ApiException.badRequest("'" + name + "' must be a string or an array of strings, got " + v);
        if (v.size() > maxItems) throw ApiException.badRequest("'" + name + "' may have at most " + maxItems + " entries");
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) throw ApiException.badRequest("'" + name + "' must contain only strings, got " + item);
            out.add(item.asText());
        }
        return out;
    }

    /** An object field, or null when absent. */
    static JsonNode object(JsonNode obj, String name) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw ApiException.badRequest("'" + name + "' must be an object, got " + v);
        return v;
    }

    /** An array field, or null when absent. */
    static JsonNode array(JsonNode obj, String name) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw ApiException.badRequest("'" + name + "' must be an array, got " + v);
        return v;
    }

    /** Token ids in [0, vocab). */
    static int[] tokenIds(JsonNode array, String name, int vocab) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() >= vocab) {
                throw ApiException.badRequest("'" + name + "' must hold token ids in [0, " + vocab + "), got " + t + " at index " + i);
            }
            ids[i] = t.asInt();
        }
        return ids;
    }
}
