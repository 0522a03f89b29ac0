#!/usr/bin/env bash
# Runs every test of the project: the main module under the race detector
# (including the headless-browser check), the docker-compose check module,
# each fuzz target for a short bounded time, and the contract suite command
# against a freshly started mock server. Installs Chromium from Debian's
# packages when it is missing and the script runs as root.
#
# Usage: scripts/test.sh            (FUZZTIME=10s by default)
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-10s}
passed=0
failed=0

step() {
	local name=$1
	shift
	echo "==> $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name"
	fi
}

install_chromium() {
	command -v chromium >/dev/null && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "chromium is missing and this is not root: the browser check will skip (install Debian's chromium package)"
		return 0
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

fuzz_targets() {
	local pkg target
	for pkg in $(go list ./...); do
		for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
			echo "fuzzing $target in $pkg for $fuzztime"
			go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" || return 1
		done
	done
}

compose_check() {
	(cd deploy/composecheck && go test -count=1 ./...)
}

# contract_against_mock starts the mock on a free loopback port (-addr
# 127.0.0.1:0; the banner names the port the kernel chose), runs the contract
# suite against it with both demo accounts, and stops the mock whatever the
# suite's result.
contract_against_mock() {
	local bin base pid status=0
	bin=$(mktemp -d)
	go build -o "$bin/" ./cmd/mockserver ./cmd/contract
	"$bin/mockserver" -addr 127.0.0.1:0 -strict -log-level warn >"$bin/banner" 2>"$bin/mockserver.log" &
	pid=$!
	base=""
	for _ in $(seq 1 100); do
		base=$(sed -n 's/^mock server listening on //p' "$bin/banner")
		[ -n "$base" ] && break
		sleep 0.05
	done
	if [ -z "$base" ]; then
		echo "the mock server did not start within 5s; its log:"
		cat "$bin/mockserver.log"
		kill "$pid" 2>/dev/null || true
		rm -rf "$bin"
		return 1
	fi

	mkdir -p reports
	CONTRACT_API_KEY=demo-api-key CONTRACT_PASSWORD=123456 CONTRACT_API_KEY_2=demo-api-key-2 \
		"$bin/contract" -base-url "$base" -user-id 12 -user-id-2 13 \
		-json reports/contract.json -junit reports/contract.xml || status=$?
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$bin"
	return "$status"
}

install_chromium
step "go test -race (main module)" go test -race -count=1 ./...
step "docker-compose and Dockerfile check" compose_check
step "fuzz targets ($fuzztime each)" fuzz_targets
step "contract suite against the mock server" contract_against_mock

echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
