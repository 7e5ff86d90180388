#!/usr/bin/env bash
# The audit side's benchmarks (README "Audit: the proof trail, replayed"). Each function runs one benchmark and
# appends its section to deploy/bench-results/audit.md; `bash tools/Relance.AuditBenchmarks/audit.sh [name…]` runs
# the ones named (default: all). Needs PostgreSQL (deploy/infra.sh; RELANCE_POSTGRES from .relance/env).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[ -z "${RELANCE_POSTGRES:-}" ] && for env in .relance/env /work/main/.relance/env; do
  [ -f "$env" ] && { set -a; source "$env"; set +a; break; }
done
RESULTS=deploy/bench-results/audit.md

benchmarks() { dotnet tools/Relance.AuditBenchmarks/bin/Release/net10.0/Relance.AuditBenchmarks.dll "$@"; }

# projections rebuild: 20,000 dunning cases (≈190,000 events) in a database of its own, rebuilt through the command line.
# REBUILD_ARGS overrides the benchmark's options (e.g. REBUILD_ARGS="--cases 2000 --runs 1").
rebuild() {
  local out; out=$(mktemp)
  # shellcheck disable=SC2086 # the options are meant to split into words
  benchmarks rebuild ${REBUILD_ARGS:---cases 20000 --runs 3} | tee "$out"
  {
    echo
    echo "## projections rebuild"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores with \`bash tools/Relance.AuditBenchmarks/audit.sh rebuild\`:"
    echo
    echo '```'
    cat "$out"
    echo '```'
  } >> "$RESULTS"
  rm -f "$out"
}

main() {
  dotnet build -c Release tools/Relance.AuditBenchmarks -v q -nologo >/dev/null
  mkdir -p "$(dirname "$RESULTS")"
  [ -f "$RESULTS" ] || printf '# Audit benchmarks\n\nWritten by tools/Relance.AuditBenchmarks/audit.sh; each run appends its section.\n' > "$RESULTS"
  local names=("$@")
  [ ${#names[@]} -eq 0 ] && names=($(declare -F | awk '{print $3}' | grep -vx -e main -e benchmarks))
  for name in "${names[@]}"; do "$name"; done
}

main "$@"
