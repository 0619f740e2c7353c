#!/bin/sh
# Transcoding benchmark: a 1080p30 source (made once with lavfi, published in real time over RTMP)
# through an ABR ladder (720p/480p/360p x264 veryfast + AAC) by Kiln's codec bundle vs the bundled
# ffmpeg doing the same ladder in one process (-filter_complex split + three libx264 encodes), in
# the same run; then how many 720p30 -> 360p streams Kiln keeps up with in real time.
# See bench/README.md, section "transcode".
#
#   bench/transcode/run.sh [--warmup=20s] [--duration=40s] [--preset=veryfast] [--levels=1,2,3,4,6] [--cases=ladder,realtime]
#
# Builds the distribution and the harness first (mvn -DskipTests package of dist and bench with
# the modules they need); set KILN_BENCH_SKIP_BUILD=1 to use what is already built. ffmpeg is the
# one bundled with Kiln's FFmpeg artifact (needs libpulse0).
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

# Run from a snapshot of the distribution and the harness, so that a rebuild in the checkout
# during the run changes nothing under the running processes.
snap=$(mktemp -d "${TMPDIR:-/tmp}/kiln-transcode-bench-snapshot.XXXXXX")
trap 'rm -rf "$snap"' EXIT
cp -r dist/target/kiln "$snap/kiln"
mkdir "$snap/bench"
cp -r bench/target/kiln-bench.jar bench/target/lib "$snap/bench/"

"$JAVA" -Xmx512m -cp "$snap/bench/kiln-bench.jar" dev.kiln.bench.transcode.TranscodeBench \
    --kiln-home="$snap/kiln" "$@"
