package hy.cli.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 request on its own socket, so that a test decides exactly when the client hangs up. */
final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private RawConnection(Socket socket) {
        this.socket = socket;
    }

    static RawConnection post(HyServer server, String path, String json) throws IOException {
        Socket s = new Socket("127.0.0.1", server.address().getPort());
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
        return new RawConnection(s);
    }

    /** Reads until the response so far contains {@code marker}; returns what was read. */
    String readUntil(String marker, long timeoutMillis) throws IOException {
        socket.setSoTimeout((int) timeoutMillis);
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        while (!received.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buf);
            if (n < 0) throw new IOException("connection closed before \"" + marker + "\" arrived: " + received);
            received.write(buf, 0, n);
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Hangs up (the server sees a closed connection at its next write). */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
