#!/bin/sh
# Kiln and nginx-rtmp measured at the same time: run.sh once per server, each with its own load
# generator and work folder, both started together, for a number of rounds. Whatever else the
# machine goes through meanwhile (other tenants of the host, clock changes) weighs on both alike,
# where run.sh measures them minutes apart. Prints each round's tables and, per level, the CPU
# ratio Kiln/nginx-rtmp of every round. See bench/README.md.
#
#   bench/rtmp-ingest/side-by-side.sh [--rounds=3] [run.sh options but --servers and --work]
#
# Both servers share the cores with each other and with both generators: compare the ratios,
# not the absolute figures, with those of run.sh.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$root"

say() { echo "[side-by-side] $*" >&2; }

rounds=3
for arg in "$@"; do
    case $arg in
        --rounds=*) rounds=${arg#--rounds=} ;;
        --servers=* | --work=*) say "$arg is set by this script"; exit 2 ;;
    esac
done

if [ "${KILN_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    say "building dist and bench (mvn -DskipTests package) ..."
    mvn -B -q -DskipTests package -pl dist,bench -am
fi
if [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]; then
    # run.sh installs nginx-rtmp (or says how); a one-stream run does that before the rounds.
    say "nginx-rtmp is missing: letting run.sh install it"
    KILN_BENCH_SKIP_BUILD=1 bench/rtmp-ingest/run.sh --servers=nginx --levels=1 --warmup=1s \
        --duration=1s >/dev/null
fi

# Everything but --rounds goes on to run.sh (rotated through "$@" to keep each word whole).
count=$#
while [ "$count" -gt 0 ]; do
    arg=$1
    shift
    case $arg in
        --rounds=*) ;;
        *) set -- "$@" "$arg" ;;
    esac
    count=$((count - 1))
done

work=${TMPDIR:-/tmp}/kiln-rtmp-side-by-side
mkdir -p "$work"
: > "$work/rows"
round=1
while [ "$round" -le "$rounds" ]; do
    say "round $round of $rounds (logs: $work/*-$round.log)"
    KILN_BENCH_SKIP_BUILD=1 bench/rtmp-ingest/run.sh --servers=kiln --work="$work/kiln" "$@" \
        > "$work/kiln-$round.txt" 2> "$work/kiln-$round.log" &
    kiln=$!
    KILN_BENCH_SKIP_BUILD=1 bench/rtmp-ingest/run.sh --servers=nginx --work="$work/nginx" "$@" \
        > "$work/nginx-$round.txt" 2> "$work/nginx-$round.log" &
    nginx=$!
    status=0
    wait "$kiln" || status=$?
    wait "$nginx" || status=$?
    if [ "$status" -ne 0 ]; then
        say "round $round failed ($status): see $work/kiln-$round.log and $work/nginx-$round.log"
        exit 1
    fi
    echo "#### round $round"
    echo
    grep -m1 '^| server ' "$work/kiln-$round.txt"
    grep -m1 '^| --- ' "$work/kiln-$round.txt"
    grep -h '^| kiln \|^| nginx-rtmp ' "$work/kiln-$round.txt" "$work/nginx-$round.txt"
    echo
    # Detail rows: | server | streams | idle CPU % | window s | CPU s | ...
    grep -h '^| kiln \|^| nginx-rtmp ' "$work/kiln-$round.txt" "$work/nginx-$round.txt" \
        | awk -F'|' -v r="$round" '{ gsub(/ /, "", $2); print r, $2, $3 + 0, $6 / ($3 * $5 / 60) }' \
        >> "$work/rows"
    round=$((round + 1))
done

echo "#### CPU s/stream-min, Kiln / nginx-rtmp, measured side by side"
echo
echo "| round | streams | Kiln | nginx-rtmp | ratio |"
echo "| ---: | ---: | ---: | ---: | ---: |"
awk '{ cpu[$1 " " $3 " " $2] = $4; key[$1 " " $3] = 1 }
     END { for (k in key) { split(k, p, " ");
             printf "| %d | %d | %.3f | %.3f | %.2fx |\n", p[1], p[2], cpu[k " kiln"],
                 cpu[k " nginx-rtmp"], cpu[k " kiln"] / cpu[k " nginx-rtmp"] } }' "$work/rows" \
    | sort -t'|' -k3,3n -k2,2n
