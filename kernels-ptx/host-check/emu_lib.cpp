// The kernels as a shared library on the SIMT emulator (simt.h), for tests that run hy's CUDA backend without a GPU:
// hy.cuda.emu.EmulatedGpu calls hy_emu_launch with a kernel's name, its launch geometry and its arguments as the
// 64-bit values hy.cuda.KernelArgs holds (pointers are host addresses there).
//   nvcc -x c++ -std=c++20 -O1 -w -Xcompiler -fPIC,-pthread -shared -o libhyemu.so emu_lib.cpp
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

#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>

namespace {

template <class T>
T arg(uint64_t bits) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(bits);
    } else if constexpr (std::is_same_v<T, float>) {
        uint32_t u = (uint32_t)bits;
        float f;
        std::memcpy(&f, &u, 4);
        return f;
    } else {
        return (T)(int64_t)bits;
    }
}

struct Entry {
    int args;
    std::function<void(dim3, dim3, const uint64_t*)> run;
};

template <class... P, size_t... I>
void call(void (*k)(P...), dim3 g, dim3 b, const uint64_t* a, std::index_sequence<I...>) {
    simt::launch(g, b, k, arg<P>(a[I])...);
}

template <class... P>
Entry entry(void (*k)(P...)) {
    return {(int)sizeof...(P), [k](dim3 g, dim3 b, const uint64_t* a) { call(k, g, b, a, std::index_sequence_for<P...>{}); }};
}

std::map<std::string, Entry> build() {
    std::map<std::string, Entry> m;
#define HY_REG(name) m.emplace(#name, entry(name));
#define HY_REG_WEIGHTS(name, B)                                                                                      \
    HY_REG(embed_##name) HY_REG(matvec_##name##_n1) HY_REG(matvec_##name##_n2) HY_REG(matvec_##name##_n4)              \
        HY_REG(matvec_##name##_n8) HY_REG(matmul_##name) HY_REG(moe_matvec_##name) HY_REG(moe_matmul_##name)
    HY_FOR_EACH_WEIGHT_FORMAT(HY_REG_WEIGHTS)
#define HY_REG_KV(name, KV) HY_REG(kv_store_##name) HY_REG(attn_split_##name)
    HY_FOR_EACH_KV_FORMAT(HY_REG_KV)
    HY_REG(attn_prefill_f16_hd64) HY_REG(attn_prefill_f16_hd128) HY_REG(attn_prefill_bf16_hd64)
    HY_REG(attn_prefill_bf16_hd128) HY_REG(attn_prefill_q8_0_hd64) HY_REG(attn_prefill_q8_0_hd128)
    HY_REG(attn_combine) HY_REG(rmsnorm_f32) HY_REG(rope_norm_f32) HY_REG(add_f32) HY_REG(swiglu_f32)
    HY_REG(f32_to_f16) HY_REG(f32_to_bf16) HY_REG(moe_route) HY_REG(moe_sort) HY_REG(moe_combine)
    return m;
}

}  // namespace

// 0: ran; -1: no such kernel; -2: wrong number of arguments.
extern "C" int hy_emu_launch(const char* name, int gx, int gy, int gz, int bx, const uint64_t* args, int nargs) {
    static const std::map<std::string, Entry> kernels = build();
    auto it = kernels.find(name);
    if (it == kernels.end()) return -1;
    if (it->second.args != nargs) return -2;
    it->second.run(dim3(gx, gy, gz), dim3(bx), args);
    return 0;
}
