#!/usr/bin/env bash
# CPU flame graphs of the gopherflux server under wrk, one per count, with async-profiler (the
# library ships in Maven Central's tools.profiler:async-profiler jar, resolved into the local Maven
# repository; no other download). The server runs as in wrk-bench.sh (limiter and metrics on, limits
# far above the load); after a warm-up the profiler is attached for --seconds of wrk at each count, then
# writes an HTML flame graph (into --out) and the collapsed stacks (into --stacks, outside the repository:
# they are megabytes; read the hot frames from them as text).
#
#   netty-server/bench/profile.sh [--counts=10,1000] [--seconds=20] [--warmup=30] [--connections=64]
#       [--event=cpu] [--out=docs/flamegraphs] [--stacks=/tmp/gopherflux-stacks] [--jvm-opts='...'] [--no-build]
#       [--stream=integers|records]
#
# --stream=records profiles RecordsServer.java's user stream (records written by Jackson) instead of
# the built-in integers; the files are then named records-count-N.
#
# --event=cpu needs perf events; where the kernel refuses them use --event=itimer. Frames narrower than
# 0.1% of the samples are left out of the HTML so that each file stays small.
set -euo pipefail
cd "$(dirname "$0")/../.."
. netty-server/bench/lib.sh

counts=10,1000
seconds=20
warmup=30
connections=64
event=cpu
out=docs/flamegraphs
stacks=/tmp/gopherflux-stacks
jvm_opts=
build=true
stream=integers
profiler_version=4.1
for arg in "$@"; do
	case "$arg" in
		--counts=*) counts=${arg#*=} ;;
		--seconds=*) seconds=${arg#*=} ;;
		--warmup=*) warmup=${arg#*=} ;;
		--connections=*) connections=${arg#*=} ;;
		--event=*) event=${arg#*=} ;;
		--out=*) out=${arg#*=} ;;
		--stacks=*) stacks=${arg#*=} ;;
		--jvm-opts=*) jvm_opts=${arg#*=} ;;
		--no-build) build=false ;;
		--stream=*) stream=${arg#*=} ;;
		--help|-h) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument '$arg' (see --help)" >&2; exit 2 ;;
	esac
done
[[ $counts =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "--counts is a comma-separated list of whole numbers" >&2; exit 2; }
[[ $seconds =~ ^[0-9]+$ && $warmup =~ ^[0-9]+$ && $seconds -le 120 && $warmup -le 120 ]] \
	|| { echo "--seconds and --warmup are whole numbers up to 120" >&2; exit 2; }
[[ $stream =~ ^(integers|records)$ ]] || { echo "--stream is integers or records" >&2; exit 2; }
[[ $event =~ ^(cpu|itimer|ctimer|wall)$ ]] || { echo "--event is cpu, itimer, ctimer or wall" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/gopherflux-profile.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_classpath "$build"
jar=$HOME/.m2/repository/tools/profiler/async-profiler/$profiler_version/async-profiler-$profiler_version.jar
if [ ! -f "$jar" ]; then
	./mvnw -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$profiler_version" -Dtransitive=false
fi
case "$(uname -m)" in
	x86_64) arch=linux-x64 ;;
	aarch64) arch=linux-arm64 ;;
	*) echo "async-profiler's jar has no library for $(uname -m)" >&2; exit 1 ;;
esac
unzip -q -j "$jar" "$arch/libasyncProfiler.so" -d "$work"
lib=$work/libasyncProfiler.so

port=$(free_port)
# shellcheck disable=SC2086
main=io.gopherflux.server.GopherfluxServer
[ "$stream" = records ] && main=$PWD/netty-server/bench/RecordsServer.java
# shellcheck disable=SC2086
java -Xms512m -Xmx512m -XX:+UseG1GC -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints $jvm_opts -cp "$cp" \
	"$main" "${GF_BENCH_FLAGS[@]}" --port="$port" >"$work/server.log" 2>&1 &
server=$!
pids+=("$server")
url="http://127.0.0.1:$port/streams/$stream?format=ndjson&count="
wait_up "${url}1" "$server" "$work/server.log"

# async-profiler takes its commands as the option string of a dynamically loaded agent; the quotes
# keep jcmd from reading the '=' inside them as its own argument syntax.
profiler() {
	jcmd "$server" JVMTI.agent_load "$lib" "\"$1\"" >"$work/jcmd.log" 2>&1 \
		|| { cat "$work/jcmd.log" >&2; return 1; }
	if grep -q 'return code: [1-9]' "$work/jcmd.log"; then
		echo "async-profiler refused '$1':" >&2
		cat "$work/jcmd.log" "$work/server.log" | tail -5 >&2
		return 1
	fi
}

mkdir -p "$out" "$stacks"
bench_lock
IFS=, read -r -a count_list <<<"$counts"
commit=$(git rev-parse --short HEAD)
for count in "${count_list[@]}"; do
	echo "count=$count: warm-up ${warmup}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	wrk -t1 -c"$connections" -d"$warmup"s "$url$count" >/dev/null
	profiler "start,event=$event,interval=1ms"
	rps=$(wrk -t1 -c"$connections" -d"$seconds"s "$url$count" | awk '/^Requests\/sec/ { printf "%.0f", $2 }')
	base=$out/$stream-count-$count
	profiler "dump,file=$work/count-$count.collapsed"
	profiler "stop,file=$base.html,minwidth=0.1,title=gopherflux /streams/$stream?count=$count (wrk -t1 -c$connections; $rps req/s; $event; commit $commit)"
	cp "$work/count-$count.collapsed" "$stacks/$stream-count-$count.collapsed.txt"
	echo "  $rps req/s during the profile; wrote $base.html ($(du -k "$base.html" | cut -f1) KB) and $stacks/$stream-count-$count.collapsed.txt"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
