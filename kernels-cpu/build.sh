#!/usr/bin/env bash
# Builds libhycpu.so (hy's native CPU kernels) into OUT/hy/native/linux-x86_64/, with the system's C compiler
# (CC, else cc or gcc). Never fails the build: where the library cannot be built (no compiler, not Linux x86-64, a
# compiler without the intrinsics), it writes OUT/hy/native/linux-x86_64/NOT-BUILT with the reason, and hy runs its
# Java kernels and says why at startup.
#   kernels-cpu/build.sh OUT
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1/hy/native/linux-x86_64"
src="$here/src/main/c"
mkdir -p "$out"
rm -f "$out/libhycpu.so" "$out/NOT-BUILT"
not_built() { echo "$1" > "$out/NOT-BUILT"; echo "kernels-cpu: native library not built: $1" >&2; exit 0; }

[ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] || not_built "$(uname -s) $(uname -m) is not Linux x86-64"
cc="${CC:-}"
if [ -z "$cc" ]; then
  for c in cc gcc clang; do command -v "$c" >/dev/null 2>&1 && { cc="$c"; break; }; done
fi
[ -n "$cc" ] || not_built "no C compiler (install gcc, or set CC)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
flags=(-O3 -fPIC -std=c11 -Wall -Wextra -fno-strict-aliasing -ffp-contract=off) # no fused multiply-adds but the written ones: quantize.c must round as Java does
base=(-mavx2 -mfma -mf16c)
compile() { # object, extra flags...
  local o="$1"; shift
  "$cc" "${flags[@]}" "$@" -c -o "$tmp/$o" 2> "$tmp/err" || not_built "$cc failed: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
}
compile features.o "$src/features.c"
for part in products interleaved quantize; do
  compile "$part-avx2.o" "${base[@]}" "$src/$part.c"
  compile "$part-avxvnni.o" "${base[@]}" -mavxvnni -DHY_ISA_AVXVNNI "$src/$part.c"
  compile "$part-avx512vnni.o" "${base[@]}" -mavx512f -mavx512bw -mavx512vl -mavx512vnni -DHY_ISA_AVX512VNNI "$src/$part.c"
done
"$cc" -shared -o "$tmp/libhycpu.so" "$tmp"/*.o 2> "$tmp/err" || not_built "$cc could not link: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
mv "$tmp/libhycpu.so" "$out/libhycpu.so"
echo "kernels-cpu: built $out/libhycpu.so with $cc" >&2
