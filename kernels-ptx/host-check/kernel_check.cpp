// Runs the real kernel sources on the CPU through the SIMT emulator (simt.h) and compares every kernel family with a
// plain double-precision reference written here: indexing, tiling, masking, mma fragment use, online softmax, MoE
// routing and grouping. What it cannot see: timing, memory-model races the emulator's barriers hide, and anything
// about the real compiler or hardware. hy.cuda.HostKernelCheckTest builds and runs it:
//   kernel_check SEED [quick]   prints one line per check, exits 0 when all pass; quick: one format per family
#include "simt.h"

#include "../src/attention_decode.cu"
#include "../src/attention_prefill.cu"
#include "../src/elementwise.cu"
#include "../src/embed.cu"
#include "../src/kv_cache.cu"
#include "../src/matmul.cu"
#include "../src/matvec.cu"
#include "../src/moe.cu"
#include "../src/rmsnorm.cu"
#include "../src/rope_norm.cu"

#include <cstdio>
#include <random>
#include <string>

static std::mt19937_64 rng;
static int failures = 0;

static float gauss(float scale = 1.f) {
    static std::normal_distribution<float> n(0.f, 1.f);
    return n(rng) * scale;
}

static std::vector<float> gaussians(size_t n, float scale = 1.f) {
    std::vector<float> v(n);
    for (auto& x : v) x = gauss(scale);
    return v;
}

static void report(const std::string& name, const std::vector<float>& got, const std::vector<double>& ref, double bound) {
    double num = 0, den = 0;
    size_t bad = 0, worst = 0;
    double worstAbs = -1;
    for (size_t i = 0; i < ref.size(); i++) {
        if (!std::isfinite(got[i])) { bad++; continue; }
        double d = got[i] - ref[i];
        num += d * d;
        den += ref[i] * ref[i];
        if (std::fabs(d) > worstAbs) { worstAbs = std::fabs(d); worst = i; }
    }
    double rel = den == 0 ? (num == 0 ? 0 : INFINITY) : std::sqrt(num / den);
    bool ok = bad == 0 && (bound == 0 ? num == 0 : rel <= bound);
    if (!ok) failures++;
    printf("%-44s rel %.2e (bound %.0e)%s%s", name.c_str(), rel, bound, bad ? " NaN/unwritten" : "", ok ? " ok\n" : " FAIL");
    if (!ok) printf(" worst [%zu] %.6g vs %.6g\n", worst, worst < got.size() ? got[worst] : 0.f, worst < ref.size() ? ref[worst] : 0.0);
}

static std::vector<float> poisoned(size_t n) { return std::vector<float>(n, NAN); }

// ---- weights: random codes with sane scales, decoded with the (Java-verified) unit decoders for the reference --------

template <class B>
struct Weights {
    int rows, len, units;
    long rowBytes;
    std::vector<uint8_t> bytes;
    std::vector<float> values;  // rows x len, what the kernels should see
};

static void put_half(uint8_t* p, float v) {
    uint16_t h = hy::float_to_half_bits(v);
    std::memcpy(p, &h, 2);
}

template <class B>
static Weights<B> random_weights(int rows, int len) {
    Weights<B> w{rows, len, len / 32, (long)(len / B::QK) * B::BYTES, {}, {}};
    w.bytes.resize((size_t)w.rowBytes * rows);
    for (auto& b : w.bytes) b = (uint8_t)rng();
    const float s = 1.f / std::sqrt((float)len);
    for (size_t blk = 0; blk < w.bytes.size(); blk += B::BYTES) {
        uint8_t* p = w.bytes.data() + blk;
        if constexpr (std::is_same_v<B, hy::F32>) {
            for (int j = 0; j < 32; j++) { float v = gauss(s); std::memcpy(p + 4 * j, &v, 4); }
        } else if constexpr (std::is_same_v<B, hy::F16>) {
            for (int j = 0; j < 32; j++) put_half(p + 2 * j, gauss(s));
        } else if constexpr (std::is_same_v<B, hy::BF16>) {
            for (int j = 0; j < 32; j++) { uint16_t h = hy::float_to_bf16_bits(gauss(s)); std::memcpy(p + 2 * j, &h, 2); }
        } else if constexpr (std::is_same_v<B, hy::Q6_K>) {
            put_half(p + 208, s / 16);
        } else if constexpr (std::is_same_v<B, hy::Q4_1> || std::is_same_v<B, hy::Q5_1> || std::is_same_v<B, hy::Q4_K> ||
                             std::is_same_v<B, hy::Q5_K>) {
            put_half(p, s / 8);
            put_half(p + 2, s / 8);
        } else {
            put_half(p, s / 8);
        }
    }
    w.values.resize((size_t)rows * len);
    for (int r = 0; r < rows; r++) {
        for (int u = 0; u < w.units; u++) hy::decode_unit<B>(w.bytes.data() + (long)r * w.rowBytes, u, &w.values[(size_t)r * len + 32 * u]);
    }
    return w;
}

static std::vector<double> product(const std::vector<float>& w, int rows, int len, const std::vector<float>& x, int n) {
    std::vector<double> y((size_t)n * rows);
    for (int t = 0; t < n; t++)
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = 0; i < len; i++) s += (double)w[(size_t)r * len + i] * x[(size_t)t * len + i];
            y[(size_t)t * rows + r] = s;
        }
    return y;
}

// ---- embed, matvec, matmul -------------------------------------------------------------------------------------------

template <class B>
static void check_products(const char* name,
                           void (*embed)(const uint8_t*, long, int, const int*, float*),
                           void (*const* matvec)(const uint8_t*, long, int, int, const float*, int, float*),
                           void (*matmul)(const uint8_t*, long, int, int, const float*, int, float*)) {
    const int len = B::QK == 256 ? 512 : 96, rows = 37;
    auto w = random_weights<B>(rows, len);
    {  // embed: exact rows
        std::vector<int> ids = {0, 36, 5, 5, 20};
        auto out = poisoned(ids.size() * len);
        simt::launch(dim3((w.units + 127) / 128, ids.size()), dim3(128), embed, w.bytes.data(), w.rowBytes, w.units, ids.data(), out.data());
        std::vector<double> ref;
        for (int id : ids) for (int i = 0; i < len; i++) ref.push_back(w.values[(size_t)id * len + i]);
        report(std::string("embed_") + name, out, ref, 0);
    }
    const int nts[4] = {1, 2, 4, 8};
    for (int k = 0; k < 4; k++) {
        const int nt = nts[k], n = nt == 8 ? 11 : nt + (nt > 1 ? -1 : 0);  // partial tiles and an extra z block
        auto x = gaussians((size_t)n * len);
        auto y = poisoned((size_t)n * rows);
        simt::launch(dim3((rows + 3) / 4, 1, (n + nt - 1) / nt), dim3(128), matvec[k], w.bytes.data(), w.rowBytes, w.units, rows, x.data(), n, y.data());
        report(std::string("matvec_") + name + "_n" + std::to_string(nt) + " n=" + std::to_string(n), y, product(w.values, rows, len, x, n), 1e-5);
    }
    {  // matmul: 70 rows (a partial row tile) x 67 tokens (a partial token tile), units may be odd
        auto w2 = random_weights<B>(70, len);
        const int n = 67;
        auto x = gaussians((size_t)n * len);
        auto y = poisoned((size_t)n * 70);
        simt::launch(dim3(2, 2), dim3(128), matmul, w2.bytes.data(), w2.rowBytes, w2.units, 70, x.data(), n, y.data());
        report(std::string("matmul_") + name + " 70x" + std::to_string(len) + " n=67", y, product(w2.values, 70, len, x, n), 4e-3);
    }
}

// ---- norms -------------------------------------------------------------------------------------------------------

static void check_norms() {
    const int width = 300, n = 3;
    auto x = gaussians((size_t)n * width, 3.f), g = gaussians(width, 0.1f);
    for (auto& v : g) v += 1.f;
    auto out = poisoned(x.size());
    simt::launch(dim3(n), dim3(256), rmsnorm_f32, x.data(), g.data(), 1e-5f, out.data(), width);
    std::vector<double> ref(x.size());
    for (int t = 0; t < n; t++) {
        double ss = 0;
        for (int i = 0; i < width; i++) ss += (double)x[t * width + i] * x[t * width + i];
        double sc = 1 / std::sqrt(ss / width + 1e-5);
        for (int i = 0; i < width; i++) ref[t * width + i] = x[t * width + i] * sc * g[i];
    }
    report("rmsnorm_f32 3x300", out, ref, 1e-6);

    for (int hd : {16, 128}) {
        const int heads = 3, pos0 = 1000;
        const double base = 1.1e7;
        auto xr = gaussians((size_t)n * heads * hd), gr = gaussians(hd, 0.1f);
        std::vector<double> inv(hd / 2);
        for (int i = 0; i < hd / 2; i++) inv[i] = std::pow(base, -2.0 * i / hd);
        std::vector<double> rref(xr.size());
        for (int t = 0; t < n; t++)
            for (int h = 0; h < heads; h++) {
                const float* v = &xr[((size_t)t * heads + h) * hd];
                std::vector<double> y(hd);
                for (int i = 0; i < hd / 2; i++) {
                    double a = (pos0 + t) * inv[i];
                    y[i] = v[i] * std::cos(a) - v[i + hd / 2] * std::sin(a);
                    y[i + hd / 2] = v[i] * std::sin(a) + v[i + hd / 2] * std::cos(a);
                }
                double ss = 0;
                for (double e : y) ss += e * e;
                double sc = 1 / std::sqrt(ss / hd + 1e-5);
                for (int i = 0; i < hd; i++) rref[((size_t)t * heads + h) * hd + i] = y[i] * sc * (1 + gr[i]);
            }
        for (auto& v : gr) v += 1.f;
        int startPos = pos0;
        simt::launch(dim3(heads, n), dim3(128), rope_norm_f32, xr.data(), heads, hd, (const int*)&startPos, (const double*)inv.data(), (const float*)gr.data(), 1e-5f);
        report("rope_norm_f32 hd" + std::to_string(hd), xr, rref, 1e-5);
    }
}

// ---- attention -----------------------------------------------------------------------------------------------------

template <class KV>
struct Cache {
    int positions, kvDim;
    long rowBytes;
    std::vector<uint8_t> k, v;
    Cache(int positions, int kvDim) : positions(positions), kvDim(kvDim), rowBytes((long)kvDim / 32 * KV::BLOCK_BYTES),
        k((size_t)rowBytes * positions, 0xFF), v((size_t)rowBytes * positions, 0xFF) {}  // 0xFF: NaN-ish garbage
    float key(int p, int e) const { return KV::load(k.data() + (long)p * rowBytes, e); }
    float value(int p, int e) const { return KV::load(v.data() + (long)p * rowBytes, e); }
};

// out[t][h] = softmax over p <= startPos + t of q.k/sqrt(d), times V, from the cache's stored values.
template <class KV>
static std::vector<double> attention_ref(const Cache<KV>& c, const std::vector<float>& q, int n, int startPos, int heads, int kvHeads, int hd) {
    std::vector<double> out((size_t)n * heads * hd);
    const int group = heads / kvHeads;
    for (int t = 0; t < n; t++)
        for (int h = 0; h < heads; h++) {
            const int kvh = h / group, P = startPos + t + 1;
            std::vector<double> s(P);
            double mx = -INFINITY;
            for (int p = 0; p < P; p++) {
                double d = 0;
                for (int i = 0; i < hd; i++) d += (double)q[((size_t)t * heads + h) * hd + i] * c.key(p, kvh * hd + i);
                s[p] = d / std::sqrt((double)hd);
                mx = std::max(mx, s[p]);
            }
            double z = 0;
            for (auto& e : s) { e = std::exp(e - mx); z += e; }
            for (int i = 0; i < hd; i++) {
                double o = 0;
                for (int p = 0; p < P; p++) o += s[p] * c.value(p, kvh * hd + i);
                out[((size_t)t * heads + h) * hd + i] = o / z;
            }
        }
    return out;
}

template <class KV>
static void store(Cache<KV>& c, void (*kernel)(const float*, const float*, uint8_t*, uint8_t*, long, long, const int*, int),
                  int n, int startPos, std::vector<float>& kk, std::vector<float>& vv) {
    kk = gaussians((size_t)n * c.kvDim);
    vv = gaussians((size_t)n * c.kvDim);
    simt::launch(dim3(n, 2), dim3(128), kernel, (const float*)kk.data(), (const float*)vv.data(), c.k.data(), c.v.data(), c.rowBytes, c.rowBytes, (const int*)&startPos, c.kvDim);
}

template <class KV>
static void check_attention(const char* name,
                            void (*kv_store)(const float*, const float*, uint8_t*, uint8_t*, long, long, const int*, int),
                            void (*split)(const float*, const uint8_t*, const uint8_t*, long, long, const int*, int, int, int, int, float, float*),
                            void (*prefill64)(const float*, const uint8_t*, const uint8_t*, long, long, const int*, int, int, int, float, float*),
                            void (*prefill128)(const float*, const uint8_t*, const uint8_t*, long, long, const int*, int, int, int, float, float*)) {
    // The store kernel writes what store32 writes, at the right rows.
    {
        Cache<KV> c(8, 64);
        std::vector<float> kk, vv;
        store(c, kv_store, 3, 4, kk, vv);
        std::vector<uint8_t> want(c.rowBytes);
        bool ok = true;
        for (int t = 0; t < 3; t++) {
            for (int b = 0; b < 2; b++) KV::store32(&kk[t * 64 + 32 * b], want.data() + b * KV::BLOCK_BYTES);
            ok &= std::memcmp(want.data(), c.k.data() + (long)(4 + t) * c.rowBytes, c.rowBytes) == 0;
            for (int b = 0; b < 2; b++) KV::store32(&vv[t * 64 + 32 * b], want.data() + b * KV::BLOCK_BYTES);
            ok &= std::memcmp(want.data(), c.v.data() + (long)(4 + t) * c.rowBytes, c.rowBytes) == 0;
        }
        ok &= c.k[0] == 0xFF && c.k[(size_t)c.rowBytes * 7] == 0xFF;  // rows outside 4..6 untouched
        if (!ok) failures++;
        printf("%-44s %s\n", (std::string("kv_store_") + name).c_str(), ok ? "ok" : "FAIL");
    }
    struct Shape { int heads, kvHeads, hd; };
    for (Shape s : {Shape{4, 2, 16}, Shape{8, 1, 64}}) {
        const int prompt = 37, n = 3, splits = 3;
        Cache<KV> c(prompt + n, s.kvHeads * s.hd);
        std::vector<float> kk, vv;
        store(c, kv_store, prompt, 0, kk, vv);
        store(c, kv_store, n, prompt, kk, vv);
        auto q = gaussians((size_t)n * s.heads * s.hd);
        std::vector<float> partial((size_t)n * s.heads * splits * (s.hd + 2), NAN);
        auto out = poisoned(q.size());
        int startPos = prompt;
        const float scale = 1.f / std::sqrt((float)s.hd);
        simt::launch(dim3(splits, s.kvHeads, n), dim3(128), split, (const float*)q.data(), (const uint8_t*)c.k.data(), (const uint8_t*)c.v.data(), c.rowBytes, c.rowBytes, (const int*)&startPos, s.heads, s.kvHeads, s.hd, splits, scale, partial.data());
        simt::launch(dim3(s.heads, n), dim3(128), attn_combine, (const float*)partial.data(), s.heads, s.hd, splits, out.data());
        report(std::string("attn_split_") + name + " " + std::to_string(s.heads) + "/" + std::to_string(s.kvHeads) + "x" + std::to_string(s.hd) + " n=3 @37", out,
               attention_ref(c, q, n, prompt, s.heads, s.kvHeads, s.hd), 1e-5);
    }
    if (prefill64) {  // 70 queries (a partial row block) at startPos 10: keys 0..79 span two tiles
        const int heads = 4, kvHeads = 2, hd = 64, n = 70, startPos = 10;
        Cache<KV> c(startPos + n, kvHeads * hd);
        std::vector<float> kk, vv;
        store(c, kv_store, startPos, 0, kk, vv);
        store(c, kv_store, n, startPos, kk, vv);
        auto q = gaussians((size_t)n * heads * hd);
        auto out = poisoned(q.size());
        simt::launch(dim3(2, heads), dim3(128), prefill64, (const float*)q.data(), (const uint8_t*)c.k.data(), (const uint8_t*)c.v.data(), c.rowBytes, c.rowBytes, &startPos, n, heads, kvHeads, 1.f / 8.f, out.data());
        report(std::string("attn_prefill_") + name + "_hd64 4/2 n=70 @10", out, attention_ref(c, q, n, startPos, heads, kvHeads, hd), 5e-3);
    }
    if (prefill128) {  // group of 4, one row block, from position 0
        const int heads = 4, kvHeads = 1, hd = 128, n = 20, startPos = 0;
        Cache<KV> c(n, kvHeads * hd);
        std::vector<float> kk, vv;
        store(c, kv_store, n, 0, kk, vv);
        auto q = gaussians((size_t)n * heads * hd);
        auto out = poisoned(q.size());
        simt::launch(dim3(1, heads), dim3(128), prefill128, (const float*)q.data(), (const uint8_t*)c.k.data(), (const uint8_t*)c.v.data(), c.rowBytes, c.rowBytes, &startPos, n, heads, kvHeads, 1.f / std::sqrt(128.f), out.data());
        report(std::string("attn_prefill_") + name + "_hd128 4/1 n=20 @0", out, attention_ref(c, q, n, startPos, heads, kvHeads, hd), 5e-3);
    }
}

// ---- MoE -----------------------------------------------------------------------------------------------------------

template <class B>
static void check_moe(const char* name,
                      void (*mv)(const uint8_t*, long, long, int, int, const float*, const int*, const int*, const int*, float*),
                      void (*mm)(const uint8_t*, long, long, int, int, const float*, const int*, const int*, const int*, float*),
                      void (*dense)(const uint8_t*, long, int, int, const float*, int, float*), int n, int topK, int minKeep, float threshold) {
    const int E = 8, hidden = 64, ff = 32, slots = n * topK;
    const bool matvec = n <= 8;
    auto router = random_weights<hy::F32>(E, hidden);
    auto gate = random_weights<B>(E * ff, hidden), up = random_weights<B>(E * ff, hidden), down = random_weights<B>(E * hidden, ff);
    auto gs = random_weights<B>(ff, hidden), us = random_weights<B>(ff, hidden), ds = random_weights<B>(hidden, ff);
    auto x = gaussians((size_t)n * hidden), acc = gaussians((size_t)n * hidden);
    auto acc0 = acc;

    // Device pipeline, as hy.cuda.backend.CudaMoe issues it.
    std::vector<float> logits((size_t)n * E), gates((size_t)slots), slotGate(slots), G((size_t)slots * ff), U(G.size()), Y((size_t)slots * hidden);
    std::vector<float> Gs((size_t)n * ff), Us(Gs.size()), Ys((size_t)n * hidden);
    std::vector<int> ids(slots), slotToken(slots), slotExpert(slots), tokenSlot(slots), counts(2);
    const int maxTiles = (slots + 63) / 64 + std::min(E, slots);
    std::vector<int> tiles(3 * maxTiles);
    auto dense_product = [&](auto& w, const float* in, float* out, int rows, int len) {
        if (matvec) simt::launch(dim3((rows + 3) / 4, 1, (n + 7) / 8), dim3(128), dense, w.bytes.data(), w.rowBytes, len / 32, rows, in, n, out);
        else simt::launch(dim3((rows + 63) / 64, (n + 63) / 64), dim3(128), dense, w.bytes.data(), w.rowBytes, len / 32, rows, in, n, out);
    };
    simt::launch(dim3((E + 3) / 4, 1, (n + 7) / 8), dim3(128), matvec_f32_n8, router.bytes.data(), router.rowBytes, hidden / 32, E, (const float*)x.data(), n, logits.data());
    simt::launch(dim3((n + 3) / 4), dim3(128), moe_route, (const float*)logits.data(), n, E, topK, minKeep, threshold, ids.data(), gates.data());
    simt::launch(dim3(1), dim3(256), moe_sort, (const int*)ids.data(), (const float*)gates.data(), n, topK, E, 64, slotToken.data(), slotGate.data(), slotExpert.data(), tokenSlot.data(), tiles.data(), counts.data());
    auto experts = [&](auto& w, const float* in, const int* map, float* out, int rows, int len) {
        const long expertBytes = w.rowBytes * rows;
        if (matvec) simt::launch(dim3((rows + 3) / 4, slots), dim3(128), mv, w.bytes.data(), w.rowBytes, expertBytes, len / 32, rows, in, map, (const int*)slotExpert.data(), (const int*)counts.data(), out);
        else simt::launch(dim3((rows + 63) / 64, maxTiles), dim3(128), mm, w.bytes.data(), w.rowBytes, expertBytes, len / 32, rows, in, map, (const int*)tiles.data(), (const int*)counts.data(), out);
    };
    experts(gate, x.data(), slotToken.data(), G.data(), ff, hidden);
    experts(up, x.data(), slotToken.data(), U.data(), ff, hidden);
    simt::launch(dim3(4), dim3(256), swiglu_f32, (const float*)G.data(), (const float*)U.data(), G.data(), (long)slots * ff);
    experts(down, G.data(), (const int*)nullptr, Y.data(), hidden, ff);
    dense_product(gs, x.data(), Gs.data(), ff, hidden);
    dense_product(us, x.data(), Us.data(), ff, hidden);
    simt::launch(dim3(4), dim3(256), swiglu_f32, (const float*)Gs.data(), (const float*)Us.data(), Gs.data(), (long)n * ff);
    dense_product(ds, Gs.data(), Ys.data(), hidden, ff);
    simt::launch(dim3(1, n), dim3(256), moe_combine, acc.data(), (const float*)Ys.data(), (const float*)Y.data(), (const int*)tokenSlot.data(), (const float*)slotGate.data(), topK, hidden);

    // Grouping invariants: slots ordered by expert then token, tiles covering each expert's run.
    bool ok = true;
    for (int s = 1; s < counts[0]; s++) {
        ok &= slotExpert[s - 1] < slotExpert[s] || (slotExpert[s - 1] == slotExpert[s] && slotToken[s - 1] < slotToken[s]);
    }
    int covered = 0;
    for (int i = 0; i < counts[1]; i++) covered += tiles[3 * i + 2];
    ok &= covered == counts[0];
    if (!ok) failures++;
    printf("%-44s %s\n", (std::string("moe_sort ") + name + " n=" + std::to_string(n)).c_str(), ok ? "ok" : "FAIL");

    // Reference: the MoE FFN in double.
    std::vector<double> ref(acc0.begin(), acc0.end());
    auto silu = [](double v) { return v / (1 + std::exp(-v)); };
    auto ffn = [&](const std::vector<float>& wg, const std::vector<float>& wu, const std::vector<float>& wd, int e, const float* xt, double scale, double* dst) {
        std::vector<double> h(ff);
        for (int j = 0; j < ff; j++) {
            double a = 0, b = 0;
            for (int i = 0; i < hidden; i++) {
                a += (double)wg[((size_t)e * ff + j) * hidden + i] * xt[i];
                b += (double)wu[((size_t)e * ff + j) * hidden + i] * xt[i];
            }
            h[j] = silu(a) * b;
        }
        for (int o = 0; o < hidden; o++) {
            double d = 0;
            for (int j = 0; j < ff; j++) d += (double)wd[((size_t)e * hidden + o) * ff + j] * h[j];
            dst[o] += scale * d;
        }
    };
    for (int t = 0; t < n; t++) {
        const float* xt = &x[(size_t)t * hidden];
        std::vector<double> p(E);
        double mx = -INFINITY, z = 0;
        for (int e = 0; e < E; e++) {
            double l = 0;
            for (int i = 0; i < hidden; i++) l += (double)router.values[(size_t)e * hidden + i] * xt[i];
            p[e] = l;
            mx = std::max(mx, l);
        }
        for (auto& v : p) { v = std::exp(v - mx); z += v; }
        for (auto& v : p) v /= z;
        std::vector<int> order(E);
        for (int e = 0; e < E; e++) order[e] = e;
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
        int kept = topK;
        if (minKeep < topK && threshold > 0) {
            kept = minKeep;
            while (kept < topK && p[order[kept]] >= threshold * p[order[0]]) kept++;
            kept = std::max(kept, 1);
        }
        double sum = 0;
        for (int j = 0; j < kept; j++) sum += p[order[j]];
        ffn(gs.values, us.values, ds.values, 0, xt, 1.0, &ref[(size_t)t * hidden]);
        for (int j = 0; j < kept; j++) ffn(gate.values, up.values, down.values, order[j], xt, p[order[j]] / sum, &ref[(size_t)t * hidden]);
    }
    report(std::string("moe ") + name + " 8x(64,32) top" + std::to_string(topK) + (minKeep < topK ? " ser" : "") + " n=" + std::to_string(n) + (matvec ? "" : " (mma)"),
           acc, ref, matvec ? 1e-5 : 4e-3);
}

int main(int argc, char** argv) {
    rng.seed(argc > 1 ? std::stoull(argv[1]) : 1);
    const bool quick = argc > 2 && std::string(argv[2]) == "quick";
#define HY_CHECK_PRODUCTS(name, B)                                                                                     \
    if (!quick || std::string(#name) == "f32" || std::string(#name) == "q4_0" || std::string(#name) == "q6_k") {      \
        void (*mv[4])(const uint8_t*, long, int, int, const float*, int, float*) = {matvec_##name##_n1, matvec_##name##_n2, \
                                                                                      matvec_##name##_n4, matvec_##name##_n8}; \
        check_products<B>(#name, embed_##name, mv, matmul_##name);                                                    \
    }
    HY_FOR_EACH_WEIGHT_FORMAT(HY_CHECK_PRODUCTS)
    check_norms();
    check_attention<hy::KvQ8_0>("q8_0", kv_store_q8_0, attn_split_q8_0, attn_prefill_q8_0_hd64, quick ? nullptr : attn_prefill_q8_0_hd128);
    if (!quick) {
        check_attention<hy::KvF32>("f32", kv_store_f32, attn_split_f32, nullptr, nullptr);
        check_attention<hy::KvF16>("f16", kv_store_f16, attn_split_f16, attn_prefill_f16_hd64, attn_prefill_f16_hd128);
        check_attention<hy::KvBF16>("bf16", kv_store_bf16, attn_split_bf16, attn_prefill_bf16_hd64, attn_prefill_bf16_hd128);
        check_moe<hy::F32>("f32", moe_matvec_f32, moe_matmul_f32, matvec_f32_n8, 5, 2, 2, 0.f);
    }
    check_moe<hy::Q8_0>("q8_0", moe_matvec_q8_0, moe_matmul_q8_0, matvec_q8_0_n8, 5, 4, 2, 0.3f);
    check_moe<hy::Q8_0>("q8_0", moe_matvec_q8_0, moe_matmul_q8_0, matmul_q8_0, 70, 2, 2, 0.f);
    printf(failures ? "%d checks FAILED\n" : "all kernel checks passed\n", failures);
    return failures ? 1 : 0;
}
