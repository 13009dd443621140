package hy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hy.runtime.convert.SyntheticModel;
import hy.runtime.convert.TypePlan;
import hy.runtime.model.HunyuanConfig;
import hy.runtime.tensor.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hy plan} through {@link Hy#execute}: the table, the verdict, advice that works when applied, --auto. */
class PlanCommandTest {
    @TempDir
    Path dir;

    private static CliRun plan(String... args) {
        return CliRun.of(Stream.concat(Stream.of("plan"), Stream.of(args)).toArray(String[]::new));
    }

    /** Output lines with runs of spaces collapsed, so assertions do not depend on column widths. */
    private static List<String> lines(CliRun r) {
        return r.out().lines().map(l -> l.strip().replaceAll(" {2,}", " ")).toList();
    }

    @Test
    void a13bWithExpertsOnTheCpuFits24GiB() {
        CliRun r = plan("--synthetic", "--gpu-mem", "24G", "-ot", "exps=CPU", "-c", "32768");
        assertEquals(0, r.exit(), r.err());
        List<String> l = lines(r);
        assertEquals("flags: -ngl 99 -ot exps=CPU -c 32768", l.get(1));
        assertTrue(l.contains("group tensors CPU GiB CUDA0 GiB"), r.out());
        assertTrue(l.contains("routed experts 96 40.50 0.00"), r.out());
        assertTrue(l.contains("attention 192 0.00 1.33"), r.out());
        assertTrue(l.contains("shared experts 96 0.00 1.20"), r.out());
        assertTrue(l.contains("token_embd 1 0.00 0.52"), r.out());
        assertTrue(l.contains("KV cache (f16/f16, 32768 ctx) 0.00 4.00"), r.out());
        assertTrue(l.contains("expert staging 0.00 2.53"), r.out());
        assertTrue(l.contains("output is tied to token_embd: one copy on CUDA0"), r.out());
        assertTrue(l.getLast().matches("VRAM: 10\\.\\d\\d GiB of 24\\.00 GiB budget: fits, 13\\.\\d\\d GiB to spare"), l.getLast());
        assertTrue(l.get(0).startsWith("model: synthetic Hunyuan-A13B shape, Q8_0, routed experts Q4_0: 32 layers, 482 tensors, 43.58 GiB"), l.get(0));
        assertEquals("", r.err());
    }

    @Test
    void whenItDoesNotFitEverySuggestionFitsWhenApplied() {
        for (String[] flags : List.of(new String[] {"--gpu-mem", "24G", "-c", "32768"},
                new String[] {"--gpu-mem", "8G", "-c", "131072", "-ot", "exps=CPU"},
                new String[] {"--gpu-mem", "6G", "-ot", "blk\\.(0|1)\\.ffn_.*_exps=CUDA0", "--cpu-moe", "-ub", "1024"})) {
            CliRun r = plan(concat(new String[] {"--synthetic"}, flags));
            assertEquals(ErrorHandler.EXIT_ERROR, r.exit(), r.out());
            assertTrue(r.oneErrorLine(), r.err());
            assertTrue(r.err().contains("does not fit the GPU budget"), r.err());
            List<String> l = r.out().lines().toList();
            int at = l.indexOf("these fit instead:");
            assertTrue(at > 0 && l.get(at - 1).startsWith("does not fit: CUDA0 needs "), r.out());
            List<String> suggested = l.subList(at + 1, l.size());
            assertTrue(!suggested.isEmpty(), r.out());
            for (String s : suggested) {
                String argv = s.strip().replaceAll(" {4}\\(.*\\)$", "");
                String budget = flags[1];
                CliRun again = plan(concat(new String[] {"--synthetic", "--gpu-mem", budget}, shellSplit(argv).toArray(String[]::new)));
                assertEquals(0, again.exit(), argv + "\n" + again.out() + again.err());
                assertEquals("flags: " + argv, again.out().lines().toList().get(1), "the suggestion reproduces itself");
            }
        }
    }

    @Test
    void autoPrintsFlagsThatReproduceItsPlan() {
        for (String budget : List.of("6G", "24G", "30G", "64G")) {
            CliRun auto = plan("--synthetic", "--gpu-mem", budget, "--auto", "-c", "32768");
            assertEquals(0, auto.exit(), auto.out() + auto.err());
            List<String> a = auto.out().lines().toList();
            assertTrue(a.get(1).startsWith("--auto chose: -ngl "), a.get(1));
            String flags = a.get(1).substring("--auto chose: ".length());
            CliRun again = plan(concat(new String[] {"--synthetic", "--gpu-mem", budget}, shellSplit(flags).toArray(String[]::new)));
            List<String> b = again.out().lines().toList();
            assertEquals("flags: " + flags, b.get(1));
            assertEquals(a.subList(2, a.size()), b.subList(2, b.size()), "same table and verdict for " + budget);
        }
    }

    @Test
    void plansAFileAndListsItsTensors() throws Exception {
        HunyuanConfig c = new HunyuanConfig(300, 64, 2, 4, 2, 16, 8, 2, 32, 32, 1e-5f, 1e4, 4096);
        Path f = dir.resolve("tiny.gguf");
        SyntheticModel.write(f, c, TypePlan.of(GgmlType.F32), 1, SyntheticModel.Options.defaults(c).withThreads(1));
        CliRun r = plan("-m", f.toString(), "--gpu-mem", "1G", "-ngl", "1", "--cpu-moe", "--tensors");
        assertEquals(0, r.exit(), r.err());
        List<String> l = lines(r);
        assertTrue(l.get(0).startsWith("model: " + f + ": 2 layers, 32 tensors"), l.get(0));
        assertTrue(l.contains("blk.1.attn_q.weight F32 0.02 CUDA0 -ngl 1"), r.out());
        assertTrue(l.contains("blk.0.attn_q.weight F32 0.02 CPU -ngl 1"), r.out());
        assertTrue(l.contains("blk.1.ffn_up_exps.weight F32 0.06 CPU --cpu-moe ffn_(up|down|gate|gate_up)_exps=CPU"), r.out());
        assertTrue(l.contains("token_embd.weight F32 0.07 CPU tied to output"), r.out());
        assertTrue(l.contains("group tensors CPU MiB CUDA0 MiB"), r.out());
        assertTrue(l.stream().anyMatch(x -> x.startsWith("attention and KV cache of 1/2 layers on CUDA0")), r.out());
    }

    @Test
    void withoutAGpuItSaysSoAndPlansTheCpu() {
        CliRun r = plan("--synthetic", "--synthetic-layers", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("no CUDA device found"), r.err());
        assertTrue(lines(r).contains("flags: -ngl 0 -c 4096"), r.out());
        CliRun gpu = plan("--synthetic", "--synthetic-layers", "2", "-ngl", "99");
        assertEquals(ErrorHandler.EXIT_ERROR, gpu.exit());
        assertTrue(gpu.out().contains("but there is no GPU memory"), gpu.out());
        assertTrue(gpu.out().contains("  -ngl 0 -c 4096"), gpu.out());
    }

    @Test
    void badInputIsOneClearLine() {
        expectError(plan(), "give either -m FILE or --synthetic");
        expectError(plan("--synthetic", "--gpu-mem", "24X"), "--gpu-mem '24X' is not a memory size");
        expectError(plan("--synthetic", "--gpu-mem", "24G", "-ot", "exps=GPU"), "available devices: CPU, CUDA0");
        expectError(plan("--synthetic", "--gpu-mem", "24G", "-ot", "exps"), "must look like REGEX=DEVICE");
        expectError(plan("--synthetic", "--gpu-mem", "24G", "--auto", "-ngl", "10"), "--auto chooses -ngl");
        expectError(plan("--synthetic", "--n-cpu-moe", "-2"), "--n-cpu-moe must be >= 0");
        expectError(plan("--synthetic", "-ub", "0"), "-ub must be at least 1");
        expectError(plan("--synthetic", "--synthetic-layers", "0"), "--synthetic-layers must be at least 1");
        expectError(plan("-m", dir.resolve("missing.gguf").toString()), "file not found");
    }

    private static void expectError(CliRun r, String what) {
        assertTrue(r.exit() != 0, r.out());
        assertTrue(r.oneErrorLine(), r.err());
        assertTrue(r.err().contains(what), r.err());
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    /** Splits a printed command line: blanks separate words, single quotes group (as the planner quotes regexes). */
    private static List<String> shellSplit(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false, any = false;
        for (char ch : line.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
                any = true;
            } else if (ch == ' ' && !quoted) {
                if (any) words.add(w.toString());
                w.setLength(0);
                any = false;
            } else {
                w.append(ch);
                any = true;
            }
        }
        if (any) words.add(w.toString());
        return words;
    }
}
