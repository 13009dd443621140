package hy.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** llama.cpp's escape processing for prompt text given on the command line ({@code -p "a\nb"}). */
final class Escapes {
    private Escapes() {}

    /**
     * Replaces \n \r \t \' \" \\ and \xHH; other backslashes are kept as typed. Works on the UTF-8 bytes, as
     * llama.cpp does, so "\xe4\xbd\xa0" is 你; bytes that do not form UTF-8 become U+FFFD.
     */
    static String process(String s) {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            byte c = in[i];
            if (c != '\\' || i + 1 >= in.length) {
                out.write(c);
                continue;
            }
            byte e = in[++i];
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '\'', '"', '\\' -> out.write(e);
                case 'x' -> {
                    if (i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                        out.write(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                        i += 2;
                    } else {
                        out.write('\\');
                        out.write('x');
                    }
                }
                default -> {
                    out.write('\\');
                    out.write(e);
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit((char) b, 16);
    }
}
