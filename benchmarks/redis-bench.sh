#!/usr/bin/env bash
# Starts a throw-away redis-server on a free loopback port, counts Redis commands per decision
# (RedisRoundTrips), runs RedisRateLimiterBenchmark against it under the shared JMH lock, and stops
# the server. Extra arguments go to JMH, e.g.: benchmarks/redis-bench.sh -rf json -rff /tmp/redis-bench.json
#
# With --cluster (first argument) it starts a throw-away Redis Cluster instead: six redis-servers
# (three masters, one replica each, as core's RedisCluster test harness) joined by
# redis-cli --cluster create, and runs the cluster benchmarks: 2 callers on one key and on keys
# spread over the three masters, gopherflux against Bucket4j's Lettuce backend on a RedisClusterClient.
set -euo pipefail
cd "$(dirname "$0")/.."

cluster=false
if [ "${1:-}" = "--cluster" ]; then
	cluster=true
	shift
fi

command -v redis-server >/dev/null || { echo "redis-server is missing: sudo apt-get install redis-server" >&2; exit 1; }
command -v redis-cli >/dev/null || { echo "redis-cli is missing: sudo apt-get install redis-tools" >&2; exit 1; }

used_ports=" "
# Sets $port to a loopback port nobody listens on and this script has not handed out yet.
free_port() {
	for _ in $(seq 100); do
		candidate=$((20000 + RANDOM % 40000))
		case "$used_ports" in *" $candidate "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
			used_ports="$used_ports$candidate "
			port=$candidate
			return
		fi
	done
	echo "no free port found" >&2
	exit 1
}

pids=()
dirs=()
stop_all() {
	for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	for dir in "${dirs[@]}"; do rm -rf "$dir"; done
}
trap stop_all EXIT

# Waits up to 30 s for the server on port $1 to answer; $2, if given, is its log, shown if it never does.
await_ping() {
	for _ in $(seq 300); do
		redis-cli -p "$1" ping >/dev/null 2>&1 && return
		sleep 0.1
	done
	echo "redis-server on port $1 did not answer within 30 s" >&2
	[ -n "${2:-}" ] && tail -20 "$2" >&2
	exit 1
}

if ! $cluster; then
	free_port
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning &
	pids+=($!)
	await_ping "$port"
else
	ports=()
	for _ in 1 2 3 4 5 6; do
		free_port
		bus=$port
		free_port
		dir=$(mktemp -d -t gopherflux-redis-bench-XXXXXX)
		dirs+=("$dir")
		# As the test harness: no persistence, failures seen after 1.5 s, full syncs without waiting.
		redis-server --port "$port" --cluster-port "$bus" --bind 127.0.0.1 --cluster-enabled yes \
			--cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 1500 --cluster-replica-validity-factor 0 \
			--dir "$dir" --save '' --appendonly no --repl-diskless-sync yes --repl-diskless-sync-delay 0 \
			--logfile "$dir/redis.log" &
		pids+=($!)
		ports+=("$port")
	done
	for i in "${!ports[@]}"; do await_ping "${ports[$i]}" "${dirs[$i]}/redis.log"; done
	nodes=()
	for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
	redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
	settled=false
	for _ in $(seq 600); do
		settled=true
		for port in "${ports[@]}"; do
			info=$(redis-cli -p "$port" cluster info 2>/dev/null || true)
			repl=$(redis-cli -p "$port" info replication 2>/dev/null || true)
			if ! grep -q 'cluster_state:ok' <<<"$info" || ! grep -q 'cluster_slots_ok:16384' <<<"$info" \
				|| ! grep -q 'cluster_known_nodes:6' <<<"$info" \
				|| { grep -q 'role:slave' <<<"$repl" && ! grep -q 'master_link_status:up' <<<"$repl"; }; then
				settled=false
				break
			fi
		done
		$settled && break
		sleep 0.1
	done
	$settled || { echo "the cluster did not settle within 60 s" >&2; exit 1; }
	seeds=$(IFS=,; echo "${nodes[*]}")
fi

./mvnw -B -q -pl benchmarks -am package -DskipTests

version=$(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')
if ! $cluster; then
	echo "redis-server $version on port $port"
	java -cp benchmarks/target/benchmarks.jar io.gopherflux.benchmarks.RedisRoundTrips "$port"
	flock /tmp/gopherflux-jmh.lock java -jar benchmarks/target/benchmarks.jar 'RedisRateLimiterBenchmark' -p port="$port" \
		-f 1 -wi 3 -w 1s -i 5 -r 1s "$@"
else
	echo "Redis Cluster (redis-server $version): 3 masters + 3 replicas at $seeds"
	redis-cli -p "${ports[0]}" cluster nodes | awk '{print "  " $2 " " $3 " " $9}' | sed 's/@[0-9]*//'
	java -cp benchmarks/target/benchmarks.jar io.gopherflux.benchmarks.RedisRoundTrips --cluster "$seeds"
	flock /tmp/gopherflux-jmh.lock java -jar benchmarks/target/benchmarks.jar \
		'RedisRateLimiterBenchmark\.(gopherfluxReserve2|gopherfluxManyKeys2|bucket4jTryConsume2|bucket4jManyKeys2)$' \
		-p seed="${nodes[0]}" -f 1 -wi 3 -w 1s -i 5 -r 1s "$@"
fi
