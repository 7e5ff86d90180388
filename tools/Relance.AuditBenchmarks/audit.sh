#!/usr/bin/env bash
# The audit side's benchmarks (README "Audit: the proof trail, replayed"), each in a function of its own that appends
# its section to deploy/bench-results/audit.md. Needs PostgreSQL (RELANCE_POSTGRES, from .relance/env: deploy/infra.sh);
# each benchmark works in fresh databases of its own and drops them.
#   bash tools/Relance.AuditBenchmarks/audit.sh            every benchmark
#   bash tools/Relance.AuditBenchmarks/audit.sh timeline   one of them (extra arguments go to it, e.g. --iterations 5000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
for env in .relance/env /work/main/.relance/env; do
  [ -z "${RELANCE_POSTGRES:-}" ] && [ -f "$env" ] && { set -a; source "$env"; set +a; }
done
results=deploy/bench-results/audit.md
bench() { dotnet tools/Relance.AuditBenchmarks/bin/Release/net10.0/Relance.AuditBenchmarks.dll "$@"; }

# The timeline of a 500-event case: AuditTimeline.ReadAsync 1000 times after warm-up, p50/p95/p99/max (target p99 < 50 ms).
timeline_benchmark() { bench timeline --events 500 --iterations 1000 --warmup 50 --markdown "$results" "$@"; }

dotnet build tools/Relance.AuditBenchmarks -c Release --nologo -v quiet -clp:ErrorsOnly
mkdir -p "$(dirname "$results")"
if [ $# -gt 0 ]; then
  which="$1"; shift
  "${which}_benchmark" "$@"
else
  printf '# Audit benchmarks\n\n' >"$results"
  timeline_benchmark
fi
