#!/usr/bin/env bash
# p99 latency of a 10-element request at half of the measured peak, for the gopherflux server
# (limiter and metrics on, limits far above the load) and the Go peer, on loopback.
# For each server: warm up with wrk, measure its peak with wrk (the median of --peak-rounds runs of
# wrk -t1 -c64 -d6s), then offer 50% of that peak with OpenLoad.java, an open-loop generator that
# measures each request from the time it was due (wrk cannot hold a fixed rate; wrk2 is not packaged).
# The servers take turns: gopherflux, Go, gopherflux, Go... for --rounds rounds.
#
#   netty-server/bench/latency.sh [--count=10] [--fraction=0.5] [--seconds=20] [--rounds=2]
#       [--peak-rounds=3] [--connections=64] [--cpus=LIST] [--no-go] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
. netty-server/bench/lib.sh

count=10
fraction=0.5
seconds=20
rounds=2
peak_rounds=3
connections=64
cpus=
with_go=true
build=true
for arg in "$@"; do
	case "$arg" in
		--count=*) count=${arg#*=} ;;
		--fraction=*) fraction=${arg#*=} ;;
		--seconds=*) seconds=${arg#*=} ;;
		--rounds=*) rounds=${arg#*=} ;;
		--peak-rounds=*) peak_rounds=${arg#*=} ;;
		--connections=*) connections=${arg#*=} ;;
		--cpus=*) cpus=${arg#*=} ;;
		--no-go) with_go=false ;;
		--no-build) build=false ;;
		--help|-h) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument '$arg' (see --help)" >&2; exit 2 ;;
	esac
done
for n in "$count" "$seconds" "$rounds" "$peak_rounds" "$connections"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "count, seconds, rounds, peak-rounds and connections are whole numbers" >&2; exit 2; }
done
[ "$seconds" -le 300 ] && [ "$rounds" -le 10 ] && [ "$peak_rounds" -le 10 ] || { echo "seconds ≤ 300, rounds and peak-rounds ≤ 10" >&2; exit 2; }
awk -v f="$fraction" 'BEGIN { exit !(f > 0 && f <= 1) }' || { echo "--fraction must be in (0, 1]" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/gopherflux-latency.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_classpath "$build"
go_peer=
$with_go && bench_go_peer
pin=()
[ -n "$cpus" ] && pin=(taskset -c "$cpus")

labels=(gopherflux)
gf_port=$(free_port)
"${pin[@]}" java -Xms512m -Xmx512m -cp "$cp" io.gopherflux.server.GopherfluxServer "${GF_BENCH_FLAGS[@]}" \
	--port="$gf_port" >"$work/gopherflux.log" 2>&1 &
pids+=($!)
gf_pid=$!
urls=("http://127.0.0.1:$gf_port/streams/integers?format=ndjson&count=$count")
if [ -n "$go_peer" ]; then
	go_port=$(free_port)
	"${pin[@]}" "$go_peer" -addr "127.0.0.1:$go_port" >"$work/go.log" 2>&1 &
	pids+=($!)
	labels+=(go)
	urls+=("http://127.0.0.1:$go_port/streams/integers?count=$count")
	wait_up "${urls[1]}" "$!" "$work/go.log"
fi
wait_up "${urls[0]}" "$gf_pid" "$work/gopherflux.log"
# The generator compiles once here, outside the measurement.
javac -d "$work/classes" -cp "$cp" netty-server/bench/OpenLoad.java

bench_lock
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk_rps() {
	wrk -t1 -c"$connections" -d"$2"s "$1" | awk '/^Requests\/sec/ { printf "%.0f", $2 }'
}
echo "warming up (30 s each)..."
for url in "${urls[@]}"; do
	wrk_rps "$url" 30 >/dev/null
done
for round in $(seq "$rounds"); do
	for i in "${!labels[@]}"; do
		peaks=()
		for _ in $(seq "$peak_rounds"); do
			peaks+=("$(wrk_rps "${urls[$i]}" 6)")
		done
		peak=$(printf '%s\n' "${peaks[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		rate=$(awk -v p="$peak" -v f="$fraction" 'BEGIN { printf "%.0f", p * f }')
		echo
		echo "round $round ${labels[$i]}: peak ${peaks[*]} req/s (wrk -t1 -c$connections -d6s; median $peak), load $(cut -d' ' -f1 /proc/loadavg)"
		echo "  open loop at $rate req/s ($fraction of the peak), $connections connections, ${seconds}s after 10 s at half that rate:"
		timeout $((seconds + 150)) java -Xms256m -Xmx256m -cp "$work/classes:$cp" OpenLoad "${urls[$i]}" "$rate" "$seconds" \
			"$connections" 10 | sed 's/^/    /'
	done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
