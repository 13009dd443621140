package hy.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * A kernel's arguments in order, typed as the PTX entry declares them: 64-bit device pointers and integers (C
 * {@code long}), 32-bit integers and floats. Packing is plain Java, so launchers can be checked without a GPU.
 */
public final class KernelArgs {
    /** Argument sizes as PTX {@code .param} types. */
    public enum Kind {
        PTR(".u64"), I64(".u64"), I32(".u32"), F32(".f32");

        /** The PTX parameter type nvcc declares for it. */
        public final String ptxType;

        Kind(String ptxType) {
            this.ptxType = ptxType;
        }
    }

    /** One argument; {@code bits} holds the value (a float's raw bits for F32). */
    public record Arg(Kind kind, long bits) {
        @Override
        public String toString() {
            return switch (kind) {
                case PTR -> bits == 0 ? "null" : "0x" + Long.toHexString(bits);
                case I64, I32 -> Long.toString(bits);
                case F32 -> Float.toString(Float.intBitsToFloat((int) bits));
            };
        }
    }

    private final List<Arg> args = new ArrayList<>();

    /** A device address (0 is a null pointer). */
    public KernelArgs ptr(long address) {
        args.add(new Arg(Kind.PTR, address));
        return this;
    }

    public KernelArgs i64(long v) {
        args.add(new Arg(Kind.I64, v));
        return this;
    }

    public KernelArgs i32(int v) {
        args.add(new Arg(Kind.I32, v));
        return this;
    }

    public KernelArgs f32(float v) {
        args.add(new Arg(Kind.F32, Float.floatToRawIntBits(v)));
        return this;
    }

    public List<Arg> list() {
        return List.copyOf(args);
    }

    public int size() {
        return args.size();
    }

    /** The kernelParams array cuLaunchKernel takes: one pointer per argument to a copy of its value. */
    Pointer toKernelParams() {
        NativePointerObject[] ps = new NativePointerObject[args.size()];
        for (int i = 0; i < ps.length; i++) {
            Arg a = args.get(i);
            ps[i] = switch (a.kind) {
                case PTR, I64 -> Pointer.to(new long[] {a.bits});
                case I32 -> Pointer.to(new int[] {(int) a.bits});
                case F32 -> Pointer.to(new float[] {Float.intBitsToFloat((int) a.bits)});
            };
        }
        return Pointer.to(ps);
    }

    /**
     * Null when the arguments fit the PTX parameter types (".u64", ".u32", ".f32"), else what differs. Catches a
     * launcher and a kernel that drifted apart before the kernel reads garbage.
     */
    public String mismatch(List<String> ptxTypes) {
        if (ptxTypes.size() != args.size()) return "kernel takes " + ptxTypes.size() + " arguments, launcher passes " + args.size();
        for (int i = 0; i < args.size(); i++) {
            String want = ptxTypes.get(i);
            Kind k = args.get(i).kind;
            boolean ok = switch (want) {
                case ".u64", ".s64", ".b64" -> k == Kind.PTR || k == Kind.I64;
                case ".u32", ".s32", ".b32" -> k == Kind.I32;
                case ".f32" -> k == Kind.F32;
                default -> false;
            };
            if (!ok) return "argument " + i + " is " + want + " in the kernel, launcher passes " + k;
        }
        return null;
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (Arg a : args) j.add(a.toString());
        return j.toString();
    }
}
