#!/usr/bin/env bash
# The audit side's benchmarks (README "Audit: the proof trail, replayed"). Each function runs one benchmark and appends
# its section to deploy/bench-results/audit.md. Needs PostgreSQL (deploy/infra.sh; RELANCE_POSTGRES from .relance/env);
# each benchmark works in fresh databases of its own and drops them.
#   bash tools/Relance.AuditBenchmarks/audit.sh                      every benchmark, results file started afresh
#   bash tools/Relance.AuditBenchmarks/audit.sh rebuild [options…]   one of them, appended (options go to it)
# The timeline and the rebuild are each measured beside a raw baseline (RawCaseRead.cs, RawRebuild.cs). deploy/bench.sh
# runs them with RELANCE_BENCH_ROWS (rows of its table), RELANCE_AUDIT_RESULTS (another results file) and
# RELANCE_BENCH_BUILT (already built in Release) set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -z "${RELANCE_POSTGRES:-}" ] && [ -f .relance/env ]; then set -a; source .relance/env; set +a; fi
[ -n "${RELANCE_POSTGRES:-}" ] || { echo "RELANCE_POSTGRES is not set: run deploy/infra.sh first (it writes .relance/env)" >&2; exit 2; }
RESULTS=${RELANCE_AUDIT_RESULTS:-deploy/bench-results/audit.md}

benchmarks() { dotnet tools/Relance.AuditBenchmarks/bin/Release/net10.0/Relance.AuditBenchmarks.dll "$@"; }

# Appends a report (a file) to the results under a heading.
section() {
  local title=$1 report=$2 command=$3
  {
    printf '\n## %s\n\nMeasured %s on %s cores (load average before: %s) with `bash tools/Relance.AuditBenchmarks/audit.sh %s`:\n\n```\n' \
      "$title" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$LOAD_BEFORE" "$command"
    cat "$report"
    printf '```\n'
  } >>"$RESULTS"
}

# Runs a benchmark that prints its own report, and appends that report to the results.
captured() {
  local title=$1; shift
  local out; out=$(mktemp)
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  benchmarks "$@" | tee "$out"
  section "$title" "$out" "$1"
  rm -f "$out"
}

# The timeline of a 500-event case: AuditTimeline.ReadAsync 1000 times after warm-up, p50/p95/p99/max (target p99 < 50 ms).
timeline() { benchmarks timeline --events 500 --iterations 1000 --warmup 50 --markdown "$RESULTS" "$@"; }

# Sealing (the audit-seal subscription's rate) and `relance audit verify`'s rate, on a scratch database.
seal-verify() { captured "Sealing and verifying" seal-verify "$@"; }

# projections rebuild: 20,000 dunning cases (≈190,000 events) written in a database of its own by one process, then
# rebuilt through the command line by another (as the service writes and the tool reads), three times each in --check,
# rebuild and --check again (target ≥ 20,000 events/s), each rebuild run followed by its raw baseline. Options: --cases N, --runs N.
rebuild() {
  local cases=20000 runs=3
  while [ $# -gt 0 ]; do case $1 in --cases) cases=$2; shift 2;; --runs) runs=$2; shift 2;; *) echo "rebuild: unknown option $1" >&2; return 2;; esac; done
  local out database; out=$(mktemp)
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  benchmarks rebuild --cases "$cases" --generate-only | tee "$out"
  database=$(grep -o 'relance_bench_rebuild_[0-9]*' "$out" | head -1)
  benchmarks rebuild --database "$database" --runs "$runs" --drop | tee -a "$out"
  section "projections rebuild" "$out" rebuild
  rm -f "$out"
}

[ -n "${RELANCE_BENCH_BUILT:-}" ] || dotnet build tools/Relance.AuditBenchmarks -c Release --nologo -v quiet -clp:ErrorsOnly
mkdir -p "$(dirname "$RESULTS")"
if [ $# -gt 0 ]; then
  name=$1; shift
  declare -F "$name" >/dev/null || { echo "unknown benchmark '$name' (timeline, seal-verify, rebuild)" >&2; exit 2; }
  "$name" "$@"
else
  printf '# Audit benchmarks\n\nWritten by `bash tools/Relance.AuditBenchmarks/audit.sh` (see the README, "Audit").\n' >"$RESULTS"
  timeline; seal-verify; rebuild
fi
