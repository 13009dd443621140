package hy.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the committed PTX modules (kernels-ptx) from the class path: {@code hy/ptx/sm80/NAME.ptx}. */
public final class PtxResources {
    private PtxResources() {}

    public static String path(String module) {
        return "hy/ptx/sm80/" + module + ".ptx";
    }

    public static String read(String module) {
        try (InputStream in = PtxResources.class.getClassLoader().getResourceAsStream(path(module))) {
            if (in == null) {
                throw new IllegalStateException("kernel module " + path(module) + " is not on the class path (is hy-kernels-ptx.jar missing?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path(module), e);
        }
    }
}
