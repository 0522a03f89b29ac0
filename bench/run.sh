#!/usr/bin/env bash
# Load-tests the mock server against a bare net/http server doing the same
# JSON work without validation (bench/baseline), and optionally Stoplight
# Prism, with wrk on 127.0.0.1. docs/benchmarks.md records the results.
#
# For each server in turn the script starts a fresh process and measures the
# time from process start to the first 200 of GET /user/profile. It checks
# that both benchmarked requests get 200, runs wrk on GET /user/profile and
# on POST /user/update-setting, and then reads the peak RSS (VmHWM). At the
# end it prints one table, in which "ratio" is requests/s divided by the
# baseline's requests/s for the same operation in the same run.
#
# Usage: bash bench/run.sh [--duration 10s] [--connections 32] [--threads 2]
#                          [--starts 5] [--prism] [--no-info-log] [--markdown]
#
#   --duration D      wrk duration per operation, in wrk's syntax (default 10s)
#   --connections N   open connections (default 32)
#   --threads N       wrk threads (default 2)
#   --starts N        fresh starts per server for the first-200 time (default 5)
#   --prism           also run Stoplight Prism through npx (needs npm)
#   --no-info-log     skip the extra mock server run at the default info log level
#   --markdown        print the table as markdown instead of aligned text
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

readonly prism_version=5.16.0
readonly api_key=demo-api-key
readonly setting_body='{"data":{"userId":"12","website_name":"Call Agent AI","primary_color":"#0019FF"}}'
readonly first_port=18410

duration=10s
connections=32
threads=2
starts=5
with_prism=false
with_info_log=true
markdown=false

usage() {
	sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--duration) duration=${2:?--duration needs a value such as 10s}; shift 2 ;;
	--connections) connections=${2:?--connections needs a number}; shift 2 ;;
	--threads) threads=${2:?--threads needs a number}; shift 2 ;;
	--starts) starts=${2:?--starts needs a number}; shift 2 ;;
	--prism) with_prism=true; shift ;;
	--no-info-log) with_info_log=false; shift ;;
	--markdown) markdown=true; shift ;;
	-h | --help) usage ;;
	*) echo "run.sh: unknown option $1" >&2; usage ;;
	esac
done

work=$(mktemp -d)
started_pids=()

# stop_servers ends every process this script started, and for Prism also
# the node processes that npx started under it.
stop_servers() {
	local pid child
	for pid in "${started_pids[@]}"; do
		for child in $(descendants "$pid"); do
			kill "$child" 2>/dev/null || true
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	started_pids=()
}

descendants() {
	local child
	for child in $(pgrep -P "$1" || true); do
		descendants "$child"
		echo "$child"
	done
}

cleanup() {
	stop_servers
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "run.sh: $*" >&2; }
die() { log "$*"; exit 1; }

install_wrk() {
	command -v wrk >/dev/null && return
	log "installing wrk with apt-get"
	apt-get update -qq >/dev/null
	apt-get install -y -qq wrk >/dev/null
}

build_binaries() {
	log "building bench/baseline, bench/firstresponse and cmd/mockserver into $work"
	go build -o "$work/baseline" ./bench/baseline
	go build -o "$work/firstresponse" ./bench/firstresponse
	go build -o "$work/mockserver" ./cmd/mockserver
}

# require_free_port waits up to 5 s for nothing to listen on port $1, which
# covers a stopped Prism whose node processes are still exiting.
require_free_port() {
	local tries
	for ((tries = 0; tries < 50; tries++)); do
		[ -z "$(ss -Htln "sport = :$1")" ] && return
		sleep 0.1
	done
	die "port 127.0.0.1:$1 is already in use; stop what listens there and retry"
}

# listening_pid prints the PID of the process listening on port $1.
listening_pid() {
	ss -Htlnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}

# check_status fails unless a request with method $2 (and body $3) to $1
# gets status 200.
check_status() {
	local url=$1 method=$2 body=${3:-} status
	local args=(-s -o "$work/check.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $api_key")
	if [ -n "$body" ]; then
		args+=(-H 'Content-Type: application/json' --data "$body")
	fi
	status=$(curl "${args[@]}" "$url" || true)
	if [ "$status" != 200 ]; then
		die "$method $url returned status $status, want 200; body: $(head -c 500 "$work/check.json" 2>/dev/null)"
	fi
}

# run_wrk loads $1 with method $2 and body $3 and prints
# "requests_per_second p50_ms p99_ms status_errors socket_errors".
run_wrk() {
	local url=$1 method=$2 body=${3:-} output
	output=$(BENCH_METHOD=$method BENCH_BODY=$body BENCH_API_KEY=$api_key \
		wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/load.lua "$url")
	echo "$output" >>"$work/wrk.log"
	if ! grep -q '^RESULT' <<<"$output"; then
		die "wrk printed no RESULT line for $method $url: $output"
	fi
	echo "$output" | awk '/^RESULT/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%.0f %.2f %.2f %d %d\n", v["requests"] / (v["duration_us"] / 1e6),
			v["p50_us"] / 1000, v["p99_us"] / 1000, v["status_errors"], v["socket_errors"]
	}'
}

rows=()

# start_server starts the command after $1 (label), $2 (port) and $3
# (seconds to wait for the first 200) and prints the milliseconds from its
# start to its first 200 of GET /user/profile. The server keeps running.
start_server() {
	local label=$1 port=$2 wait_seconds=$3
	shift 3
	local start_ns first_ms
	require_free_port "$port"

	start_ns=$(date +%s%N)
	"$@" >>"$work/$label.log" 2>&1 &
	started_pids+=("$!")
	if ! first_ms=$("$work/firstresponse" -since "$start_ns" -url "http://127.0.0.1:$port/user/profile" -api-key "$api_key" -timeout "${wait_seconds}s"); then
		tail -n 20 "$work/$label.log" >&2
		die "$label: no 200 from GET /user/profile within ${wait_seconds}s"
	fi
	echo "$first_ms"
}

# bench_server measures the command after $1 (label), $2 (port) and $3
# (seconds to wait for the first 200) and appends its rows. The first-200
# time is the median of $starts fresh starts, and the last start takes the
# load.
bench_server() {
	local label=$1 port=$2 wait_seconds=$3
	shift 3
	local base="http://127.0.0.1:$port" times=() server_pid first_ms first_max rss_kb i
	log "$label: starting $* $starts times (load average $(cut -d' ' -f1-3 /proc/loadavg))"

	for ((i = 1; i <= starts; i++)); do
		# start_server runs in the main shell so started_pids keeps its PID.
		start_server "$label" "$port" "$wait_seconds" "$@" >"$work/first_ms"
		times+=("$(cat "$work/first_ms")")
		if ((i < starts)); then
			stop_servers
		fi
	done
	first_ms=$(printf '%s\n' "${times[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	first_max=$(printf '%s\n' "${times[@]}" | sort -g | tail -n 1)
	log "$label: first 200 after ${times[*]} ms (median $first_ms, max $first_max)"

	server_pid=$(listening_pid "$port")
	[ -n "$server_pid" ] || die "$label: no process found listening on port $port"
	check_status "$base/user/profile" GET
	check_status "$base/user/update-setting" POST "$setting_body"

	local get post
	get=$(run_wrk "$base/user/profile" GET)
	post=$(run_wrk "$base/user/update-setting" POST "$setting_body")
	rss_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")

	rows+=("$label GET_/user/profile $get $rss_kb $first_ms $first_max")
	rows+=("$label POST_/user/update-setting $post $rss_kb $first_ms $first_max")
	stop_servers
}

# print_table prints the rows with the ratio to the baseline's requests/s.
print_table() {
	printf '%s\n' "${rows[@]}" | awk -v markdown="$markdown" '
	{
		server[NR] = $1; op[NR] = $2; rps[NR] = $3; p50[NR] = $4; p99[NR] = $5
		status_errors[NR] = $6; socket[NR] = $7; rss[NR] = $8; first[NR] = $9; first_max[NR] = $10
		if ($1 == "baseline") base[$2] = $3
	}
	END {
		if (markdown == "true") {
			print "| server | operation | req/s | p50 ms | p99 ms | HTTP 4xx/5xx | socket errors | peak RSS MiB | first 200 ms (median / max) | ratio |"
			print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"
		} else {
			printf "%-14s %-27s %9s %7s %7s %8s %7s %8s %14s %6s\n", "server", "operation", "req/s", "p50 ms", "p99 ms", "4xx/5xx", "socket", "RSS MiB", "first 200 ms", "ratio"
		}
		for (i = 1; i <= NR; i++) {
			name = op[i]; sub(/_/, " ", name)
			ratio = (op[i] in base) ? sprintf("%.2f", rps[i] / base[op[i]]) : "-"
			mib = sprintf("%.1f", rss[i] / 1024)
			if (markdown == "true") {
				printf "| %s | %s | %d | %.2f | %.2f | %d | %d | %s | %s / %s | %s |\n", server[i], name, rps[i], p50[i], p99[i], status_errors[i], socket[i], mib, first[i], first_max[i], ratio
			} else {
				printf "%-14s %-27s %9d %7.2f %7.2f %8d %7d %8s %14s %6s\n", server[i], name, rps[i], p50[i], p99[i], status_errors[i], socket[i], mib, first[i] "/" first_max[i], ratio
			}
		}
	}'
}

install_wrk
build_binaries
log "wrk: $(wrk --version 2>&1 | head -n 1 || true); $(nproc) cores; duration $duration, $threads threads, $connections connections"

bench_server baseline "$first_port" 10 "$work/baseline" -addr "127.0.0.1:$first_port"
bench_server mock-warn "$((first_port + 1))" 10 "$work/mockserver" -addr "127.0.0.1:$((first_port + 1))" -log-level warn
if [ "$with_info_log" = true ]; then
	# The info level writes one line per request; the log goes to a file.
	bench_server mock-info "$((first_port + 2))" 10 "$work/mockserver" -addr "127.0.0.1:$((first_port + 2))" -log-level info
fi
if [ "$with_prism" = true ]; then
	# Prism logs at warn, like the mock server's main run. Its first start
	# may download the package, so it gets 300 s.
	bench_server prism "$((first_port + 3))" 300 npx -y "@stoplight/prism-cli@$prism_version" mock -h 127.0.0.1 -p "$((first_port + 3))" -v warn openapi.yaml
fi

print_table
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
