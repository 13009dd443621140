package hy.runtime.quant;

/**
 * The scale searches behind ggml's reference k-quant quantizers (make_qx_quants and make_qkx2_quants in
 * ggml-quants.c). They are ported operation for operation in float so that codes match ggml's; the callers supply
 * scratch arrays, which keeps these methods free of shared state.
 */
final class KQuantSearch {
    private KQuantSearch() {}

    /** ggml's GROUP_MAX_EPS: a group whose largest magnitude is below this is treated as all zeros. */
    static final float GROUP_MAX_EPS = 1e-15f;

    /**
     * Symmetric codes L[i] in 0..2·nmax-1 (stored with +nmax offset) for x[off..off+n) with weights x², trying 18
     * scales around nmax/max and keeping the one that maximises the weighted fit (make_qx_quants, rmse_type 1,
     * no importance weights). Returns the scale; L receives the codes of the best scale.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int off, byte[] L, int lOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[off + i]);
            if (ax > amax) {
                amax = ax;
                max = x[off + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) L[lOff + i] = 0;
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[off + i];
            int l = clamp(QuantMath.nearestInt(iscale * xi), -nmax, nmax - 1);
            L[lOff + i] = (byte) (l + nmax);
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[off + i];
                int l = clamp(QuantMath.nearestInt(iscale * xi), -nmax, nmax - 1);
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    L[lOff + i] = (byte) (nmax + clamp(QuantMath.nearestInt(iscale * x[off + i]), -nmax, nmax - 1));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * Affine codes L[i] in 0..nmax for x ≈ scale·L − theMin, searching nstep+1 scales with a weighted least-squares
     * fit of scale and min at each (make_qkx2_quants). Returns the scale and stores the (non-negative) min in
     * {@code theMin[0]}. {@code laux} is scratch of at least n bytes.
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int off, float[] weights, byte[] L, int lOff, float[] theMin,
                                byte[] laux, float rmin, float rdelta, int nstep) {
        float min = x[off];
        float max = x[off];
        float sumW = weights[0];
        float sumX = sumW * x[off];
        for (int i = 1; i < n; i++) {
            float xi = x[off + i];
            if (xi < min) min = xi;
            if (xi > max) max = xi;
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) L[lOff + i] = 0;
            theMin[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = clamp(QuantMath.nearestInt(iscale * (x[off + i] - min)), 0, nmax);
            L[lOff + i] = (byte) l;
            float diff = scale * l + min - x[off + i];
            bestError += weights[i] * (diff * diff);
        }
        if (nstep < 1) {
            theMin[0] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[off + i];
                int l = clamp(QuantMath.nearestInt(iscale * (xi - min)), 0, nmax);
                laux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * xi;
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[off + i];
                    curError += weights[i] * (diff * diff);
                }
                if (curError < bestError) {
                    System.arraycopy(laux, 0, L, lOff, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
