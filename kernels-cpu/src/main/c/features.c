/* What the CPU and the OS allow: CPUID feature bits, XCR0 for the register state the OS saves, and for AMX the
 * kernel's answer to the permission request (some VMs list AMX in CPUID but fault on tile instructions; Linux only
 * grants tile-data state where it can save it). Compiled without ISA flags so it runs on any x86-64. */
#include "hy_cpu.h"
#include <cpuid.h>
#include <unistd.h>
#include <sys/syscall.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t) hi << 32) | lo;
}

int32_t hy_cpu_abi(void) { return 1; }

int32_t hy_cpu_features(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    if (!osxsave || !avx) return 0;
    uint64_t xcr0 = xgetbv0();
    int ymm = (xcr0 & 0x6) == 0x6, zmm = (xcr0 & 0xe6) == 0xe6;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    unsigned b7, c7, d7, a71 = 0, b71, c71, d71;
    __cpuid_count(7, 0, a, b7, c7, d7);
    __cpuid_count(7, 1, a71, b71, c71, d71);
    int avx2 = (b7 >> 5) & 1;
    int avx512f = (b7 >> 16) & 1, avx512bw = (b7 >> 30) & 1, avx512vl = (b7 >> 31) & 1, avx512vnni = (c7 >> 11) & 1;
    int avxvnni = (a71 >> 4) & 1;
    int amx_tile = (d7 >> 24) & 1, amx_int8 = (d7 >> 25) & 1;
    int32_t f = 0;
    if (!(ymm && avx2 && fma && f16c)) return 0;
    f |= HY_CPU_AVX2;
    if (avxvnni) f |= HY_CPU_AVXVNNI;
    if (zmm && avx512f && avx512bw && avx512vl && avx512vnni) f |= HY_CPU_AVX512VNNI;
    if (amx_tile && amx_int8) {
        f |= HY_CPU_AMX_FLAGS;
        if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0) f |= HY_CPU_AMX_GRANTED;
    }
    return f;
}
