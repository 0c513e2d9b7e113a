#!/usr/bin/env bash
# Starts a throw-away redis-server on a free loopback port, counts Redis commands per decision
# (RedisRoundTrips), runs RedisRateLimiterBenchmark against it under the shared JMH lock, and stops
# the server. Extra arguments go to JMH, e.g.: benchmarks/redis-bench.sh -rf json -rff /tmp/redis-bench.json
set -euo pipefail
cd "$(dirname "$0")/.."

command -v redis-server >/dev/null || { echo "redis-server is missing: sudo apt-get install redis-server" >&2; exit 1; }

port=""
for _ in $(seq 50); do
	candidate=$((20000 + RANDOM % 40000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
		port=$candidate
		break
	fi
done
[ -n "$port" ] || { echo "no free port found" >&2; exit 1; }

redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	redis-cli -p "$port" ping >/dev/null 2>&1 && break
	sleep 0.1
done
redis-cli -p "$port" ping >/dev/null

./mvnw -B -q -pl benchmarks -am package -DskipTests

echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on port $port"
java -cp benchmarks/target/benchmarks.jar io.gopherflux.benchmarks.RedisRoundTrips "$port"
flock /tmp/gopherflux-jmh.lock java -jar benchmarks/target/benchmarks.jar 'RedisRateLimiterBenchmark' -p port="$port" \
	-f 1 -wi 3 -w 1s -i 5 -r 1s "$@"
