#!/bin/sh
# RTMP push fan-out benchmark: one ~2.5 Mbit/s input sent on to 1, 10 and 50 RTMP targets on a
# receiving nginx-rtmp, by Kiln (:startPush) and, in the same run, by one `ffmpeg -c copy` relay
# process per target pulling from an origin nginx-rtmp; prints CPU per push with the
# Kiln/ffmpeg ratios and the latency of the push path (publisher to a player of the first
# target) at p50/p99. See bench/README.md, section "push".
#
#   bench/push/run.sh [--levels=1,10,50] [--duration=20s] [--warmup=10s] [--setups=kiln,ffmpeg] ...
#
# Builds the distribution and the harness first (mvn -DskipTests package of dist and bench with
# the modules they need); set KILN_BENCH_SKIP_BUILD=1 to use what is already built. Runs from a
# snapshot of both; Kiln runs its RTMP and push bundles only (no codec bundle, so the pushed
# stream is the input's H.264 + AAC, as with ffmpeg -c copy). nginx and its RTMP module come from
# Debian (nginx, libnginx-mod-rtmp): installed with apt-get when missing and running as root,
# without starting the system's nginx service. ffmpeg is the one bundled with Kiln's FFmpeg
# artifact (needs libpulse0).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"

say() { echo "[bench] $*" >&2; }

nginx_ready() {
    [ -x /usr/sbin/nginx ] && [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]
}

if ! nginx_ready; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing nginx and libnginx-mod-rtmp (apt-get)"
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
                nginx libnginx-mod-rtmp >/dev/null || status=$?
        [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
        [ "$status" -eq 0 ] || { say "apt-get failed ($status)"; exit 1; }
    else
        say "nginx-rtmp is missing: run as root, or: sudo apt-get install -y nginx libnginx-mod-rtmp"
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

# Run from a snapshot of the distribution and the harness, so that a rebuild in the checkout
# during the run changes nothing under the running processes. Which bundles Kiln runs is the
# harness's --kiln-plugins (default: RTMP protocol, RTMP ingest and push).
snap=$(mktemp -d "${TMPDIR:-/tmp}/kiln-push-bench-snapshot.XXXXXX")
trap 'rm -rf "$snap"' EXIT
cp -r dist/target/kiln "$snap/kiln"
mkdir "$snap/bench"
cp -r bench/target/kiln-bench.jar bench/target/lib "$snap/bench/"

"$JAVA" -Xmx512m -cp "$snap/bench/kiln-bench.jar" dev.kiln.bench.push.PushBench \
    --kiln-home="$snap/kiln" "$@"
