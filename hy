#!/usr/bin/env bash
# Runs hy from a source checkout: finds a JDK >= 25, builds the jars on first use (or when sources changed), runs.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
. "$root/scripts/lib/java.sh"
hy_find_java
jar="$root/cli/target/hy-cli.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/pom.xml "$root"/*/pom.xml "$root"/*/src/main "$root"/kernels-ptx/ptx -newer "$jar" -print -quit 2>/dev/null)" ]; then
  command -v mvn >/dev/null 2>&1 || { echo "hy: error: Maven (mvn) is needed to build hy from source; install Apache Maven 3.8+" >&2; exit 1; }
  echo "hy: building (first run or sources changed)..." >&2
  (cd "$root" && JAVA_HOME="$HY_JAVA_HOME" mvn -q -B -DskipTests package >&2) || { echo "hy: error: build failed; run 'mvn -DskipTests package' to see why" >&2; exit 1; }
fi
exec "$HY_JAVA_HOME/bin/java" "${HY_JVM_FLAGS[@]}" ${HY_JAVA_OPTS:-} -cp "$jar:$root/cli/target/lib/*" hy.cli.Hy "$@"
