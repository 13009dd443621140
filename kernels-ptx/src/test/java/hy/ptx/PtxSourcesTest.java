package hy.ptx;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX agrees with the CUDA sources: one module per .cu, built from the sources as they are now (header
 * hashes), declaring an ISA a CUDA 12.0 driver accepts, packaged on the class path, and (with the toolkit on PATH)
 * assembling for sm_80 and sm_90 and rebuilding byte for byte. Fixing a failure: run scripts/build-ptx.
 */
class PtxSourcesTest {
    private static final String FIX = " (run scripts/build-ptx)";

    @Test
    void everySourceHasPtxAndEveryPtxHasASource() {
        List<String> sources = PtxModules.sourceNames();
        assertFalse(sources.isEmpty(), "no kernel sources in " + PtxModules.SOURCES);
        assertEquals(sources, PtxModules.ptxNames(), "kernels-ptx/src/*.cu and kernels-ptx/ptx/sm80/*.ptx differ" + FIX);
    }

    @Test
    void headersRecordTheCurrentSourceAndHeaderHashes() {
        for (String module : PtxModules.sourceNames()) {
            PtxModules.Header h = PtxModules.header(module);
            assertEquals(module + ".cu", h.source(), module + ".ptx names another source" + FIX);
            Map<String, String> expected = new TreeMap<>();
            expected.put(module + ".cu", PtxModules.sha256(PtxModules.SOURCES.resolve(module + ".cu")));
            for (String inc : PtxModules.includesOf(module + ".cu")) {
                expected.put(inc, PtxModules.sha256(PtxModules.SOURCES.resolve(inc)));
            }
            assertEquals(expected, h.hashes(), module + ".ptx was built from other sources than the current ones" + FIX);
            assertNotNull(h.nvccLine(), module + ".ptx has no nvcc line" + FIX);
        }
    }

    @Test
    void isaVersionIsAtMostWhatCuda12DriversAcceptAndTargetIsSm80() {
        for (String module : PtxModules.sourceNames()) {
            String v = PtxModules.version(module);
            assertNotNull(v, module + ".ptx has no .version line");
            assertTrue(PtxModules.compareVersions(v, PtxModules.MAX_VERSION) <= 0,
                    module + ".ptx declares .version " + v + ", more than " + PtxModules.MAX_VERSION + FIX);
            assertEquals("sm_80", PtxModules.target(module), module + ".ptx .target");
        }
    }

    @Test
    void versionComparisonIsNumeric() {
        assertTrue(PtxModules.compareVersions("8.0", "8.0") == 0);
        assertTrue(PtxModules.compareVersions("9.0", "8.0") > 0);
        assertTrue(PtxModules.compareVersions("7.10", "7.8") > 0);
        assertTrue(PtxModules.compareVersions("8.0", "10.0") < 0);
    }

    @Test
    void everyModuleIsOnTheClassPathUnderHyPtxSm80() throws IOException {
        for (String module : PtxModules.sourceNames()) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("hy/ptx/sm80/" + module + ".ptx")) {
                assertNotNull(in, "resource hy/ptx/sm80/" + module + ".ptx");
                assertArrayEquals(Files.readAllBytes(PtxModules.PTX.resolve(module + ".ptx")), in.readAllBytes(),
                        module + ".ptx on the class path differs from the committed file (stale build?)");
            }
        }
    }

    /** Legality only (ISA, features): -O0 keeps this to seconds; scripts/build-ptx assembles with -O3. */
    @Test
    void ptxasAssemblesEveryModuleForSm80() throws Exception {
        assertAssembles("sm_80");
    }

    /** The H100/H200 the driver JIT-compiles for; as sm_90 legality follows from sm_80 here, this one is slow-tagged. */
    @Test
    @Tag("slow")
    void ptxasAssemblesEveryModuleForSm90() throws Exception {
        assertAssembles("sm_90");
    }

    private static void assertAssembles(String arch) throws Exception {
        Path ptxas = Tools.onPath("ptxas");
        assumeTrue(ptxas != null, "ptxas is not on PATH: assembly check skipped");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (String module : PtxModules.sourceNames()) {
                results.add(pool.submit(() -> {
                    var r = Tools.run(List.of(ptxas.toString(), "-O0", "-arch=" + arch, module + ".ptx", "-o", "/dev/null"),
                            PtxModules.PTX, 120);
                    return r.exitCode() == 0 ? null : module + ".ptx for " + arch + ":\n" + r.output();
                }));
            }
            List<String> errors = new ArrayList<>();
            for (Future<String> f : results) if (f.get() != null) errors.add(f.get());
            assertTrue(errors.isEmpty(), String.join("\n", errors));
        } finally {
            pool.shutdownNow();
        }
    }

    /** A full rebuild takes tens of seconds, hence slow; it only runs with the nvcc release the PTX was made by. */
    @Test
    @Tag("slow")
    void rebuildingWithTheSameNvccGivesTheSameBytes(@TempDir Path tmp) throws Exception {
        Path nvcc = Tools.onPath("nvcc");
        assumeTrue(nvcc != null && Tools.onPath("ptxas") != null, "nvcc/ptxas not on PATH: rebuild check skipped");
        String release = Tools.run(List.of(nvcc.toString(), "--version"), tmp, 60).output().lines()
                .filter(l -> l.startsWith("Cuda compilation tools, ")).findFirst().orElse("?")
                .substring("Cuda compilation tools, ".length());
        String built = PtxModules.header(PtxModules.sourceNames().getFirst()).nvccLine();
        assumeTrue(built.startsWith(release + ";"), "PTX was built by nvcc " + built + ", this one is " + release);
        Path script = PtxModules.MODULE.getParent().resolve("scripts/build-ptx");
        var r = Tools.run(List.of("bash", script.toString(), "--out", tmp.toString()), PtxModules.MODULE, 600);
        assertEquals(0, r.exitCode(), r.output());
        for (String module : PtxModules.sourceNames()) {
            assertArrayEquals(Files.readAllBytes(PtxModules.PTX.resolve(module + ".ptx")),
                    Files.readAllBytes(tmp.resolve(module + ".ptx")), module + ".ptx differs from a fresh build" + FIX);
        }
    }
}
