#!/bin/sh
# RTMP ingest benchmark: Kiln and nginx-rtmp each take 50, 100 and 200 publishers replaying one
# ~2.5 Mbit/s FLV at real-time pace; prints CPU seconds per stream-minute and RSS per stream with
# the Kiln/nginx ratios. See bench/README.md.
#
#   bench/rtmp-ingest/run.sh [--levels=50,100,200] [--duration=30s] [--warmup=60s] [--servers=kiln,nginx] ...
#
# Builds the distribution and the harness first (mvn -DskipTests package of dist and bench with
# the modules they need); set KILN_BENCH_SKIP_BUILD=1 to use what is already built. Runs from a
# snapshot of both, with Kiln's RTMP bundle alone. nginx and its
# RTMP module come from Debian (nginx, libnginx-mod-rtmp): installed with apt-get when missing and
# running as root, without starting the system's nginx service.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"

say() { echo "[bench] $*" >&2; }

nginx_ready() {
    [ -x /usr/sbin/nginx ] && [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]
}

case " $* " in
    *" --servers=kiln "*) ;;
    *)
        if ! nginx_ready; then
            if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
                say "installing nginx and libnginx-mod-rtmp (apt-get)"
                # Keep the package scripts from starting nginx as a service: the benchmark starts
                # its own on loopback. Only a policy file made here is removed again.
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

# Run from a snapshot of the distribution and the harness, so that a rebuild in the checkout
# during the run changes nothing under the running processes. Kiln runs its RTMP bundle alone
# (--kiln-plugins): no codec bundle, whose default output profile would add an Opus encode.
snap=$(mktemp -d "${TMPDIR:-/tmp}/kiln-rtmp-bench-snapshot.XXXXXX")
trap 'rm -rf "$snap"' EXIT
cp -r dist/target/kiln "$snap/kiln"
mkdir "$snap/bench"
cp -r bench/target/kiln-bench.jar bench/target/lib "$snap/bench/"

"$JAVA" -Xmx512m -cp "$snap/bench/kiln-bench.jar" dev.kiln.bench.rtmp.RtmpIngestBench \
    --kiln-home="$snap/kiln" "$@"
