#!/usr/bin/env bash
# Runs Relance's test suite against real PostgreSQL, RabbitMQ and SMTP capture servers, installed and
# started on loopback by deploy/infra.sh. Arguments go to `dotnet test`, e.g.:
#   deploy/test.sh --filter Category=Unit
#   deploy/test.sh --filter Category=EndToEnd
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$repo/deploy/infra.sh" || { echo "[test] the infrastructure did not start" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# shellcheck source=/dev/null
source "$repo/.relance/env"

results="$(mktemp -d)"
dotnet test "$repo/Relance.sln" --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

# Sum the counters of every test assembly's TRX report.
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' |
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
       END { printf "%d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["notExecuted"] }')
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; fi  # a build or runner failure counts
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
