#!/bin/sh
# Kiln and nginx-rtmp measured at the same time: a bench's run.sh once per server, each with its
# own load generator and work folder, both started together, for a number of rounds. Whatever
# else the machine goes through meanwhile (other tenants of the host, clock changes) weighs on
# both alike, where run.sh measures them minutes apart. Prints each round's tables and, per
# level, the CPU ratio Kiln/nginx-rtmp of every round. See bench/README.md.
#
#   bench/side-by-side.sh rtmp-ingest [--rounds=3] [run.sh options but --servers and --work]
#   bench/side-by-side.sh record      [--rounds=3] [run.sh options but --scenarios and --work]
#
# rtmp-ingest compares plain ingest with nginx-rtmp's; record compares ingest + record with
# nginx-rtmp's `record all`. Both servers share the cores with each other and with both
# generators: compare the ratios, not the absolute figures, with those of run.sh.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$root"

say() { echo "[side-by-side] $*" >&2; }

# Per bench: the run.sh option that picks the server, its default levels, the nginx row's name
# in its tables, and the fields (awk, split on '|') of a detail row that hold streams, window s
# and CPU s.
bench=${1:-}
case $bench in
    rtmp-ingest) pick=--servers; levels=50,100,200; other=nginx-rtmp; fields='3 5 6' ;;
    record) pick=--scenarios; levels=50,100; other=nginx-record; fields='3 4 5' ;;
    *) say "usage: bench/side-by-side.sh rtmp-ingest|record [--rounds=N] [run.sh options]"; exit 2 ;;
esac
shift

rounds=3
for arg in "$@"; do
    case $arg in
        --rounds=*) rounds=${arg#--rounds=} ;;
        --levels=*) levels=${arg#--levels=} ;;
        "$pick"=* | --work=*) say "$arg is set by this script"; exit 2 ;;
    esac
done

if [ "${KILN_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    say "building dist and bench (mvn -DskipTests package) ..."
    mvn -B -q -DskipTests package -pl dist,bench -am
fi
if [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]; then
    # rtmp-ingest's run.sh installs nginx-rtmp (or says how); a one-stream run does that first.
    say "nginx-rtmp is missing: letting bench/rtmp-ingest/run.sh install it"
    KILN_BENCH_SKIP_BUILD=1 bench/rtmp-ingest/run.sh --servers=nginx --levels=1 --warmup=1s \
        --duration=1s >/dev/null
fi

# Everything but --rounds and --levels goes on to run.sh (rotated through "$@" to keep each word
# whole). Each level is its own pair of run.sh, so that neither server's next level starts while
# the other is still measuring (Kiln takes longer to start than nginx).
count=$#
while [ "$count" -gt 0 ]; do
    arg=$1
    shift
    case $arg in
        --rounds=* | --levels=*) ;;
        *) set -- "$@" "$arg" ;;
    esac
    count=$((count - 1))
done

work=${TMPDIR:-/tmp}/kiln-$bench-side-by-side
mkdir -p "$work"
: > "$work/rows"
round=1
while [ "$round" -le "$rounds" ]; do
    echo "#### round $round"
    echo
    header=
    for level in $(echo "$levels" | tr ',' ' '); do
        run=$round-$level
        say "round $round of $rounds, $level streams (logs: $work/*-$run.log)"
        KILN_BENCH_SKIP_BUILD=1 "bench/$bench/run.sh" "$pick=kiln" --levels="$level" \
            --work="$work/kiln" "$@" > "$work/kiln-$run.txt" 2> "$work/kiln-$run.log" &
        kiln=$!
        KILN_BENCH_SKIP_BUILD=1 "bench/$bench/run.sh" "$pick=nginx" --levels="$level" \
            --work="$work/nginx" "$@" > "$work/nginx-$run.txt" 2> "$work/nginx-$run.log" &
        nginx=$!
        status=0
        wait "$kiln" || status=$?
        wait "$nginx" || status=$?
        if [ "$status" -ne 0 ]; then
            say "round $round, $level streams failed ($status): see $work/kiln-$run.log and $work/nginx-$run.log"
            exit 1
        fi
        if [ -z "$header" ]; then
            # The detail table: its header is the first table line naming a server or scenario.
            header=$(grep -m1 -A1 '^| server \|^| scenario ' "$work/kiln-$run.txt")
            echo "$header"
        fi
        grep -h "^| kiln \|^| $other " "$work/kiln-$run.txt" "$work/nginx-$run.txt" | tee "$work/rows-$run"
        awk -F'|' -v r="$round" -v f="$fields" '{
              split(f, i, " "); name = $2; gsub(/ /, "", name)
              print r, name, $(i[1]) + 0, $(i[3]) / ($(i[1]) * $(i[2]) / 60) }' "$work/rows-$run" \
            >> "$work/rows"
    done
    echo
    round=$((round + 1))
done

echo "#### CPU s/stream-min, Kiln / $other, measured side by side"
echo
echo "| round | streams | Kiln | $other | ratio |"
echo "| ---: | ---: | ---: | ---: | ---: |"
awk -v other="$other" '{ cpu[$1 " " $3 " " $2] = $4; key[$1 " " $3] = 1 }
     END { for (k in key) { split(k, p, " ");
             printf "| %d | %d | %.3f | %.3f | %.2fx |\n", p[1], p[2], cpu[k " kiln"],
                 cpu[k " " other], cpu[k " kiln"] / cpu[k " " other] } }' "$work/rows" \
    | sort -t'|' -k3,3n -k2,2n
