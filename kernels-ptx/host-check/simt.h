// A small SIMT emulator so that the real kernel sources run on the CPU, without a GPU: every CUDA thread of a block is
// an OS thread; __syncthreads is a barrier over the block, warp shuffles exchange values through a per-warp buffer
// between two warp barriers, and mma.sync m16n8k16 is computed from the fragments of all 32 lanes with the register
// layout the PTX ISA documents (9.7.14.5.8). Blocks run one after another, so a kernel's __shared__ arrays can be
// function statics shared by the threads of the running block. Threads that return early leave the barriers, as on
// the hardware. Slow (a few thousand threads per second): for small shapes only.
//
// Include this before any kernel source; compile with g++ -std=c++20 -I<cuda>/include -pthread.
#pragma once

#include <cuda_fp16.h>
#include <vector_functions.h>
#include <vector_types.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

// The CUDA dialect as plain C++ (after the CUDA headers, which define these their own way).
#undef __global__
#undef __device__
#undef __host__
#undef __forceinline__
#undef __shared__
#undef __launch_bounds__
#undef __align__
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __restrict__ __restrict
#define __CUDACC__ 1
#define HY_HOST_SIMT 1

using std::max;
using std::min;

namespace simt {

struct Warp {
    std::barrier<> sync{32};
    uint64_t slot[32];
    uint32_t a[32][4], b[32][2];
};

struct Block {
    explicit Block(int threads) : all(threads), warps((threads + 31) / 32) {
        for (auto& w : warps) w = std::make_unique<Warp>();
    }
    std::barrier<> all;
    std::vector<std::unique_ptr<Warp>> warps;
};

inline thread_local uint3 thread_index;
inline thread_local uint3 block_index;
inline thread_local Block* block;
inline dim3 block_dim, grid_dim;

inline int lane() { return thread_index.x % 32; }
inline Warp& warp() { return *block->warps[thread_index.x / 32]; }

inline void syncthreads() { block->all.arrive_and_wait(); }

template <class T>
T shfl_xor(unsigned, T v, int mask) {
    static_assert(sizeof(T) <= 8);
    Warp& w = warp();
    std::memcpy(&w.slot[lane()], &v, sizeof(T));
    w.sync.arrive_and_wait();
    T r;
    std::memcpy(&r, &w.slot[lane() ^ mask], sizeof(T));
    w.sync.arrive_and_wait();
    return r;
}

inline float half_at(uint32_t reg, int hi) {
    __half h = __ushort_as_half((unsigned short)(hi ? reg >> 16 : reg & 0xFFFF));
    return __half2float(h);
}

// D = A B + C for one m16n8k16 f16 tile. A (16x16): lane 4g+t holds rows g / g+8 and columns 2t, 2t+1 / +8 in
// registers {a0: (g, 2t..), a1: (g+8, 2t..), a2: (g, 2t+8..), a3: (g+8, 2t+8..)}. B (16x8): b0 = rows 2t, 2t+1 of
// column g, b1 = rows 2t+8, 2t+9. C/D: c0, c1 = row g, columns 2t, 2t+1; c2, c3 = row g+8.
inline void mma_m16n8k16(float* c, const uint32_t* a, const uint32_t* b) {
    Warp& w = warp();
    const int l = lane();
    for (int i = 0; i < 4; i++) w.a[l][i] = a[i];
    w.b[l][0] = b[0];
    w.b[l][1] = b[1];
    w.sync.arrive_and_wait();
    const int g = l >> 2, t = l & 3;
    float d[4];
    for (int e = 0; e < 4; e++) {
        const int row = g + (e >= 2 ? 8 : 0), col = 2 * t + (e & 1);
        float acc = c[e];
        for (int k = 0; k < 16; k++) {
            const int aLane = (row % 8) * 4 + (k % 8) / 2, aReg = (row >= 8 ? 1 : 0) + (k >= 8 ? 2 : 0);
            const int bLane = col * 4 + (k % 8) / 2, bReg = k >= 8 ? 1 : 0;
            acc += half_at(w.a[aLane][aReg], k & 1) * half_at(w.b[bLane][bReg], k & 1);
        }
        d[e] = acc;
    }
    w.sync.arrive_and_wait();
    for (int e = 0; e < 4; e++) c[e] = d[e];
}

// Runs kernel(args...) over the grid, one block at a time; one OS thread per CUDA thread of a block, reused for
// every block of the launch (each block gets fresh barriers, so threads that returned early rejoin the next block).
template <class... P, class... A>
void launch(dim3 grid, dim3 threads, void (*kernel)(P...), A... args) {
    grid_dim = grid;
    block_dim = threads;
    const int n = threads.x * threads.y * threads.z;
    std::barrier<> start(n + 1), done(n + 1);
    std::unique_ptr<Block> current;
    uint3 index{};
    bool finished = false;
    std::vector<std::thread> pool;
    pool.reserve(n);
    for (int i = 0; i < n; i++) {
        pool.emplace_back([&, i] {
            thread_index = make_uint3(i, 0, 0);
            for (;;) {
                start.arrive_and_wait();
                if (finished) return;
                block_index = index;
                block = current.get();
                kernel(static_cast<P>(args)...);
                block->all.arrive_and_drop();
                block->warps[i / 32]->sync.arrive_and_drop();
                done.arrive_and_wait();
            }
        });
    }
    for (unsigned z = 0; z < grid.z; z++) {
        for (unsigned y = 0; y < grid.y; y++) {
            for (unsigned x = 0; x < grid.x; x++) {
                current = std::make_unique<Block>(n);
                index = make_uint3(x, y, z);
                start.arrive_and_wait();
                done.arrive_and_wait();
            }
        }
    }
    finished = true;
    start.arrive_and_wait();
    for (auto& t : pool) t.join();
}

}  // namespace simt

#define threadIdx simt::thread_index
#define blockIdx simt::block_index
#define blockDim simt::block_dim
#define gridDim simt::grid_dim
#define __syncthreads() simt::syncthreads()
#define __shfl_xor_sync(mask, v, o) simt::shfl_xor(mask, v, o)

inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
