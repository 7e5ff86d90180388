#!/usr/bin/env bash
# Payment-stop latency against a raw baseline (issue 8; README "Benchmarks"; deploy/bench.sh runs it):
#   bash tools/Relance.PaymentStopBenchmark/payment-stop.sh [--handed-over 2000] [--scheduled 8000] [--rate 1000]
# Starts the three services from a Release build as processes on ports 5221-5223, on databases relance_bench_stop_*
# and the virtual host relance-bench-stop of their own (made afresh; the databases are kept for inspection).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$repo/deploy/infra.sh" >&2
# shellcheck source=/dev/null
source "$repo/.relance/env"
for project in services/Invoice services/Reminder services/Correspondence tools/Relance.PaymentStopBenchmark; do
  dotnet build "$repo/$project" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
done
exec dotnet "$repo/tools/Relance.PaymentStopBenchmark/bin/Release/net10.0/relance-payment-stop.dll" --repo "$repo" "$@"
