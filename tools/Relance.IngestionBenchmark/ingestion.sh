#!/usr/bin/env bash
# Ingestion benchmark (issue 8; README "The first load of an ERP: how fast"): ERP "invoice issued" messages per second
# end to end (published → stored → announced) against RabbitMQ.Client consume + batched Npgsql insert of the same
# payload, in the same run; and the peak memory (VmHWM) of each service under that load.
#
# The three services run as processes from a Release build on ports 5211-5213, on databases relance_bench_ingest_* and
# a RabbitMQ virtual host relance-bench-ingest of their own, made afresh at each run and dropped at the end, so a
# developer's data, deploy/up.sh (5101-5103) and deploy/drills.sh (5201-5203) are not touched.
#   tools/Relance.IngestionBenchmark/ingestion.sh                       20,000 invoices over 2,000 customers, 2 runs each
#   tools/Relance.IngestionBenchmark/ingestion.sh --invoices 2000 --customers 200 --warmup 200
# Extra options go to relance-ingestion-benchmark (--invoices, --customers, --warmup, --runs, --timeout).
# Rows are appended to $RELANCE_BENCH_ROWS when set. Exit code 0 when every count was right, 1 when one was wrong,
# 2 when the benchmark could not run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
started=$(date +%s)
log() { printf '[ingestion] %s\n' "$*" >&2; }

bash "$repo/deploy/infra.sh"   # reuses the servers already running; writes .relance/env
# shellcheck source=/dev/null
source "$repo/.relance/env"
run=$(date -u +%Y%m%d%H%M%S)
state="$repo/.relance/ingestion/$run"
mkdir -p "$state"
vhost=relance-bench-ingest
broker="${RELANCE_RABBITMQ%/}/$vhost"
management="${RELANCE_RABBITMQ_MANAGEMENT%/}"
# PostgreSQL's 100 connections are shared with whatever else runs: at most 20 for the Invoice and Reminder services
# (16 messages at once each, and Marten's daemon), 10 for the rest.
db() { echo "$RELANCE_POSTGRES;Database=relance_bench_ingest_$1;Maximum Pool Size=$([[ $1 == invoice || $1 == reminder ]] && echo 20 || echo 10)"; }
export PGPASSWORD=relance
psql_() { psql -q -h 127.0.0.1 -U relance -d postgres "$@"; }

# deploy/bench.sh builds the benchmark itself once (RELANCE_BENCH_BUILT); the services are built here in any case, so
# that what is measured is the code as it stands.
projects=(services/Invoice services/Reminder services/Correspondence)
[ -n "${RELANCE_BENCH_BUILT:-}" ] || projects+=(tools/Relance.IngestionBenchmark)
log "building (Release): ${projects[*]}"
for project in "${projects[@]}"; do
  dotnet build "$repo/$project" -c Release --nologo -v quiet -clp:ErrorsOnly >"$state/build.log" 2>&1 || { cat "$state/build.log" >&2; exit 2; }
done

fresh() {
  local database
  for database in invoice reminder correspondence raw; do psql_ -c "DROP DATABASE IF EXISTS relance_bench_ingest_$database WITH (FORCE)"; done
  curl -fsS -X DELETE "$management/api/vhosts/$vhost" -o /dev/null 2>/dev/null || true
}
log "fresh databases relance_bench_ingest_* and virtual host $vhost"
fresh
psql_ -c "CREATE DATABASE relance_bench_ingest_raw"
curl -fsS -X PUT "$management/api/vhosts/$vhost" -o /dev/null
curl -fsS -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
  "$management/api/permissions/$vhost/guest" -o /dev/null

declare -A pids=() ports=([Invoice]=5211 [Reminder]=5212 [Correspondence]=5213)
signing_key=$(head -c 48 /dev/urandom | base64 -w0)
start_service() { # folder
  # No reminder is due within the benchmark (an hour's grouping delay): it measures ingestion, not sending.
  ( cd "$repo/services/$1" &&
    ConnectionStrings__Marten="$(db "${1,,}")" ConnectionStrings__RabbitMq="$broker" \
    Audit__Stores__Invoice="$(db invoice)" Audit__Stores__Correspondence="$(db correspondence)" \
    Smtp__Host="${RELANCE_SMTP%:*}" Smtp__Port="${RELANCE_SMTP##*:}" \
    ASPNETCORE_URLS="http://127.0.0.1:${ports[$1]}" Auth__SigningKey="$signing_key" \
    Dunning__GroupingDelay=01:00:00 \
    exec dotnet "bin/Release/net10.0/Relance.$1.dll" ) >>"$state/${1,,}.log" 2>&1 &
  pids[$1]=$!
}
ready() { curl -fs -m 2 "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1; }

cleanup() {
  local code=$? service i
  trap - EXIT INT TERM
  for service in "${!pids[@]}"; do kill "${pids[$service]}" 2>/dev/null || true; done
  for ((i = 0; i < 20; i++)); do
    [ -n "$(for service in "${!pids[@]}"; do kill -0 "${pids[$service]}" 2>/dev/null && echo alive; done)" ] || break
    sleep 1
  done
  for service in "${!pids[@]}"; do kill -0 "${pids[$service]}" 2>/dev/null && { log "$service did not stop within 20 s: killed"; kill -9 "${pids[$service]}"; }; done
  wait 2>/dev/null || true
  fresh
  log "done in $(( $(date +%s) - started )) s (services' logs in $state)"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

log "starting the services on 5211-5213 (logs: $state/*.log)"
start_service Invoice; start_service Reminder; start_service Correspondence
for ((i = 0; ; i++)); do
  for service in "${!pids[@]}"; do
    kill -0 "${pids[$service]}" 2>/dev/null || { log "$service has stopped; see $state/${service,,}.log"; exit 2; }
  done
  ready 5211 && ready 5212 && ready 5213 && break
  [ "$i" -lt 240 ] || { log "the services did not become ready within 120 s"; exit 2; }
  sleep 0.5
done
log "services ready after $(( $(date +%s) - started )) s"

dotnet "$repo/tools/Relance.IngestionBenchmark/bin/Release/net10.0/relance-ingestion-benchmark.dll" \
  --rabbitmq "$broker" --invoice-db "$(db invoice)" --raw-db "$(db raw)" \
  --pids "Invoice:${pids[Invoice]},Reminder:${pids[Reminder]},Correspondence:${pids[Correspondence]}" \
  --command "bash tools/Relance.IngestionBenchmark/ingestion.sh${1:+ $*}" "$@"
