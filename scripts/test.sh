#!/usr/bin/env bash
# Runs every test of the project: the .NET suites (protocol, cluster and front-end tests on
# real sockets, benchmark smoke) and the JS client's unit tests. Prints one closing line
# "N passed, N failed". It installs what the tests need (scripts/install.sh: Chromium, Redis,
# nginx, Azurite; skipped when present), and starts the services they use (scripts/services.sh).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# A fresh machine needs its packages first; on a prepared one this only checks and restores.
bash scripts/install.sh || { echo "could not install what the tests need"; exit 1; }

log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

if [ -x scripts/services.sh ]; then
  # shellcheck disable=SC1091
  source scripts/services.sh
  services_start || { echo "could not start test services"; exit 1; }
  trap 'services_stop; rm -rf "$log"' EXIT
fi

echo "== build"
dotnet build Orleans.Sente.sln -c Release -nologo -v q || exit 1

echo "== .NET tests"
# Minimal console verbosity: one summary line per project, and the message and stack of any failure.
dotnet test Orleans.Sente.sln -c Release --no-build -nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee "$log/dotnet.txt"
dotnet_rc=${PIPESTATUS[0]}

echo "== JS client tests"
# The full TAP report goes to a file; the console gets one character per test.
node --test --test-reporter=tap --test-reporter-destination="$log/node.txt" \
  --test-reporter=dot --test-reporter-destination=stdout clients/js/test/ 2>&1
node_rc=${PIPESTATUS[0]}

passed=0; failed=0
while read -r f p; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+' "$log/dotnet.txt" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1 \2/')
node_pass=$(grep -Eo '^# pass [0-9]+' "$log/node.txt" | awk '{print $3}' | tail -1)
node_fail=$(grep -Eo '^# fail [0-9]+' "$log/node.txt" | awk '{print $3}' | tail -1)
passed=$((passed + ${node_pass:-0})); failed=$((failed + ${node_fail:-0}))

# Name every failure again at the end, where a reader of the log's tail will see it.
if grep -qE '^\s+Failed ' "$log/dotnet.txt" || grep -qE '^not ok ' "$log/node.txt"; then
  echo "== failed"
  grep -E '^\s+Failed ' "$log/dotnet.txt" | sed -E 's/^\s+/  .NET: /'
  grep -E '^not ok ' "$log/node.txt" | sed -E 's/^/  JS: /'
fi
echo "$passed passed, $failed failed"
if [ "$dotnet_rc" -ne 0 ] || [ "$node_rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
