#!/bin/sh
# Control-API benchmark: Kiln's REST and gRPC answer for one application against a bare Armeria
# server returning the same bytes, under 64 concurrent clients. See bench/README.md.
#
#   bench/api/run.sh [--duration=10s] [--warmup=10s] [--max-warmup=60s] [--concurrency=64] [--kiln-addr=HOST:PORT] ...
#
# Builds the distribution and the harness first (mvn -DskipTests package of dist and bench with
# the modules they need); set KILN_BENCH_SKIP_BUILD=1 to use what is already built.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"

if [ "${KILN_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "[bench] building dist and bench (mvn -DskipTests package) ..." >&2
    mvn -B -q -DskipTests package -pl dist,bench -am
fi

if [ -n "${JAVA_HOME:-}" ]; then
    JAVA=$JAVA_HOME/bin/java
else
    JAVA=java
fi

# The harness is small; keep its heap apart from the servers' options (--server-jvm-opts).
exec "$JAVA" -Xmx512m -jar bench/target/kiln-bench.jar --kiln-home="$root/dist/target/kiln" "$@"
