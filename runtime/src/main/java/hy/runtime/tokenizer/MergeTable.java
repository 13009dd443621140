package hy.runtime.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reconstructs the pairwise merge list ({@code tokenizer.ggml.merges}) from tiktoken ranks, the way llama.cpp's
 * converter does for Hunyuan: for each multi-byte token in rank order, run byte-pair merging on its own bytes allowing
 * only ranks below its rank; when that stops at exactly two parts, those two parts are the token's merge. Tokens that
 * end in three or more parts (Hunyuan has three) get no merge.
 */
public final class MergeTable {
    private MergeTable() {}

    /** One merge: the two parts whose concatenation is token {@code result}. */
    public record Merge(byte[] left, byte[] right, int result) {
        /** The GGUF form: both parts GPT-2-mapped, joined by one space. */
        public String ggufString() {
            return Gpt2ByteMapping.encode(left) + " " + Gpt2ByteMapping.encode(right);
        }
    }

    /** The merges of every mergeable multi-byte token, in ascending rank order. */
    public static List<Merge> reconstruct(Vocabulary vocab) {
        // Sort (rank, id) pairs packed in longs: no boxing for 128k tokens.
        long[] order = new long[vocab.size()];
        int n = 0;
        for (int id = 0; id < vocab.size(); id++) {
            int rank = vocab.mergeRank(id);
            if (rank != Vocabulary.NO_RANK && vocab.bytes(id).length > 1) order[n++] = ((long) rank << 32) | id;
        }
        Arrays.sort(order, 0, n);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = (int) order[i];
        BytePairMerger merger = new BytePairMerger(vocab);
        List<Merge> merges = new ArrayList<>(n);
        for (int id : ids) {
            byte[] token = vocab.bytes(id);
            int parts = merger.mergeFlat(token, 0, token.length, vocab.mergeRank(id));
            if (parts != 2) continue;
            int split = merger.boundaries()[1];
            merges.add(new Merge(Arrays.copyOfRange(token, 0, split), Arrays.copyOfRange(token, split, token.length), id));
        }
        return merges;
    }

    /** The GGUF strings of {@link #reconstruct}. */
    public static String[] ggufStrings(Vocabulary vocab) {
        return reconstruct(vocab).stream().map(Merge::ggufString).toArray(String[]::new);
    }
}
