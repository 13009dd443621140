package hy.cuda;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelArgsTest {
    @Test
    void keepsOrderKindsAndValues() {
        KernelArgs a = new KernelArgs().ptr(0x7f0000001000L).i64(1L << 40).i32(-5).f32(1.5f).ptr(0);
        List<KernelArgs.Arg> l = a.list();
        assertEquals(5, a.size());
        assertEquals(new KernelArgs.Arg(KernelArgs.Kind.PTR, 0x7f0000001000L), l.get(0));
        assertEquals(new KernelArgs.Arg(KernelArgs.Kind.I64, 1L << 40), l.get(1));
        assertEquals(new KernelArgs.Arg(KernelArgs.Kind.I32, -5), l.get(2));
        assertEquals(1.5f, Float.intBitsToFloat((int) l.get(3).bits()));
        assertEquals("(0x7f0000001000, 1099511627776, -5, 1.5, null)", a.toString());
    }

    @Test
    void matchesPtxParameterTypes() {
        KernelArgs a = new KernelArgs().ptr(1).i64(2).i32(3).f32(4f);
        assertNull(a.mismatch(List.of(".u64", ".u64", ".u32", ".f32")));
        assertNull(a.mismatch(List.of(".b64", ".s64", ".s32", ".f32")));
        assertEquals("kernel takes 3 arguments, launcher passes 4", a.mismatch(List.of(".u64", ".u64", ".u32")));
        assertEquals("argument 2 is .u64 in the kernel, launcher passes I32", a.mismatch(List.of(".u64", ".u64", ".u64", ".f32")));
        assertEquals("argument 3 is .u32 in the kernel, launcher passes F32", a.mismatch(List.of(".u64", ".u64", ".u32", ".u32")));
    }

    @Test
    void readsSignaturesFromPtxText() {
        String ptx = """
                .visible .entry foo(
                \t.param .u64 foo_param_0,
                \t.param .u32 foo_param_1,
                \t.param .f32 foo_param_2
                )
                {
                }
                .visible .entry bar()
                {
                }
                """;
        var s = PtxSignatures.parse(ptx);
        assertEquals(List.of(".u64", ".u32", ".f32"), s.get("foo"));
        assertEquals(List.of(), s.get("bar"));
    }

    @Test
    void launchConfigRejectsWhatNoDeviceRuns() {
        assertEquals(6, LaunchConfig.of(3, 2, 1, 128).blocks());
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(0, 1, 1, 128));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(1, 65536, 1, 128));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(1, 1, 65536, 128));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(1, 1, 1, 1025));
        assertDoesNotThrow(() -> LaunchConfig.of(Integer.MAX_VALUE, 65535, 65535, 1024));
    }

    @Test
    void byteCountsReadWell() {
        assertEquals("812 B", Bytes.format(812));
        assertEquals("3.50 MiB", Bytes.format(3_670_016));
        assertEquals("1.25 GiB", Bytes.format(1_342_177_280L));
    }

    @Test
    void accountingTracksHeldAndPeakPerCategory() {
        MemoryAccounting m = new MemoryAccounting();
        m.add(MemoryCategory.WEIGHTS, 1 << 30);
        m.add(MemoryCategory.KV_CACHE, 1 << 20);
        m.add(MemoryCategory.PINNED_HOST, 1 << 20);
        m.add(MemoryCategory.KV_CACHE, -(1 << 20));
        assertEquals(1 << 30, m.deviceTotal());
        assertEquals(1 << 20, m.peak(MemoryCategory.KV_CACHE));
        assertEquals(0, m.held(MemoryCategory.KV_CACHE));
        assertEquals("weights 1.00 GiB, pinned host 1.00 MiB", m.summary());
        assertThrows(IllegalStateException.class, () -> m.add(MemoryCategory.SCRATCH, -1));
    }
}
