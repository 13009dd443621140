// Rotate-half ("neox") RoPE followed by RMSNorm over each head, in place (Hunyuan normalises q and k after RoPE).
// Pair (i, i + d/2) of a head at position p rotates by p * invFreq[i]; the angle, its sine and cosine are computed in
// double and rounded to float, and every product is rounded as the CPU (hy.runtime.cpu.backend.Rope) rounds it.
#include "common.cuh"

namespace hy {

constexpr int ROPE_THREADS = 128;  // one thread per rotated pair: head dimension <= 256

}  // namespace hy

// grid (heads, ntok); x rows are heads * headDim floats. The first position is read from device memory so that a
// captured decode graph replays at a new position without being rebuilt.
HY_KERNEL void __launch_bounds__(hy::ROPE_THREADS)
    rope_norm_f32(float* x, int heads, int headDim, const int* startPos, const double* invFreq, const float* gamma,
                  float eps) {
    __shared__ double scratch[hy::ROPE_THREADS / hy::WARP];
    const int half = headDim / 2, i = threadIdx.x, lane = i % hy::WARP, warp = i / hy::WARP;
    float* head = x + ((long)blockIdx.y * heads + blockIdx.x) * headDim;
    const int pos = *startPos + blockIdx.y;
    float y0 = 0.f, y1 = 0.f;
    if (i < half) {
        double s, c;
        sincos((double)pos * invFreq[i], &s, &c);
        const float fs = (float)s, fc = (float)c;
        const float x0 = head[i], x1 = head[i + half];
        y0 = hy::sub_rn(hy::mul_rn(x0, fc), hy::mul_rn(x1, fs));
        y1 = hy::add_rn(hy::mul_rn(x0, fs), hy::mul_rn(x1, fc));
    }
    double ss = (double)y0 * y0 + (double)y1 * y1;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xFFFFFFFFu, ss, o);
    if (lane == 0) scratch[warp] = ss;
    __syncthreads();
    double total = 0.0;
    for (int w = 0; w < hy::ROPE_THREADS / hy::WARP; w++) total += scratch[w];
    const float scale = (float)(1.0 / sqrt(total / headDim + (double)eps));
    if (i < half) {
        head[i] = hy::mul_rn(hy::mul_rn(y0, scale), gamma[i]);
        head[i + half] = hy::mul_rn(hy::mul_rn(y1, scale), gamma[i + half]);
    }
}
