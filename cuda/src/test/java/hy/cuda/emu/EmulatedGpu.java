package hy.cuda.emu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hy.cuda.DeviceInfo;
import hy.cuda.Gpu;
import hy.cuda.KernelArgs;
import hy.cuda.KernelRunner;
import hy.cuda.LaunchConfig;
import hy.cuda.PtxCheckingRunner;
import hy.cuda.PtxModule;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Gpu} made of host memory and the kernel sources compiled for the CPU with the SIMT emulator
 * (kernels-ptx/host-check/emu_lib.cpp, built here with nvcc as C++ on first use): the CUDA backend runs unchanged, so
 * its orchestration (buffers, offsets, arguments, step inputs, graph replay) is checked without a GPU. Work runs as
 * soon as it is queued; a capture records it for replay. New device memory is filled with 0xFF bytes (NaN as floats),
 * as unwritten memory must never reach a result.
 */
public final class EmulatedGpu implements Gpu {
    private static MethodHandle launch;
    private static String buildFailure;

    private final Map<Long, Arena> device = new HashMap<>();
    private final Map<Long, Arena> host = new HashMap<>();
    private final Runner runner = new Runner();
    private List<Runnable> recording;

    /** Builds the emulator library once per JVM; skips the calling test when nvcc is missing or the build fails. */
    public static synchronized EmulatedGpu open() throws Exception {
        if (launch == null && buildFailure == null) build();
        assumeTrue(launch != null, buildFailure);
        return new EmulatedGpu();
    }

    private static void build() throws Exception {
        Path nvcc = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "nvcc"))) nvcc = Path.of(dir, "nvcc");
        }
        if (nvcc == null) {
            buildFailure = "nvcc is not on PATH: the kernel emulator cannot be built";
            return;
        }
        Path src = Path.of("").toAbsolutePath().getParent().resolve("kernels-ptx/host-check/emu_lib.cpp");
        Path lib = Files.createTempDirectory("hyemu").resolve("libhyemu.so");
        Process p = new ProcessBuilder(nvcc.toString(), "-x", "c++", "-std=c++20", "-O1", "-w", "-Xcompiler", "-fPIC,-pthread",
                "-shared", "-o", lib.toString(), src.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("building the emulator failed:\n" + out);
        MemorySegment fn = SymbolLookup.libraryLookup(lib, Arena.global()).find("hy_emu_launch").orElseThrow();
        launch = Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
    }

    private void queue(Runnable work) {
        if (recording != null) recording.add(work);
        else work.run();
    }

    private static MemorySegment at(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public DeviceInfo device() {
        return new DeviceInfo(0, "SIMT emulator (CPU)", 8, 0, 1, 1L << 40, 12080);
    }

    @Override
    public void bind() {}

    @Override
    public long allocate(long bytes) {
        Arena a = Arena.ofShared();
        MemorySegment s = a.allocate(bytes, 256);
        s.fill((byte) 0xFF);
        device.put(s.address(), a);
        return s.address();
    }

    @Override
    public void free(long address) {
        Arena a = device.remove(address);
        if (a == null) throw new IllegalArgumentException("no device allocation at 0x" + Long.toHexString(address));
        a.close();
    }

    @Override
    public long[] memoryInfo() {
        return new long[] {1L << 40, 1L << 40};
    }

    @Override
    public MemorySegment allocateHost(long bytes, boolean uploadOnly) {
        Arena a = Arena.ofShared();
        MemorySegment s = a.allocate(bytes, 64);
        host.put(s.address(), a);
        return s;
    }

    @Override
    public void freeHost(MemorySegment s) {
        Arena a = host.remove(s.address());
        if (a == null) throw new IllegalArgumentException("no pinned allocation at 0x" + Long.toHexString(s.address()));
        a.close();
    }

    @Override
    public void copyToDevice(long dst, MemorySegment src, long bytes) {
        queue(() -> MemorySegment.copy(src, 0, at(dst, bytes), 0, bytes));
    }

    @Override
    public void copyToHost(MemorySegment dst, long src, long bytes) {
        queue(() -> MemorySegment.copy(at(src, bytes), 0, dst, 0, bytes));
    }

    @Override
    public void copyToDeviceNow(long dst, MemorySegment src, long bytes) {
        if (recording != null) throw new IllegalStateException("synchronous copy during capture");
        MemorySegment.copy(src, 0, at(dst, bytes), 0, bytes);
    }

    @Override
    public void fill32(long dst, int value, long count) {
        queue(() -> {
            MemorySegment s = at(dst, 4 * count);
            for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_INT, i, value);
        });
    }

    @Override
    public void synchronize() {
        if (recording != null) throw new IllegalStateException("synchronize during capture");
    }

    @Override
    public KernelRunner kernels() {
        return runner;
    }

    @Override
    public void setSyncEachLaunch(boolean on) {}

    @Override
    public Marker marker() {
        return new Marker() {
            @Override
            public void record() {}

            @Override
            public void await() {}

            @Override
            public void close() {}
        };
    }

    @Override
    public void waitFor(Marker point) {} // every queued operation has already run

    @Override
    public CopyQueue copyQueue() {
        return new CopyQueue() {
            @Override
            public void copyToDevice(long dst, MemorySegment src, long bytes) {
                if (recording != null) throw new IllegalStateException("copy-queue work during capture");
                MemorySegment.copy(src, 0, at(dst, bytes), 0, bytes);
            }

            @Override
            public void waitFor(Marker point) {}

            @Override
            public Marker marker() {
                return EmulatedGpu.this.marker();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Replay capture(Runnable work) {
        List<Runnable> steps = new ArrayList<>();
        recording = steps;
        try {
            work.run();
        } finally {
            recording = null;
        }
        return new Replay() {
            @Override
            public void launch() {
                steps.forEach(Runnable::run);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        device.values().forEach(Arena::close);
        host.values().forEach(Arena::close);
        device.clear();
        host.clear();
    }

    /** Checks each launch against the packaged PTX signature, then runs it on the emulator. */
    private final class Runner implements KernelRunner {
        private final PtxCheckingRunner check = new PtxCheckingRunner();

        @Override
        public void launch(PtxModule module, String kernel, LaunchConfig c, KernelArgs args) {
            check.launch(module, kernel, c, args);
            check.launches.clear();
            long[] bits = args.list().stream().mapToLong(KernelArgs.Arg::bits).toArray();
            queue(() -> {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment values = a.allocateFrom(ValueLayout.JAVA_LONG, bits);
                    int r = (int) launch.invokeExact(a.allocateFrom(kernel), c.gridX(), c.gridY(), c.gridZ(), c.blockX(), values, bits.length);
                    if (r != 0) throw new IllegalStateException("emulator: " + kernel + (r == -1 ? " unknown" : " argument count") + " (" + r + ")");
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            });
        }
    }
}
