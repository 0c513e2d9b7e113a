#!/usr/bin/env bash
# Hostile clients against the server, on the loopback interface only (HostileBench.java): slowloris
# and silent connections beside polite clients, key and address spraying beside clients of other
# networks, and a primes hog beside a small request. Bounded: about a minute after the build.
# Runs under flock /tmp/gopherflux-bench.lock, so that no other benchmark shares the machine with it.
#   netty-server/bench/hostile-bench.sh
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
if [ -z "${HOSTILE_BENCH_LOCKED:-}" ]; then
	exec env HOSTILE_BENCH_LOCKED=1 flock /tmp/gopherflux-bench.lock "$self" "$@"
fi
cd "$(dirname "$self")/../.."

./mvnw -B -q -pl netty-server -am package dependency:build-classpath -DskipTests \
	-Dmdep.outputFile="$PWD/netty-server/target/bench-classpath.txt"
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

port=$(free_port)
key="bench-$RANDOM$RANDOM"
# Default timeouts (header-read 10 s, idle 60 s, 256 connections per address); a small client table,
# so that address spraying fills it; one known key on a roomy plan for the polite clients of phase 1.
java -Xms512m -Xmx512m -cp "$cp" io.gopherflux.server.GopherfluxServer --host=127.0.0.1 --port="$port" \
	--max-clients=200 --plan.bench=per-second:100000/1s,per-minute:10000000/1m --plan.bench.max-streams=1000 \
	--plan.bench.stream-rate=unlimited \
	--api-keys="$key:bench" >/tmp/gopherflux-hostile-server.log 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/health"

echo "hostile-bench: $(nproc) cores, server on 127.0.0.1:$port, commit $(git rev-parse --short HEAD)"
timeout 180 java netty-server/bench/HostileBench.java "$port" "$key" 10000
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^gopherflux_server_(refused|closed|limiter|open)' || true
echo "server log: $(wc -l < /tmp/gopherflux-hostile-server.log) lines, $(grep -c WARN /tmp/gopherflux-hostile-server.log || true) WARN"
