# Sourced by ./hy, scripts/test and scripts/bundle: finds a JDK >= 25 without the user exporting JAVA_HOME.
# Sets HY_JAVA_HOME. Order: $JAVA_HOME, `java` on PATH, then the usual install folders; the newest JDK >= 25 wins.
hy_java_major() { # $1 = a JDK home; prints its major version or nothing
  local rel="$1/release" v=""
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel" | head -n1)
  elif [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  echo "$v"
}

hy_find_java() {
  local min=25 best="" bestv=0 c v
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] || continue
    v=$(hy_java_major "$c")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$min" ] && [ "$v" -gt "$bestv" ]; then best="$c"; bestv="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "hy: error: no JDK 25 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin 25 from https://adoptium.net" >&2
    return 1
  fi
  HY_JAVA_HOME="$best"
}

# JVM flags every hy process needs: the Vector API module, JCuda's native access, no bounds checks in vector loads.
HY_JVM_FLAGS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 --sun-misc-unsafe-memory-access=allow -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 -XX:+UseParallelGC -Xss4m)
