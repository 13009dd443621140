package hy.runtime.engine;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * llama-perplexity's --kl-divergence-base file: "_logits_", i32 n_ctx, i32 n_vocab, i32 n_chunk, the tokens of all
 * chunks, then for every scored position a record of nv = 2·⌈n_vocab/2⌉ + 4 u16: two f32 (scale, min_log_prob)
 * followed by n_vocab log-probabilities quantized to 16 bits over the range [max − 16, max] of the logits.
 * Files written here are read by llama.cpp and the other way round.
 */
public final class LogitsFile {
    private LogitsFile() {}

    static final byte[] MAGIC = "_logits_".getBytes(StandardCharsets.US_ASCII);
    /** llama.cpp keeps log-probabilities within 16 nats of the best token. */
    static final float RANGE = 16f;

    public static int recordShorts(int vocab) {
        return 2 * ((vocab + 1) / 2) + 4;
    }

    /** Writes the header and then records, chunk by chunk. */
    public static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final int vocab;
        private final ByteBuffer record;

        public Writer(Path path, int nCtx, int vocab, int[] tokens, int chunks) throws IOException {
            this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20);
            this.vocab = vocab;
            this.record = ByteBuffer.allocate(recordShorts(vocab) * 2).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer h = ByteBuffer.allocate(8 + 12 + 4 * chunks * nCtx).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(nCtx).putInt(vocab).putInt(chunks);
            for (int i = 0; i < chunks * nCtx; i++) h.putInt(tokens[i]);
            out.write(h.array());
        }

        /** Encodes one position's logits as llama.cpp does. */
        public void write(float[] logits, int at) throws IOException {
            float max = logits[at], min = logits[at];
            for (int i = 1; i < vocab; i++) {
                max = Math.max(max, logits[at + i]);
                min = Math.min(min, logits[at + i]);
            }
            min = Math.max(min, max - RANGE);
            double sumExp = 0;
            for (int i = 0; i < vocab; i++) sumExp += Math.exp(logits[at + i] - max);
            float logSumExp = (float) Math.log(sumExp);
            float minLogProb = min - max - logSumExp;
            float scale = (max - min) / 65535f;
            record.clear();
            record.putFloat(scale).putFloat(minLogProb);
            float inv = scale != 0 ? 1 / scale : 0;
            for (int i = 0; i < vocab; i++) {
                float l = logits[at + i];
                int q = scale != 0 && l > min ? (int) Math.rint(inv * (l - min)) : 0; // ties to even, as ggml's nearest_int
                record.putShort((short) q);
            }
            out.write(record.array());
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Reads a base file: the header eagerly, records one at a time. */
    public static final class Reader implements AutoCloseable {
        private final DataInputStream in;
        public final int nCtx;
        public final int vocab;
        public final int chunks;
        public final int[] tokens;
        private final byte[] record;
        private final ByteBuffer view;

        public Reader(Path path) throws IOException {
            InputStream raw = Files.newInputStream(path);
            this.in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 20));
            byte[] head = in.readNBytes(20);
            if (head.length < 20 || !java.util.Arrays.equals(java.util.Arrays.copyOf(head, 8), MAGIC)) {
                in.close();
                throw new IOException(path + " is not a llama.cpp logits file (no _logits_ header; written by --kl-divergence-base?)");
            }
            ByteBuffer h = ByteBuffer.wrap(head, 8, 12).order(ByteOrder.LITTLE_ENDIAN);
            nCtx = h.getInt();
            vocab = h.getInt();
            chunks = h.getInt();
            if (nCtx < 4 || vocab < 1 || chunks < 1 || (long) nCtx * chunks > 1 << 28) {
                in.close();
                throw new IOException(path + ": implausible header (n_ctx " + nCtx + ", n_vocab " + vocab + ", chunks " + chunks + ")");
            }
            byte[] tb = in.readNBytes(4 * nCtx * chunks);
            if (tb.length != 4 * nCtx * chunks) {
                in.close();
                throw new IOException(path + ": truncated token list");
            }
            tokens = new int[nCtx * chunks];
            ByteBuffer.wrap(tb).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(tokens);
            record = new byte[recordShorts(vocab) * 2];
            view = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Decodes the next record into natural-log probabilities. */
        public void next(float[] logProbs) throws IOException {
            try {
                in.readFully(record);
            } catch (java.io.EOFException e) {
                throw new IOException("the logits file ends early (truncated, or written with other settings)");
            }
            float scale = view.getFloat(0), minLogProb = view.getFloat(4);
            for (int i = 0; i < vocab; i++) logProbs[i] = scale * Short.toUnsignedInt(view.getShort(8 + 2 * i)) + minLogProb;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
