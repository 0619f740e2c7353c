#!/bin/sh
# LL-HLS viewer load: 500 and 2000 concurrent viewers of one ~3 Mbit/s live stream, each doing
# what an LL-HLS player does (blocking playlist reloads with _HLS_msn/_HLS_part, then every new
# part) against Kiln's LL-HLS publisher, and in the same run what a plain HLS player does
# (playlist polling, every new segment) against nginx serving ffmpeg's fMP4 HLS files of the
# same kind of stream. Prints server CPU, the p50/p99 delivery delay of the media (advertised in
# a playlist -> last byte at the viewer) and the bytes out. See bench/README.md, section "llhls".
#
#   bench/llhls/run.sh [--levels=500,2000] [--duration=30s] [--warmup=10s] [--servers=kiln,nginx] ...
#
# Builds the distribution and the harness first (mvn -DskipTests package of dist and bench with
# the modules they need); set KILN_BENCH_SKIP_BUILD=1 to use what is already built. Runs from a
# snapshot of both. Kiln runs its RTMP and LL-HLS bundles only (no codec bundle: the stream is
# the input's H.264 + AAC, as in the files nginx serves). nginx comes from Debian (nginx-light or
# nginx): installed with apt-get when missing and running as root, without starting the
# system's nginx service. ffmpeg is the one bundled with Kiln's FFmpeg artifact (needs libpulse0).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"

say() { echo "[bench] $*" >&2; }

if [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing nginx-light (apt-get)"
        # Keep the package scripts from starting nginx as a service: the benchmark starts its
        # own on loopback. Only a policy file made here is removed again.
        made_policy=
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            made_policy=1
        fi
        status=0
        DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                nginx-light >/dev/null || status=$?
        [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
        [ "$status" -eq 0 ] || { say "apt-get failed ($status)"; exit 1; }
    else
        say "nginx is missing: run as root, or: sudo apt-get install -y nginx-light"
        exit 1
    fi
fi

if [ "${KILN_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    say "building dist and bench (mvn -DskipTests package) ..."
    mvn -B -q -DskipTests package -pl dist,bench -am
fi

if [ -n "${JAVA_HOME:-}" ]; then
    JAVA=$JAVA_HOME/bin/java
else
    JAVA=java
fi

# 2000 viewers are 2000 connections on each side, plus the files nginx opens.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# Run from a snapshot of the distribution and the harness, so that a rebuild in the checkout
# during the run changes nothing under the running processes.
snap=$(mktemp -d "${TMPDIR:-/tmp}/kiln-llhls-bench-snapshot.XXXXXX")
trap 'rm -rf "$snap"' EXIT
cp -r dist/target/kiln "$snap/kiln"
mkdir "$snap/bench"
cp -r bench/target/kiln-bench.jar bench/target/lib "$snap/bench/"

"$JAVA" -Xmx1g -cp "$snap/bench/kiln-bench.jar" dev.kiln.bench.llhls.LlhlsBench \
    --kiln-home="$snap/kiln" "$@"
