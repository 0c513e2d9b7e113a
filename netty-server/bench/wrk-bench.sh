#!/usr/bin/env bash
# Load test of /streams/integers (NDJSON) with wrk: the gopherflux server (in-memory limiter on with
# limits set high, Prometheus and Reactor Netty metrics on) and, in the same run, a plain Reactor
# Netty handler sending one chunk per element (PlainReactorNetty.java). After a 15 s JIT warm-up of
# each server and count, each round runs both servers at count=10 and count=1000; the figures to
# quote are the medians over rounds.
#   netty-server/bench/wrk-bench.sh [rounds] [seconds per run] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
seconds=${2:-10}
connections=${3:-50}

command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install wrk" >&2; exit 1; }

./mvnw -B -q -pl netty-server -am install -DskipTests
./mvnw -B -q -pl netty-server dependency:build-classpath -Dmdep.outputFile="$PWD/netty-server/target/bench-classpath.txt"
cp="netty-server/target/classes:$(cat netty-server/target/bench-classpath.txt)"

free_port() {
	for _ in $(seq 50); do
		local candidate=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
			echo "$candidate"
			return
		fi
	done
	echo "no free port found" >&2
	exit 1
}

wait_for() {
	for _ in $(seq 100); do
		curl -sf -o /dev/null "$1" && return
		sleep 0.1
	done
	echo "server at $1 did not start" >&2
	exit 1
}

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

gf_port=$(free_port)
java -Xms512m -Xmx512m -cp "$cp" io.gopherflux.server.GopherfluxServer --host=127.0.0.1 --port="$gf_port" \
	--plan.free=per-second:100000000/1s,per-minute:100000000/1m \
	--plan.free.stream-rate=1000000000 --plan.free.max-streams=100000 >/tmp/gopherflux-bench-server.log 2>&1 &
pids+=($!)
plain_port=$(free_port)
java -Xms512m -Xmx512m -cp "$cp" netty-server/bench/PlainReactorNetty.java "$plain_port" >/tmp/gopherflux-bench-plain.log 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$gf_port/streams/integers?count=1"
wait_for "http://127.0.0.1:$plain_port/streams/integers?count=1"

run() {
	wrk -t1 -c"$connections" -d"$2"s "$1" | awk '/Requests\/sec/ {printf "%.0f", $2}'
}

echo "wrk -t1 -c$connections -d${seconds}s, NDJSON, $(nproc) cores; requests/s"
for count in 10 1000; do
	run "http://127.0.0.1:$gf_port/streams/integers?count=$count&format=ndjson" 15 >/dev/null
	run "http://127.0.0.1:$plain_port/streams/integers?count=$count" 15 >/dev/null
done
for round in $(seq "$rounds"); do
	for count in 10 1000; do
		gf=$(run "http://127.0.0.1:$gf_port/streams/integers?count=$count&format=ndjson" "$seconds")
		plain=$(run "http://127.0.0.1:$plain_port/streams/integers?count=$count" "$seconds")
		echo "round $round count=$count gopherflux $gf plain-reactor-netty $plain"
	done
done
curl -s "http://127.0.0.1:$gf_port/metrics" | grep -E '^(reactor_netty_http_server_data_sent_bytes_count|gopherflux_ratelimit_permits_total)' | head -4
