// Host-side check of the kernels' format code, runnable without a GPU: the decoders in quant_blocks.cuh and the cache
// encoders in kv_formats.cuh are __host__ __device__, so this program runs the very code the kernels inline on the
// CPU and compares it, bit for bit, with the Java codecs' results. hy.cuda.HostFormatCheckTest writes the cases
// (random rows encoded by hy.runtime.quant), compiles this file with nvcc and runs it:
//   decode_check CASES_FILE      prints "ok N" and exits 0, or lists the first mismatches and exits 1
// Case record (little-endian): u8 nameLen, name, i32 op (0 = decode a weight row, 1 = encode a cache row),
// i32 n (values), i32 nbytes, nbytes bytes, n floats.
//   op 0: bytes = a row in format `name`, floats = the Java dequantization
//   op 1: floats = input values, bytes = the Java encoding in cache format `name`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <vector>
#include "../src/quant_blocks.cuh"
#include "../src/kv_formats.cuh"

static int failures = 0;

static void fail(const std::string& what) {
    if (failures++ < 20) fprintf(stderr, "%s\n", what.c_str());
}

template <class B>
static void check_decode(const char* name, const std::vector<uint8_t>& bytes, const std::vector<float>& expected) {
    const int units = (int)expected.size() / hy::UNIT;
    if ((long)units / B::UNITS * B::BYTES != (long)bytes.size()) {
        fail(std::string(name) + ": row of " + std::to_string(expected.size()) + " values has " +
             std::to_string(bytes.size()) + " bytes");
        return;
    }
    float out[hy::UNIT];
    for (int u = 0; u < units; u++) {
        hy::decode_unit<B>(bytes.data(), u, out);
        for (int j = 0; j < hy::UNIT; j++) {
            const float want = expected[u * hy::UNIT + j];
            if (memcmp(&out[j], &want, 4) != 0) {
                char msg[200];
                snprintf(msg, sizeof msg, "%s: value %d decodes to %.9g, Java gives %.9g", name, u * hy::UNIT + j,
                         out[j], want);
                fail(msg);
            }
        }
    }
}

template <class KV, class Decoder>
static void check_store(const char* name, const std::vector<uint8_t>& expected, const std::vector<float>& values) {
    std::vector<uint8_t> got(expected.size() + 64, 0xEE);
    const int blocks = (int)values.size() / 32;
    for (int b = 0; b < blocks; b++) KV::store32(values.data() + 32 * b, got.data() + (long)b * KV::BLOCK_BYTES);
    for (size_t i = 0; i < expected.size(); i++) {
        if (got[i] != expected[i]) {
            fail(std::string(name) + ": cache byte " + std::to_string(i) + " is " + std::to_string(got[i]) +
                 ", Java writes " + std::to_string(expected[i]));
            return;
        }
    }
    // Reading back element by element must give what the weight decoder of the same format gives for the row.
    float unit[hy::UNIT];
    for (int u = 0; u < blocks; u++) {
        hy::decode_unit<Decoder>(got.data(), u, unit);
        for (int j = 0; j < 32; j++) {
            const float v = KV::load(got.data(), 32 * u + j);
            if (memcmp(&v, &unit[j], 4) != 0) fail(std::string(name) + ": load() and the row decoder disagree");
        }
    }
}

static bool read_exact(FILE* f, void* p, size_t n) { return fread(p, 1, n, f) == n; }

int main(int argc, char** argv) {
    if (argc != 2) { fprintf(stderr, "usage: decode_check CASES_FILE\n"); return 2; }
    FILE* f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    int cases = 0;
    uint8_t nameLen;
    while (read_exact(f, &nameLen, 1)) {
        char name[256] = {0};
        int32_t op, n, nbytes;
        if (!read_exact(f, name, nameLen) || !read_exact(f, &op, 4) || !read_exact(f, &n, 4) || !read_exact(f, &nbytes, 4)) {
            fprintf(stderr, "truncated case header\n");
            return 2;
        }
        std::vector<uint8_t> bytes(nbytes);
        std::vector<float> values(n);
        if (!read_exact(f, bytes.data(), nbytes) || !read_exact(f, values.data(), 4L * n)) {
            fprintf(stderr, "truncated case %s\n", name);
            return 2;
        }
        bool known = false;
        if (op == 0) {
#define HY_CHECK_DECODE(fmt, B) \
    if (!strcmp(name, #fmt)) { check_decode<B>(name, bytes, values); known = true; }
            HY_FOR_EACH_WEIGHT_FORMAT(HY_CHECK_DECODE)
        } else if (op == 1) {
            if (!strcmp(name, "f32")) { check_store<hy::KvF32, hy::F32>(name, bytes, values); known = true; }
            if (!strcmp(name, "f16")) { check_store<hy::KvF16, hy::F16>(name, bytes, values); known = true; }
            if (!strcmp(name, "bf16")) { check_store<hy::KvBF16, hy::BF16>(name, bytes, values); known = true; }
            if (!strcmp(name, "q8_0")) { check_store<hy::KvQ8_0, hy::Q8_0>(name, bytes, values); known = true; }
        }
        if (!known) { fprintf(stderr, "unknown case: op %d format %s\n", op, name); return 2; }
        cases++;
    }
    fclose(f);
    if (failures) { fprintf(stderr, "%d mismatches in %d cases\n", failures, cases); return 1; }
    printf("ok %d\n", cases);
    return 0;
}
