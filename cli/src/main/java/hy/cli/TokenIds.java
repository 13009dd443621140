package hy.cli;

/** Parses token id lists as llama.cpp prints them: "1, 2, 3", "[1,2,3]" or whitespace-separated. */
final class TokenIds {
    private TokenIds() {}

    static int[] parse(String s, int vocab) {
        String body = s.trim();
        if (body.startsWith("[") && body.endsWith("]")) body = body.substring(1, body.length() - 1);
        String[] parts = body.trim().isEmpty() ? new String[0] : body.trim().split("[,\\s]+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + parts[i] + "' is not a token id");
            }
            if (vocab > 0 && (ids[i] < 0 || ids[i] >= vocab)) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside the vocabulary (0.." + (vocab - 1) + ")");
            }
        }
        return ids;
    }

    static String format(int[] ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) sb.append(i == 0 ? "" : ", ").append(ids[i]);
        return sb.append(']').toString();
    }
}
