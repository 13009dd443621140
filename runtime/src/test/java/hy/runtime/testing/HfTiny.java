package hy.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hy.runtime.backend.Backend;
import hy.runtime.convert.HfToGguf;
import hy.runtime.convert.ProgressListener;
import hy.runtime.convert.TypePlan;
import hy.runtime.cpu.backend.CpuBackend;
import hy.runtime.gguf.GgufFile;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.model.HunyuanModel;
import hy.runtime.model.ModelWeights;
import hy.runtime.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The transformers reference model in ../shared/testdata/hf_tiny: converts it with {@code hy convert}'s library and
 * exposes reference.json (token ids, logits at every position, greedy continuation, mean NLL).
 */
public final class HfTiny {
    public final int[] tokenIds;
    public final float[][] logits;
    public final int[][] top5;
    public final int greedyPromptLength;
    public final int[] greedyContinuation;
    public final double meanNll;

    private HfTiny(JsonNode r) {
        tokenIds = ints(r.get("token_ids"));
        JsonNode l = r.get("logits");
        logits = new float[l.size()][];
        for (int i = 0; i < l.size(); i++) {
            logits[i] = new float[l.get(i).size()];
            for (int j = 0; j < logits[i].length; j++) logits[i][j] = (float) l.get(i).get(j).asDouble();
        }
        JsonNode t = r.get("top5");
        top5 = new int[t.size()][];
        for (int i = 0; i < t.size(); i++) top5[i] = ints(t.get(i));
        greedyPromptLength = r.get("greedy_prompt_len").asInt();
        greedyContinuation = ints(r.get("greedy_continuation"));
        meanNll = r.get("mean_nll_positions_1_to_63").asDouble();
    }

    private static int[] ints(JsonNode n) {
        int[] a = new int[n.size()];
        for (int i = 0; i < a.length; i++) a[i] = n.get(i).asInt();
        return a;
    }

    public static Path dir() {
        return SharedData.path("testdata/hf_tiny");
    }

    public static HfTiny reference() throws IOException {
        return new HfTiny(new ObjectMapper().readTree(dir().resolve("reference.json").toFile()));
    }

    /** Converts hf_tiny to a GGUF of the given type in {@code tmp}. */
    public static Path convert(Path tmp, GgmlType type) throws IOException {
        Path out = tmp.resolve("hf_tiny-" + type.name().toLowerCase() + ".gguf");
        HfToGguf.convert(dir(), out, new HfToGguf.Options(TypePlan.of(type), 2, "hf_tiny"), ProgressListener.NONE);
        return out;
    }

    /** A model over an open GGUF on the given backend. */
    public static HunyuanModel model(GgufFile f, Backend backend, int maxBatch) {
        HunyuanConfig cfg = HunyuanConfig.fromGguf(f);
        ModelWeights w = ModelWeights.load(cfg, f::tensorOrNull, name -> backend);
        return new HunyuanModel(cfg, backend, w, maxBatch);
    }

    public static HunyuanModel cpuModel(GgufFile f, int maxBatch) {
        return model(f, new CpuBackend(), maxBatch);
    }
}
