package hy.cuda.selftest;

import java.util.Locale;

/**
 * How far a GPU result is from the CPU reference: the relative L2 error ‖got − ref‖ / ‖ref‖, the largest absolute
 * difference and where it is, and how many elements are NaN or infinite where the reference is not (outputs are
 * poisoned with NaN before each run, so an element no kernel wrote shows here).
 */
public record ErrorStats(double relL2, double maxAbs, double refMaxAbs, int badValues, int count, int worstIndex,
        float worstGot, float worstRef) {

    public static ErrorStats of(float[] got, float[] ref) {
        if (got.length != ref.length) throw new IllegalArgumentException(got.length + " values against " + ref.length);
        double num = 0, den = 0, maxAbs = 0, refMax = 0;
        int bad = 0, worst = -1;
        for (int i = 0; i < ref.length; i++) {
            if (Float.isNaN(ref[i])) continue;
            if (!Float.isFinite(got[i])) {
                if (bad++ == 0 && maxAbs == 0) worst = i;
                continue;
            }
            double d = (double) got[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
            if (Math.abs(d) > maxAbs) {
                maxAbs = Math.abs(d);
                worst = i;
            }
            refMax = Math.max(refMax, Math.abs(ref[i]));
        }
        double rel = den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
        return new ErrorStats(rel, maxAbs, refMax, bad, ref.length, worst, worst < 0 ? 0 : got[worst], worst < 0 ? 0 : ref[worst]);
    }

    /** No bad value and a relative error within the bound (0 demands equality). */
    public boolean within(double bound) {
        return badValues == 0 && (bound == 0 ? maxAbs == 0 : relL2 <= bound);
    }

    /** "[1234] 0.51 vs 0.49": the worst element, for locating a wrong row or column. */
    public String worst() {
        return worstIndex < 0 ? "" : String.format(Locale.ROOT, "[%d] %.6g vs %.6g", worstIndex, worstGot, worstRef);
    }
}
