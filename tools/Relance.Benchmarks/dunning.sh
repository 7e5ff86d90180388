#!/usr/bin/env bash
# The dunning run at scale beside its raw baseline (README "The dunning ladder", How fast): builds the benchmark in
# Release and runs it with the issue's size (100,000 customers, 1,000,000 open invoices, 10 % with an action due)
# unless options say otherwise; they are forwarded. Needs PostgreSQL (deploy/infra.sh; RELANCE_POSTGRES from
# .relance/env); it works in a fresh database of its own (relance_bench_dunning_<customers>) and drops it (--keep
# keeps it; --database names another). Exit 1 when a count is wrong. With RELANCE_BENCH_ROWS set, appends the figure's row to that file.
#   bash tools/Relance.Benchmarks/dunning.sh
#   bash tools/Relance.Benchmarks/dunning.sh --customers 5000 --seed marten
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -z "${RELANCE_POSTGRES:-}" ] && [ -f .relance/env ]; then set -a; source .relance/env; set +a; fi
[ -n "${RELANCE_POSTGRES:-}" ] || { echo "RELANCE_POSTGRES is not set: run deploy/infra.sh first (it writes .relance/env)" >&2; exit 2; }
# RELANCE_BENCH_BUILT: deploy/bench.sh built everything in Release already.
[ -n "${RELANCE_BENCH_BUILT:-}" ] || dotnet build tools/Relance.Benchmarks -c Release --nologo -v quiet -clp:"ErrorsOnly;NoSummary"
exec dotnet tools/Relance.Benchmarks/bin/Release/net10.0/relance-benchmarks.dll dunning-run "$@"
