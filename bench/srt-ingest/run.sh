#!/bin/sh
# SRT ingest benchmark: Kiln's SRT listener and one srt-live-transmit listener per stream each take
# 50 bundled-ffmpeg callers looping one ~2.5 Mbit/s MPEG-TS at real-time pace, through a relay in
# the harness that drops 1 % of the callers' data packets; prints CPU seconds per stream-minute
# and the share of packets delivered, with the Kiln/srt-live-transmit ratio. See bench/README.md.
#
#   bench/srt-ingest/run.sh [--levels=50] [--duration=30s] [--warmup=15s] [--servers=kiln,slt] [--loss=0.01] ...
#
# Builds the distribution and the harness first (mvn -DskipTests package of dist and bench with
# the modules they need); set KILN_BENCH_SKIP_BUILD=1 to use what is already built. Runs from a
# snapshot of both, with Kiln's bundles kiln-{rtmp-protocol,mpegts,ingest-srt} only. srt-live-transmit comes
# from Debian (srt-tools): installed with apt-get when missing and running as root.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"

say() { echo "[bench] $*" >&2; }

case " $* " in
    *" --servers=kiln "*) ;;
    *)
        if ! command -v srt-live-transmit >/dev/null 2>&1; then
            if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
                say "installing srt-tools (apt-get)"
                DEBIAN_FRONTEND=noninteractive apt-get update -qq \
                    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                        srt-tools >/dev/null || { say "apt-get failed"; exit 1; }
            else
                say "srt-live-transmit is missing: run as root, or: sudo apt-get install -y srt-tools"
                say "(or measure Kiln alone with --servers=kiln)"
                exit 1
            fi
        fi
        ;;
esac

if [ "${KILN_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    say "building dist and bench (mvn -DskipTests package) ..."
    mvn -B -q -DskipTests package -pl dist,bench -am
fi

if [ -n "${JAVA_HOME:-}" ]; then
    JAVA=$JAVA_HOME/bin/java
else
    JAVA=java
fi

snap=$(mktemp -d "${TMPDIR:-/tmp}/kiln-srt-bench-snapshot.XXXXXX")
trap 'rm -rf "$snap"' EXIT
cp -r dist/target/kiln "$snap/kiln"
mkdir "$snap/bench"
cp -r bench/target/kiln-bench.jar bench/target/lib "$snap/bench/"

"$JAVA" -Xmx512m -cp "$snap/bench/kiln-bench.jar" dev.kiln.bench.srt.SrtIngestBench \
    --kiln-home="$snap/kiln" "$@"
