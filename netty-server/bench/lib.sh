# Shared by the scripts in netty-server/bench (sourced, not run). Expects to be sourced from the
# repository root with `set -euo pipefail`, and a $work directory the caller removes on exit.

# The gopherflux server's flags for load tests: in-memory limiter on, its limits far above the load.
GF_BENCH_FLAGS=(--host=127.0.0.1
	--plan.free=per-second:100000000/1s,per-minute:100000000/1m
	--plan.free.stream-rate=1000000000 --plan.free.max-streams=1000000)

# Builds netty-server and core (package, never install: ~/.m2 is shared) and sets $cp to the
# server's runtime classpath. Skips the build when $1 is false.
bench_classpath() {
	if [ "${1:-true}" = true ]; then
		echo "building netty-server (package, no tests)..."
		./mvnw -B -q -pl netty-server -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
			dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench-classpath.txt
	fi
	[ -f netty-server/target/bench-classpath.txt ] || { echo "no classpath yet: run once without --no-build" >&2; exit 1; }
	cp="$PWD/netty-server/target/classes:$PWD/core/target/classes:$(cat netty-server/target/bench-classpath.txt)"
}

# Builds the Go peer into $work/go-peer and sets $go_peer, or explains why not and leaves it empty.
bench_go_peer() {
	go_peer=
	local peer_dir= d
	for d in ../shared/peers/go-net-http ../../shared/peers/go-net-http; do
		if [ -f "$d/main.go" ]; then
			peer_dir=$(cd "$d" && pwd)
			break
		fi
	done
	if [ -z "$peer_dir" ]; then
		echo "note: the Go peer's source (../shared/peers/go-net-http/main.go) is not here; running without Go" >&2
	elif ! command -v go >/dev/null; then
		echo "note: Go is not installed, so the Go peer is left out. To include it:" >&2
		echo "        apt-get install -y golang-go golang-golang-x-time-dev    (see $peer_dir/README.md)" >&2
	elif [ ! -d /usr/share/gocode/src/golang.org/x/time/rate ]; then
		echo "note: golang.org/x/time is missing, so the Go peer is left out: apt-get install -y golang-golang-x-time-dev" >&2
	else
		echo "building the Go peer from $peer_dir/main.go..."
		mkdir -p "$work/gopath/src/server"
		cp "$peer_dir/main.go" "$work/gopath/src/server/"
		(cd "$work/gopath" && GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" go build -o "$work/go-peer" server)
		go_peer=$work/go-peer
	fi
}

# A TCP port nobody listens on at 127.0.0.1.
free_port() {
	local candidate
	for _ in $(seq 100); do
		candidate=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
			echo "$candidate"
			return
		fi
	done
	echo "no free port found" >&2
	exit 1
}

# Waits (at most 60 s) until URL $1 answers 2xx while process $2 lives; prints log $3 if it does not.
wait_up() {
	for _ in $(seq 600); do
		curl -sf -o /dev/null "$1" && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	echo "the server behind $1 did not start; its log:" >&2
	cat "$3" >&2
	exit 1
}

# Holds /tmp/gopherflux-bench.lock on fd 9 until the script exits (waits at most 30 min for it).
bench_lock() {
	exec 9>/tmp/gopherflux-bench.lock
	if ! flock -n 9; then
		echo "waiting for /tmp/gopherflux-bench.lock (another benchmark is running; at most 30 min)..."
		flock -w 1800 9 || { echo "gave up waiting for /tmp/gopherflux-bench.lock" >&2; exit 1; }
	fi
}
