#!/usr/bin/env bash
# How many idle SSE streams the gopherflux server holds in a 256 MB heap (-Xmx256m), on loopback.
# IdleStreams.java opens SSE streams of --path (by default the heartbeat endpoint at its longest
# interval: a pulse a minute, a value every two, keep-alive comments between) from several source
# addresses until --target are open or the server refuses more; then the server's heap is measured
# after a full GC (jcmd) and compared with the same measure before the ramp, and the streams are held
# for --hold seconds to see that they stay open and the server still answers.
#
# Limits: each process may have at most `ulimit -n` open files (here the hard limit cannot be raised),
# so the target is capped below it for the server and the client alike; the client uses source
# addresses 127.0.0.1 to 127.0.0.8, each with its own range of ephemeral ports.
#
#   netty-server/bench/idle-streams.sh [--target=15000] [--hold=30] [--heap=256m]
#       [--path='/streams/heartbeat?interval=1m&count=100000&format=sse'] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
. netty-server/bench/lib.sh

target=15000
hold=30
heap=256m
path='/streams/heartbeat?interval=1m&count=100000&format=sse'
build=true
for arg in "$@"; do
	case "$arg" in
		--target=*) target=${arg#*=} ;;
		--hold=*) hold=${arg#*=} ;;
		--heap=*) heap=${arg#*=} ;;
		--path=*) path=${arg#*=} ;;
		--no-build) build=false ;;
		--help|-h) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument '$arg' (see --help)" >&2; exit 2 ;;
	esac
done
[[ $target =~ ^[0-9]+$ && $hold =~ ^[0-9]+$ ]] || { echo "--target and --hold are whole numbers" >&2; exit 2; }
[ "$hold" -le 600 ] || { echo "--hold must be at most 600 seconds" >&2; exit 2; }
[[ $heap =~ ^[0-9]+[mMgG]$ ]] || { echo "--heap is a JVM size such as 256m" >&2; exit 2; }
fd_limit=$(ulimit -n)
if [ "$fd_limit" != unlimited ] && [ "$target" -gt $((fd_limit - 300)) ]; then
	echo "note: open files are limited to $fd_limit per process (ulimit -n); target lowered from $target to $((fd_limit - 300))"
	target=$((fd_limit - 300))
fi

work=$(mktemp -d /tmp/gopherflux-idle.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_classpath "$build"
javac -d "$work/classes" -cp "$cp" netty-server/bench/IdleStreams.java
port=$(free_port)
# A capacity measure, not an attack: the cap of 256 connections per address would stop the ramp at
# 8 x 256 streams (and then refuse the /health check too).
java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -cp "$cp" io.gopherflux.server.GopherfluxServer "${GF_BENCH_FLAGS[@]}" \
	--max-connections-per-address=1000000 --port="$port" >"$work/server.log" 2>&1 &
server=$!
pids+=("$server")
wait_up "http://127.0.0.1:$port/health" "$server" "$work/server.log"

bench_lock
heap_used_kb() { # heap in use after a full GC, in KB
	jcmd "$server" GC.run >/dev/null
	jcmd "$server" GC.heap_info | awk '/garbage-first heap|total/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v; exit } }'
}
rss_kb() {
	awk '/^VmRSS/ { print $2 }' "/proc/$server/status"
}
echo "server -Xmx$heap on port $port; streams of $path; target $target; load average $(cut -d' ' -f1-3 /proc/loadavg)"
base=$(heap_used_kb)
base_rss=$(rss_kb)
echo "before: heap used after full GC ${base} KB, RSS ${base_rss} KB"

java -Xmx512m -cp "$work/classes:$cp" IdleStreams "$port" "$target" "$path" "$hold" >"$work/client.log" 2>&1 &
client=$!
pids+=("$client")
for _ in $(seq 1200); do
	grep -q '^held ' "$work/client.log" && break
	kill -0 "$client" 2>/dev/null || break
	sleep 0.5
done
cat "$work/client.log"
held=$(awk '/^held / { print $2 }' "$work/client.log")
[ -n "$held" ] || { echo "the client did not finish its ramp" >&2; tail -20 "$work/server.log" >&2; exit 1; }
used=$(heap_used_kb)
rss=$(rss_kb)
health=$(curl -s -m 10 "http://127.0.0.1:$port/health" || echo "no answer")
echo "with $held streams: heap used after full GC ${used} KB, RSS ${rss} KB; /health: $health"
awk -v n="$held" -v b="$base" -v u="$used" -v rb="$base_rss" -v r="$rss" -v heap="$heap" 'BEGIN {
	if (n == 0) exit
	per = (u - b) * 1024 / n
	mb = heap; unit = substr(mb, length(mb)); mb = substr(mb, 1, length(mb) - 1) * (unit ~ /[gG]/ ? 1024 : 1)
	printf "heap per stream: %.0f bytes; RSS per stream: %.0f bytes\n", per, (r - rb) * 1024 / n
	if (per > 0) printf "streams a %s heap would hold at this cost (less the %d KB base): %.0f\n", heap, b, (mb * 1024 - b) * 1024 / per
}'
wait "$client" || true
tail -3 "$work/client.log"
grep -E 'OutOfMemory|Too many open files' "$work/server.log" | head -3 || true
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
