package hy.cuda.selftest;

/**
 * How far a GPU result is from the CPU reference: the relative L2 error ‖got − ref‖ / ‖ref‖, the largest absolute
 * difference, and how many elements are NaN where the reference is not (unwritten outputs stay NaN: outputs are
 * poisoned before each run).
 */
public record ErrorStats(double relL2, double maxAbs, double refMaxAbs, int badValues, int count) {

    public static ErrorStats of(float[] got, float[] ref) {
        if (got.length != ref.length) throw new IllegalArgumentException(got.length + " values against " + ref.length);
        double num = 0, den = 0, maxAbs = 0, refMax = 0;
        int bad = 0;
        for (int i = 0; i < ref.length; i++) {
            if (Float.isNaN(ref[i])) continue;
            if (!Float.isFinite(got[i])) {
                bad++;
                continue;
            }
            double d = (double) got[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
            maxAbs = Math.max(maxAbs, Math.abs(d));
            refMax = Math.max(refMax, Math.abs(ref[i]));
        }
        return new ErrorStats(den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den), maxAbs, refMax, bad, ref.length);
    }

    /** No bad value and a relative error within the bound (0 demands equality). */
    public boolean within(double bound) {
        return badValues == 0 && (bound == 0 ? maxAbs == 0 : relL2 <= bound);
    }
}
