#!/usr/bin/env bash
# Same-run load test of GET /streams/integers (NDJSON) with wrk, on loopback:
#   gopherflux  the project's server: in-memory limiter ON (limits set far above the load), Prometheus
#               and Reactor Netty metrics ON, the per-stream throttle at 10^9 elements/s
#   records     RecordsServer.java: the gopherflux server with a user stream registered through the routes
#               builder, GET /streams/records, records written by Jackson (the same bytes as the integers)
#   plain       PlainReactorNetty.java: the same endpoint in plain Reactor Netty, one chunk per element
#   floor       PlainReactorNetty.java answering the same bytes from a constant (Content-Length, no limiter,
#               no metrics, no encoding): the least any Reactor Netty server does for this request
#   go          the Go net/http + x/time/rate peer (../shared/peers/go-net-http), when Go is installed
#   variant     optional: the gopherflux server built from another copy of the tree and/or with other JVM
#               options, to measure a change against the unmodified server in the same rounds
# Every server is warmed up the same way (wrk at each count), then each round runs every server at
# every count back to back, the order rotating from round to round. Per round it prints each server's
# requests/s, its CPU time per request and share of the CPU, and gopherflux's ratio to Go and to the
# plain peer in that round; at the end the medians. Quote the ratios: absolute figures move with the
# machine's other load (the load average is printed with every run).
#
#   netty-server/bench/wrk-bench.sh [--counts=10,1000] [--rounds=5] [--duration=6] [--warmup=15]
#       [--connections=64] [--threads=1] [--servers=gopherflux,records,plain,go] [--cpus=LIST] [--wrk-cpus=LIST]
#       [--scaling] [--jvm-opts='...'] [--server-args='...'] [--variant=DIR] [--variant-jvm-opts='...']
#       [--out=FILE] [--no-build]
#
#   --cpus=LIST      start every server under `taskset -c LIST` (the JVMs and Go size their thread pools
#                    to it); --wrk-cpus=LIST pins wrk
#   --scaling        1 vs 2 cores: every server is started twice, once on CPU 1 (wrk on CPU 0) and once on
#                    CPUs 0-1 (wrk on 0-1 too: there are only two), and the rounds alternate all of them;
#                    the summary adds each server's 2-core/1-core ratio
#   --jvm-opts       extra JVM options for the gopherflux server only (to try a knob against the same run)
#   --server-args    extra flags for the gopherflux server (and the variant)
#   --variant=DIR    also run the server of DIR, a copy of this repository with a change to try (built the same
#                    way); --variant-jvm-opts gives the variant JVM options (alone: this tree with those options)
#   --out=FILE       also write every measurement as tab-separated values
#
# Bounded: every wrk run has a timeout, servers bind 127.0.0.1 only and are stopped on exit. The whole
# measurement (not the build) holds `flock /tmp/gopherflux-bench.lock`, so benchmarks of several
# engineers on one machine do not overlap. Builds with the Maven wrapper (package, never install).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. netty-server/bench/lib.sh

counts=10,1000
rounds=5
duration=6
warmup=15
connections=64
threads=1
servers=gopherflux,records,plain,go
cpus=
wrk_cpus=
scaling=false
jvm_opts=
server_args=
variant=
variant_jvm_opts=
out=
build=true

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	arg=$1
	shift
	case "$arg" in
		--*=*) name=${arg%%=*}; value=${arg#*=} ;;
		--scaling|--no-build|--help|-h) name=$arg; value= ;;
		--*) name=$arg; [ $# -gt 0 ] || { echo "$arg needs a value" >&2; exit 2; }; value=$1; shift ;;
		*) echo "unknown argument '$arg' (see --help)" >&2; exit 2 ;;
	esac
	case "$name" in
		--counts) counts=$value ;;
		--rounds) rounds=$value ;;
		--duration) duration=$value ;;
		--warmup) warmup=$value ;;
		--connections) connections=$value ;;
		--threads) threads=$value ;;
		--servers) servers=$value ;;
		--cpus) cpus=$value ;;
		--wrk-cpus) wrk_cpus=$value ;;
		--scaling) scaling=true ;;
		--jvm-opts) jvm_opts=$value ;;
		--server-args) server_args=$value ;;
		--variant) variant=$value ;;
		--variant-jvm-opts) variant_jvm_opts=$value ;;
		--out) out=$value ;;
		--no-build) build=false ;;
		--help|-h) usage 0 ;;
		*) echo "unknown option '$name' (see --help)" >&2; exit 2 ;;
	esac
done

for n in "$rounds" "$duration" "$warmup" "$connections" "$threads"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "rounds, duration, warmup, connections and threads are whole numbers, got '$n'" >&2; exit 2; }
done
[[ $counts =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "--counts is a comma-separated list of whole numbers" >&2; exit 2; }
[ "$rounds" -ge 1 ] && [ "$rounds" -le 50 ] || { echo "--rounds must be 1..50" >&2; exit 2; }
[ "$duration" -ge 1 ] && [ "$duration" -le 120 ] || { echo "--duration must be 1..120 seconds" >&2; exit 2; }
[ "$warmup" -le 120 ] || { echo "--warmup must be at most 120 seconds" >&2; exit 2; }
if $scaling && { [ -n "$cpus" ] || [ -n "$wrk_cpus" ]; }; then
	echo "--scaling chooses the CPUs itself; leave out --cpus and --wrk-cpus" >&2
	exit 2
fi
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
if $scaling || [ -n "$cpus" ] || [ -n "$wrk_cpus" ]; then
	command -v taskset >/dev/null || { echo "taskset is missing: apt-get install -y util-linux" >&2; exit 1; }
fi
if $scaling && [ "$(nproc --all)" -lt 2 ]; then
	echo "--scaling needs 2 CPUs, this machine has $(nproc --all)" >&2
	exit 1
fi

work=$(mktemp -d /tmp/gopherflux-bench.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build (outside the lock) ---------------------------------------------------------------------
want() { [[ ",$servers," == *",$1,"* ]]; }
if want gopherflux || want records || want plain || want floor || [ -n "$variant$variant_jvm_opts" ]; then
	bench_classpath "$build"
fi
variant_cp=${cp:-}
if [ -n "$variant" ]; then
	[ -f "$variant/netty-server/bench/lib.sh" ] || { echo "--variant=$variant is not a copy of this repository" >&2; exit 2; }
	variant_cp=$(cd "$variant" && . netty-server/bench/lib.sh && bench_classpath "$build" >&2 && echo "$cp")
fi
go_peer=
want go && bench_go_peer

# --- the servers ----------------------------------------------------------------------------------
# Instances: name, label (name@cpus when pinned), port, pid, server CPUs, wrk CPUs, URL prefix.
names=()
labels=()
ports=()
ipids=()
scpus=()
wcpus=()
urls=()
jvm_common=(-Xms512m -Xmx512m -XX:+UseG1GC)

start() { # name server-cpus wrk-cpus
	local name=$1 on=$2 wrk_on=$3 port pin=() log
	port=$(free_port)
	[ -n "$on" ] && pin=(taskset -c "$on")
	log="$work/$name-${on:-all}.log"
	case "$name" in
		gopherflux)
			# shellcheck disable=SC2086
			"${pin[@]}" java "${jvm_common[@]}" $jvm_opts -cp "$cp" io.gopherflux.server.GopherfluxServer \
				"${GF_BENCH_FLAGS[@]}" --port="$port" $server_args >"$log" 2>&1 &
			urls+=("http://127.0.0.1:$port/streams/integers?format=ndjson&count=") ;;
		variant)
			# shellcheck disable=SC2086
			"${pin[@]}" java "${jvm_common[@]}" $variant_jvm_opts -cp "$variant_cp" io.gopherflux.server.GopherfluxServer \
				"${GF_BENCH_FLAGS[@]}" --port="$port" $server_args >"$log" 2>&1 &
			urls+=("http://127.0.0.1:$port/streams/integers?format=ndjson&count=") ;;
		records)
			# shellcheck disable=SC2086
			"${pin[@]}" java "${jvm_common[@]}" $jvm_opts -cp "$cp" "$root/netty-server/bench/RecordsServer.java" \
				"${GF_BENCH_FLAGS[@]}" --port="$port" $server_args >"$log" 2>&1 &
			urls+=("http://127.0.0.1:$port/streams/records?format=ndjson&count=") ;;
		plain)
			"${pin[@]}" java "${jvm_common[@]}" -cp "$cp" "$root/netty-server/bench/PlainReactorNetty.java" "$port" >"$log" 2>&1 &
			urls+=("http://127.0.0.1:$port/streams/integers?count=") ;;
		floor)
			"${pin[@]}" java "${jvm_common[@]}" -cp "$cp" "$root/netty-server/bench/PlainReactorNetty.java" "$port" >"$log" 2>&1 &
			urls+=("http://127.0.0.1:$port/streams/constant?count=") ;;
		go)
			"${pin[@]}" "$go_peer" -addr "127.0.0.1:$port" >"$log" 2>&1 &
			urls+=("http://127.0.0.1:$port/streams/integers?count=") ;;
	esac
	pids+=($!)
	ipids+=($!)
	names+=("$name")
	labels+=("$name${on:+@$on}")
	ports+=("$port")
	scpus+=("$on")
	wcpus+=("$wrk_on")
}

if $scaling; then
	configs=("1 0" "0-1 0-1")
else
	configs=("$cpus $wrk_cpus")
	[ -z "$cpus" ] && configs=("- ${wrk_cpus:--}")
fi
for config in "${configs[@]}"; do
	read -r on wrk_on <<<"$config"
	[ "$on" = - ] && on=
	[ "$wrk_on" = - ] && wrk_on=
	for name in gopherflux records variant plain floor go; do
		if [ "$name" = variant ]; then
			[ -n "$variant$variant_jvm_opts" ] || continue
		else
			want "$name" || continue
		fi
		[ "$name" = go ] && [ -z "$go_peer" ] && continue
		start "$name" "$on" "$wrk_on"
	done
done
[ ${#names[@]} -gt 0 ] || { echo "no server to measure" >&2; exit 1; }

for i in "${!names[@]}"; do
	wait_up "${urls[$i]}1" "${ipids[$i]}" "$work/${names[$i]}-${scpus[$i]:-all}.log"
done

# --- measuring ------------------------------------------------------------------------------------
bench_lock

clk=$(getconf CLK_TCK)
proc_ticks() { # utime+stime of a process, in clock ticks
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
machine_ticks() { # busy and total ticks of the whole machine
	awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat
}

# wrk against instance $1 at count $2 for $3 seconds. Sets: rps requests non2xx errors srv_us wrk_us
# share busy_pct load
measure() {
	local i=$1 count=$2 secs=$3 pin=() before after m0 m1 output wrk_ticks
	[ -n "${wcpus[$i]}" ] && pin=(taskset -c "${wcpus[$i]}")
	load=$(cut -d' ' -f1 /proc/loadavg)
	before=$(proc_ticks "${ipids[$i]}")
	m0=$(machine_ticks)
	# The subshell waits for wrk, so its cutime+cstime (fields 16, 17) is wrk's CPU time.
	output=$( (timeout $((secs + 30)) "${pin[@]}" wrk -t"$threads" -c"$connections" -d"${secs}s" "${urls[$i]}$count" || true
		awk '{ sub(/^.*\) /, ""); print "WRKTICKS", $14 + $15 }' "/proc/$BASHPID/stat") 2>&1)
	after=$(proc_ticks "${ipids[$i]}")
	m1=$(machine_ticks)
	rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$output")
	requests=$(awk '/requests in/ { print $1 }' <<<"$output")
	non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$output")
	errors=$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$output")
	wrk_ticks=$(awk '/^WRKTICKS/ { print $2 }' <<<"$output")
	rps=${rps:-0}; requests=${requests:-0}; non2xx=${non2xx:-0}; errors=${errors:-0}
	read -r srv_us wrk_us share busy_pct < <(awk -v s=$((after - before)) -v w="${wrk_ticks:-0}" -v n="$requests" \
		-v clk="$clk" -v m0="$m0" -v m1="$m1" 'BEGIN {
			split(m0, a, " "); split(m1, b, " ")
			busy = (b[2] > a[2]) ? 100 * (b[1] - a[1]) / (b[2] - a[2]) : 0
			printf "%.1f %.1f %.0f %.0f\n", n ? s * 1e6 / clk / n : 0, n ? w * 1e6 / clk / n : 0,
				(s + w) ? 100 * s / (s + w) : 0, busy }')
	if [ "$rps" = 0 ]; then
		echo "warning: wrk measured nothing against ${labels[$i]}:" >&2
		echo "$output" >&2
	fi
}

IFS=, read -r -a count_list <<<"$counts"
n=${#names[@]}
echo
echo "machine: $(nproc --all) CPUs, $(uname -r), $(java -version 2>&1 | head -1)${go_peer:+, $(go version | cut -d' ' -f3)}"
echo "wrk -t$threads -c$connections -d${duration}s after a ${warmup}s warm-up per server and count; $rounds rounds; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$jvm_opts" ] && echo "gopherflux JVM options: $jvm_opts"
[ -n "$server_args" ] && echo "gopherflux flags: $server_args"
[ -n "$variant$variant_jvm_opts" ] && echo "variant: ${variant:-this tree}${variant_jvm_opts:+ with JVM options $variant_jvm_opts}"
echo
echo "bytes per response (status line and header fields + body):"
for i in "${!names[@]}"; do
	for count in "${count_list[@]}"; do
		read -r status header body < <(curl -s -o /dev/null -w '%{http_code} %{size_header} %{size_download}\n' "${urls[$i]}$count")
		printf '  %-16s count=%-6s %s  %6s + %8s = %8s bytes\n' "${labels[$i]}" "$count" "$status" "$header" "$body" $((header + body))
		[ "$status" = 200 ] || { echo "${labels[$i]} answered $status at count=$count; not measuring" >&2; exit 1; }
	done
done

if [ "$warmup" -gt 0 ]; then
	echo
	echo "warming up (${warmup}s per server and count)..."
	for count in "${count_list[@]}"; do
		for i in "${!names[@]}"; do
			measure "$i" "$count" "$warmup"
		done
	done
fi

results=$work/results.tsv
printf 'round\tcount\tserver\trps\tserver_cpu_us_per_req\twrk_cpu_us_per_req\tserver_cpu_share_pct\tmachine_busy_pct\tload1\tnon2xx\tsocket_errors\n' >"$results"
echo
printf '%-5s %-6s %-16s %9s %14s %10s %12s %7s %6s  %s\n' round count server 'req/s' 'srv cpu µs/req' 'srv share' 'wrk µs/req' 'busy %' load notes
for round in $(seq "$rounds"); do
	for count in "${count_list[@]}"; do
		declare -A round_rps=()
		for k in $(seq 0 $((n - 1))); do
			i=$(((k + round - 1) % n))
			measure "$i" "$count" "$duration"
			notes=
			[ "$non2xx" != 0 ] && notes+="non-2xx: $non2xx "
			[ "$errors" != 0 ] && notes+="socket errors: $errors"
			round_rps[${labels[$i]}]=$rps
			printf '%-5s %-6s %-16s %9s %14s %9s%% %12s %7s %6s  %s\n' "$round" "$count" "${labels[$i]}" "$rps" "$srv_us" \
				"$share" "$wrk_us" "$busy_pct" "$load" "$notes"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$count" "${labels[$i]}" "$rps" "$srv_us" \
				"$wrk_us" "$share" "$busy_pct" "$load" "$non2xx" "$errors" >>"$results"
		done
		line=
		for i in "${!names[@]}"; do
			[ "${names[$i]}" = gopherflux ] || [ "${names[$i]}" = variant ] || [ "${names[$i]}" = records ] \
				|| [ "${names[$i]}" = floor ] || continue
			for j in "${!names[@]}"; do
				[ "${names[$j]}" = "${names[$i]}" ] && continue
				[ "${names[$i]}" = floor ] && [ "${names[$j]}" != go ] && continue
				[ "${names[$i]}" = gopherflux ] && { [ "${names[$j]}" = variant ] || [ "${names[$j]}" = records ]; } && continue
				[ "${names[$i]}" = variant ] && [ "${names[$j]}" = records ] && continue
				[ "${scpus[$j]}" = "${scpus[$i]}" ] || continue
				line+=$(awk -v a="${round_rps[${labels[$i]}]}" -v b="${round_rps[${labels[$j]}]}" -v l="${labels[$i]}/${labels[$j]}" \
					'BEGIN { if (b > 0) printf "  %s %.2f", l, a / b }')
			done
		done
		$scaling && for i in "${!names[@]}"; do
			[ "${scpus[$i]}" = 1 ] || continue
			for j in "${!names[@]}"; do
				[ "${names[$j]}" = "${names[$i]}" ] && [ "${scpus[$j]}" = 0-1 ] || continue
				line+=$(awk -v a="${round_rps[${labels[$j]}]}" -v b="${round_rps[${labels[$i]}]}" -v l="${names[$i]} 2-core/1-core" \
					'BEGIN { if (b > 0) printf "  %s %.2f", l, a / b }')
			done
		done
		[ -n "$line" ] && echo "      ratios:$line"
		unset round_rps
	done
done

echo
echo "medians over $rounds rounds (load average at end: $(cut -d' ' -f1-3 /proc/loadavg)):"
awk -F'\t' -v scaling="$scaling" '
	function median(list,    parts, k, m, t, x, y) {
		m = split(list, parts, " ")
		for (x = 2; x <= m; x++) { t = parts[x]; for (y = x - 1; y >= 1 && parts[y] + 0 > t + 0; y--) parts[y + 1] = parts[y]; parts[y + 1] = t }
		return m % 2 ? parts[(m + 1) / 2] : (parts[m / 2] + parts[m / 2 + 1]) / 2
	}
	function range(list,    parts, k, m, lo, hi) {
		m = split(list, parts, " "); lo = hi = parts[1]
		for (k = 2; k <= m; k++) { if (parts[k] + 0 < lo + 0) lo = parts[k]; if (parts[k] + 0 > hi + 0) hi = parts[k] }
		return lo "-" hi
	}
	NR == 1 { next }
	{
		key = $2 SUBSEP $3
		if (!(key in rps)) { order[++nk] = key }
		rps[key] = rps[key] " " $4; cpu[key] = cpu[key] " " $5; share[key] = share[key] " " $7
		at[$1 SUBSEP $2 SUBSEP $3] = $4
		rounds[$1] = 1; counts[$2] = 1; servers[$3] = 1
	}
	END {
		printf "  %-6s %-16s %9s %15s %14s %10s\n", "count", "server", "req/s", "(range)", "srv cpu µs/req", "srv share"
		for (k = 1; k <= nk; k++) {
			split(order[k], p, SUBSEP)
			printf "  %-6s %-16s %9.0f %15s %14.1f %9.0f%%\n", p[1], p[2], median(rps[order[k]]), range(rps[order[k]]), median(cpu[order[k]]), median(share[order[k]])
		}
		print "  ratios of same-round requests/s (median, range over rounds):"
		for (c in counts) for (a in servers) for (b in servers) {
			split(a, an, "@"); split(b, bn, "@")
			if (an[1] != "gopherflux" && an[1] != "variant" && an[1] != "records" && an[1] != "floor") continue
			if (an[1] == "floor" && bn[1] != "go") continue
			if (bn[1] == an[1] || (an[1] == "gopherflux" && (bn[1] == "variant" || bn[1] == "records")) || (an[1] == "variant" && bn[1] == "records") || an[2] != bn[2]) continue
			list = ""
			for (r in rounds) if (at[r SUBSEP c SUBSEP b] > 0) list = list " " sprintf("%.3f", at[r SUBSEP c SUBSEP a] / at[r SUBSEP c SUBSEP b])
			if (list != "") printf "    count=%-6s %-30s %.2f  (%s)\n", c, a "/" b, median(list), range(list)
		}
		if (scaling == "true") for (c in counts) for (a in servers) {
			split(a, an, "@")
			if (an[2] != "1") continue
			b = an[1] "@0-1"; list = ""
			for (r in rounds) if (at[r SUBSEP c SUBSEP a] > 0) list = list " " sprintf("%.3f", at[r SUBSEP c SUBSEP b] / at[r SUBSEP c SUBSEP a])
			if (list != "") printf "    count=%-6s %-30s %.2f  (%s)\n", c, an[1] " 2-core/1-core", median(list), range(list)
		}
	}' "$results"
if [ -n "$out" ]; then
	cp "$results" "$out"
	echo "measurements written to $out"
fi
for i in "${!names[@]}"; do
	[ "${names[$i]}" = go ] || [ "${names[$i]}" = plain ] || [ "${names[$i]}" = floor ] && continue
	curl -s "http://127.0.0.1:${ports[$i]}/metrics" \
		| grep -E '^gopherflux_ratelimit_permits_total|^reactor_netty_http_server_data_sent_bytes_count' | head -3 \
		| sed "s/^/  ${labels[$i]} metrics: /"
done
