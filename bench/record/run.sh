#!/bin/sh
# Ingest + record benchmark: N RTMP publishers (the load generator of bench/rtmp-ingest, one FLV
# replayed at real-time pace) recorded by Kiln (:startRecord, MPEG-TS), by nginx-rtmp
# (record all) and by one `ffmpeg -c copy` process per stream pulling from nginx-rtmp; prints CPU
# seconds per stream-minute, the Kiln/nginx and Kiln/ffmpeg ratios and RSS per stream.
# See bench/README.md, section "record".
#
#   bench/record/run.sh [--levels=50,100] [--duration=30s] [--warmup=60s] [--scenarios=kiln,nginx,ffmpeg] ...
#
# Builds the distribution and the harness first (mvn -DskipTests package of dist and bench with
# the modules they need); set KILN_BENCH_SKIP_BUILD=1 to use what is already built. nginx and its
# RTMP module come from Debian (nginx, libnginx-mod-rtmp); bench/rtmp-ingest/run.sh installs
# them when run as root. ffmpeg is the one bundled with Kiln's FFmpeg artifact (needs libpulse0).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"

case " $* " in
    *" --scenarios=kiln "*) ;;
    *)
        if [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]; then
            echo "[bench] nginx-rtmp is missing: sudo apt-get install -y nginx libnginx-mod-rtmp" >&2
            echo "[bench] (or measure Kiln alone with --scenarios=kiln)" >&2
            exit 1
        fi
        ;;
esac

if [ "${KILN_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "[bench] building dist and bench (mvn -DskipTests package) ..." >&2
    mvn -B -q -DskipTests package -pl dist,bench -am
fi

if [ -n "${JAVA_HOME:-}" ]; then
    JAVA=$JAVA_HOME/bin/java
else
    JAVA=java
fi

# Run from a snapshot of the distribution and the harness, so that a rebuild in the checkout
# during the run (other work on the machine) changes nothing under the running processes.
snap=$(mktemp -d "${TMPDIR:-/tmp}/kiln-record-bench-snapshot.XXXXXX")
trap 'rm -rf "$snap"' EXIT
cp -r dist/target/kiln "$snap/kiln"
# Record what comes in, as nginx-rtmp and ffmpeg -c copy do: without the codec bundle, whose
# default output profile adds an Opus rendition (an AAC decode + Opus encode per stream).
# KILN_BENCH_WITH_CODEC=1 keeps it.
if [ "${KILN_BENCH_WITH_CODEC:-0}" != 1 ]; then
    rm -f "$snap"/kiln/plugins/kiln-codec-*.jar
fi
# Nor the LL-HLS publisher: it packages every stream for viewers (and keeps its segment window,
# ~19 MB per 2.5 Mbit/s stream with the default 10 x 6 s, in the heap), which neither nginx's
# record nor ffmpeg does. KILN_BENCH_WITH_LLHLS=1 keeps it.
if [ "${KILN_BENCH_WITH_LLHLS:-0}" != 1 ]; then
    rm -f "$snap"/kiln/plugins/kiln-publisher-llhls-*.jar
fi
mkdir "$snap/bench"
cp -r bench/target/kiln-bench.jar bench/target/lib "$snap/bench/"

"$JAVA" -Xmx512m -cp "$snap/bench/kiln-bench.jar" dev.kiln.bench.record.RecordBench \
    --kiln-home="$snap/kiln" "$@"
