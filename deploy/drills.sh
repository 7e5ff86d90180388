#!/usr/bin/env bash
# Fault drills (issue 8; README "Fault drills"): with ERP traffic flowing, kill -9 each service and start it again,
# restart RabbitMQ, restart PostgreSQL; after each, wait for the system to settle and check that no invoice was lost,
# no reminder was sent twice or after its invoice's payment, no unpaid invoice went without its reminder, and every
# service became ready again by itself. Writes the counts to deploy/bench-results/drills.md.
#
# Too long and too destructive for CI: it restarts this machine's RabbitMQ node and PostgreSQL cluster, which
# breaks whatever else uses them meanwhile (tests). The services run as processes from a Release build on ports
# 5201-5203, on databases (relance_drill_*) and a RabbitMQ virtual host (relance-drill) of their own, dropped
# and made again at each run, so a developer's data and deploy/up.sh (5101-5103) are not touched.
#   deploy/drills.sh                  every drill (about 7 minutes)
#   deploy/drills.sh --servers-alone  only the drills that leave the shared servers running: kill -9 each service, and
#                                     cut the services' own connections to RabbitMQ and to PostgreSQL (safe beside tests)
#   deploy/drills.sh --only restart-rabbitmq,restart-postgresql   these drills only
# RELANCE_DRILL_NAME (default: drill) and RELANCE_DRILL_PORT (default: 5201) let two runs go side by side, each on
# databases, a virtual host and ports of its own (relance_<name>_*, relance-<name>, ports PORT to PORT+2).
# Exit code 0 when every check passed, 1 when one failed, 2 when the drills could not run.
set -euo pipefail
all_drills="kill-invoice,kill-reminder,kill-correspondence,drop-rabbitmq-connections,drop-postgresql-connections,restart-rabbitmq,restart-postgresql"
servers_alone="kill-invoice,kill-reminder,kill-correspondence,drop-rabbitmq-connections,drop-postgresql-connections"
only="$all_drills"
case "${1:-}" in
  "") ;;
  --servers-alone) only="$servers_alone" ;;
  --only) only="${2:?--only needs a comma-separated list of: $all_drills}" ;;
  *) echo "usage: deploy/drills.sh [--servers-alone | --only $all_drills]" >&2; exit 2 ;;
esac
for d in ${only//,/ }; do [[ ",$all_drills," == *",$d,"* ]] || { echo "[drills] unknown drill '$d' (known: $all_drills)" >&2; exit 2; }; done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LEAD=${RELANCE_DRILL_LEAD:-10}   # seconds of traffic before the fault
TAIL=${RELANCE_DRILL_TAIL:-10}   # seconds of traffic after every service is ready again
DOWN=${RELANCE_DRILL_DOWN:-3}    # seconds a killed service stays down, messages queuing for it
RATE=${RELANCE_DRILL_RATE:-3}    # invoices a second (half of them paid 0.3 to 10 s later)
started=$(date +%s)
log() { printf '[drills] %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

bash "$repo/deploy/infra.sh"
# shellcheck source=/dev/null
source "$repo/.relance/env"

run=$(date -u +%Y%m%d%H%M%S)
state="$repo/.relance/drills/$run"
mkdir -p "$state"
name=${RELANCE_DRILL_NAME:-drill}
port=${RELANCE_DRILL_PORT:-5201}
vhost=relance-$name
broker="${RELANCE_RABBITMQ%/}/$vhost"
management="${RELANCE_RABBITMQ_MANAGEMENT%/}"
# At most 20 connections a service: PostgreSQL's 100 are shared with whatever else runs (a test suite takes 60).
db() { echo "$RELANCE_POSTGRES;Database=relance_${name}_$1;Maximum Pool Size=20"; }
rabbit_node=rabbit@localhost
read -r pg_version pg_cluster _ < <(pg_lsclusters --no-header | head -n 1)

log "building (Release)"
for project in services/Invoice services/Reminder services/Correspondence tools/Relance.Drills; do
  dotnet build "$repo/$project" -c Release --nologo -v quiet -clp:ErrorsOnly >"$state/build.log" 2>&1 || { cat "$state/build.log" >&2; exit 2; }
done
drills_tool=("dotnet" "$repo/tools/Relance.Drills/bin/Release/net10.0/relance-drills.dll")

log "fresh databases relance_${name}_* and virtual host $vhost"
export PGPASSWORD=relance
for service in invoice reminder correspondence; do
  psql -q -h 127.0.0.1 -U relance -d postgres -c "DROP DATABASE IF EXISTS relance_${name}_$service WITH (FORCE)"
done
curl -fsS -X DELETE "$management/api/vhosts/$vhost" -o /dev/null 2>/dev/null || true
curl -fsS -X PUT "$management/api/vhosts/$vhost" -o /dev/null
curl -fsS -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
  "$management/api/permissions/$vhost/guest" -o /dev/null

declare -A pids=() ports=([Invoice]=$port [Reminder]=$((port + 1)) [Correspondence]=$((port + 2)))
traffic_pid=""
signing_key=$(head -c 48 /dev/urandom | base64 -w0)

start_service() { # folder
  ( cd "$repo/services/$1" &&
    ConnectionStrings__Marten="$(db "${1,,}")" ConnectionStrings__RabbitMq="$broker" \
    Audit__Stores__Invoice="$(db invoice)" Audit__Stores__Correspondence="$(db correspondence)" \
    Smtp__Host="${RELANCE_SMTP%:*}" Smtp__Port="${RELANCE_SMTP##*:}" \
    ASPNETCORE_URLS="http://127.0.0.1:${ports[$1]}" Auth__SigningKey="$signing_key" \
    Dunning__SendWindowStart=00:00 Dunning__SendWindowEnd=23:59:59 \
    Dunning__GroupingDelay=00:00:03 Reminder__Scheduler__PollInterval=00:00:01 \
    exec dotnet "bin/Release/net10.0/Relance.$1.dll" ) >>"$state/${1,,}.log" 2>&1 &
  pids[$1]=$!
}

ready() { curl -fs -m 2 "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1; }
# Seconds until the three services are ready, each process still the one started (none crashed); fails after $1 s.
wait_ready() {
  local from i service
  from=$(now)
  for ((i = 0; i < $1 * 2; i++)); do
    for service in "${!pids[@]}"; do
      kill -0 "${pids[$service]}" 2>/dev/null || { log "$service (pid ${pids[$service]}) has stopped; see $state/${service,,}.log"; return 1; }
    done
    if ready "${ports[Invoice]}" && ready "${ports[Reminder]}" && ready "${ports[Correspondence]}"; then since "$from"; return 0; fi
    sleep 0.5
  done
  for service in "${!ports[@]}"; do ready "${ports[$service]}" || log "$service is not ready: $(curl -s -m 2 "http://127.0.0.1:${ports[$service]}/health/ready")"; done
  return 1
}

cleanup() {
  trap - EXIT INT TERM
  [ -z "$traffic_pid" ] || kill "$traffic_pid" 2>/dev/null || true
  for service in "${!pids[@]}"; do kill "${pids[$service]}" 2>/dev/null || true; done
  # A service that does not stop within 20 s (the Invoice service did not, once its endpoints were lost) is killed.
  local i
  for ((i = 0; i < 20; i++)); do
    [ -n "$(for service in "${!pids[@]}"; do kill -0 "${pids[$service]}" 2>/dev/null && echo alive; done)" ] || break
    sleep 1
  done
  for service in "${!pids[@]}"; do kill -0 "${pids[$service]}" 2>/dev/null && { log "$service did not stop within 20 s: killed"; kill -9 "${pids[$service]}"; }; done
  wait 2>/dev/null || true
  # A drill interrupted halfway must not leave the shared servers down.
  (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null || rabbitmqctl -n "$rabbit_node" -q start_app >/dev/null 2>&1 || true
  pg_ctlcluster "$pg_version" "$pg_cluster" status >/dev/null 2>&1 || pg_ctlcluster "$pg_version" "$pg_cluster" start || true
  curl -fsS -X DELETE "$management/api/vhosts/$vhost" -o /dev/null 2>/dev/null || true
  log "stopped the services; logs and ledgers in $state (databases relance_${name}_* kept for inspection)"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

log "starting the services on ports $port-$((port + 2)) (logs: $state/*.log)"
start_service Invoice; start_service Reminder; start_service Correspondence
wait_ready 120 >/dev/null || { log "the services did not become ready"; exit 2; }

# The faults. Each returns once the fault is done; recovery is measured from its start.
fault_kill() { # service
  kill -9 "${pids[$1]}"; wait "${pids[$1]}" 2>/dev/null || true
  sleep "$DOWN"
  start_service "$1"
}
fault_rabbitmq() {
  rabbitmqctl -n "$rabbit_node" -q stop_app
  sleep "$DOWN"
  rabbitmqctl -n "$rabbit_node" -q start_app
}
fault_postgresql() { pg_ctlcluster "$pg_version" "$pg_cluster" restart; }
# The same losses for the drill's services alone: the servers keep running for everyone else.
fault_drop_rabbitmq() {
  local connection
  for connection in $(curl -fsS "$management/api/vhosts/$vhost/connections" | jq -r '.[] | select(.client_properties.connection_name != "relance-drills") | .name | @uri'); do
    curl -fsS -X DELETE "$management/api/connections/$connection" -o /dev/null || true
  done
}
fault_drop_postgresql() {
  psql -qtA -h 127.0.0.1 -U relance -d postgres -c \
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname LIKE 'relance\_${name}\_%' AND pid <> pg_backend_pid()" >/dev/null
}

results="$state/results.tsv"
failed=0
check() { # ledgers (comma-separated) → one JSON line
  "${drills_tool[@]}" check --run "$run" --ledgers "$1" --invoice-db "$(db invoice)" --reminder-db "$(db reminder)" \
    --correspondence-db "$(db correspondence)" --capture "$RELANCE_SMTP_CAPTURE" --timeout 120
}
record() { # drill, JSON counts, recovery seconds, "ready" when the services were still ready after the check
  local verdict
  jq -e . >/dev/null 2>&1 <<<"$2" || { log "$1: the check printed no counts: $2"; failed=1; printf '%s\t-\t-\t-\t-\t-\t-\t-\t%s\t-\tFAIL\n' "$1" "$3" >>"$results"; return; }
  verdict=$(jq -r 'if .ok then "pass" else "FAIL" end' <<<"$2")
  [ "$4" = ready ] || { verdict=FAIL; log "$1: a service was not ready after the check"; }
  [ "$verdict" = pass ] || failed=1
  jq -r --arg drill "$1" --arg recovery "$3" --arg verdict "$verdict" \
    '[$drill, .published, .stored, .payments, .reminders, .duplicates, "\(.afterPayment) (\(.requestedAfterPayment))", .missing, $recovery, .settleSeconds, $verdict] | @tsv' \
    <<<"$2" >>"$results"
  jq -r --arg drill "$1" --arg recovery "$3" --arg verdict "$verdict" \
    '"[drills] \($drill): \(.published) invoices published, \(.stored) stored, \(.payments) paid, \(.reminders) reminders, \(.duplicates) sent twice, \(.afterPayment) after payment (\(.requestedAfterPayment) requested after it), \(.missing) missing; ready again in \($recovery) s, settled in \(.settleSeconds) s: \($verdict)"' <<<"$2"
  jq -r '.findings[] | "[drills]   " + .' <<<"$2" >&2
}

drill() { # name, fault function, its argument
  local ledger="$state/$1.tsv" t0 recovery counts
  log "$1: traffic for ${LEAD} s, then the fault"
  "${drills_tool[@]}" traffic --rabbitmq "$broker" --run "$run" --drill "$1" --ledger "$ledger" --rate "$RATE" >>"$state/traffic.log" 2>&1 &
  traffic_pid=$!
  sleep "$LEAD"
  t0=$(now)
  "$2" "${3:-}"
  wait_ready 180 >/dev/null || { log "$1: the services did not become ready again within 180 s without help: a finding"; exit 1; }
  recovery=$(since "$t0")
  log "$1: every service ready again ${recovery} s after the fault began; traffic for ${TAIL} s more"
  sleep "$TAIL"
  kill -TERM "$traffic_pid"; wait "$traffic_pid" || true; traffic_pid=""
  counts=$(check "$ledger") || true
  record "$1" "$counts" "$recovery" "$(wait_ready 30 >/dev/null && echo ready)"
  # Messages that failed every retry are kept there (none expected: a failure would show in the counts too).
  log "$1: $(curl -fsS "$management/api/queues/$vhost" | jq -r '[.[] | select(.name | endswith("_error")) | "\(.name): \(.messages // 0)"] | if length == 0 then "no _error queue" else join(", ") end') (the management API's figures lag by a few seconds)"
  ledgers+="${ledgers:+,}$ledger"
}

ledgers=""
for d in ${only//,/ }; do
  case "$d" in
    kill-invoice) drill "$d" fault_kill Invoice ;;
    kill-reminder) drill "$d" fault_kill Reminder ;;
    kill-correspondence) drill "$d" fault_kill Correspondence ;;
    drop-rabbitmq-connections) drill "$d" fault_drop_rabbitmq ;;
    drop-postgresql-connections) drill "$d" fault_drop_postgresql ;;
    restart-rabbitmq) drill "$d" fault_rabbitmq ;;
    restart-postgresql) drill "$d" fault_postgresql ;;
  esac
done
# Once more over every drill's invoices: a duplicate or a late reminder caused by a later drill shows here.
counts=$(check "$ledgers") || true
record "all drills, checked again at the end" "$counts" "-" "$(wait_ready 30 >/dev/null && echo ready)"

minutes=$(( ($(date +%s) - started) / 60 )); seconds=$(( ($(date +%s) - started) % 60 ))
out="$repo/deploy/bench-results/drills.md"
{
  echo "# Fault drills"
  echo
  prefix=""; [ "$name" = drill ] && [ "$port" = 5201 ] || prefix="RELANCE_DRILL_NAME=$name RELANCE_DRILL_PORT=$port "
  echo "\`${prefix}deploy/drills.sh${1:+ $*}\`, run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores in ${minutes} min ${seconds} s;"
  echo "traffic: ${RATE} invoices/s (one new customer each, its courtesy reminder due at once), half of them paid 0.3 to 10 s later."
  echo "A killed service stays down ${DOWN} s; RabbitMQ is stopped (\`rabbitmqctl stop_app\`) for ${DOWN} s; PostgreSQL is restarted (\`pg_ctlcluster restart\`)."
  echo
  echo "| drill | published | stored | paid | reminders sent | sent twice | after payment (requested after it) | unpaid not reminded | ready again (s) | settled (s) | result |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' '{ line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$results"
  echo
  echo "*published*: invoices the broker confirmed; *stored*: of those, in the Invoice service's store; *reminders sent*: captured"
  echo "by the SMTP server; *sent twice*: the same step emailed twice to one customer (each invoice has its own customer);"
  echo "*after payment*: written by the Correspondence service after the Reminder service had recorded the invoice's payment"
  echo "(in brackets: of those, requested by the Reminder service after it had recorded the payment; the others were handed over before);"
  echo "*unpaid not reminded*: invoices never paid whose courtesy reminder never arrived; *ready again*: from the fault's start"
  echo "until the three services answer \`/health/ready\` (PostgreSQL, RabbitMQ, Marten's daemon), with no manual action;"
  echo "*settled*: how long the check waited for the counts to be final."
} >"$out"
log "done in ${minutes} min ${seconds} s; table in deploy/bench-results/drills.md"
exit "$failed"
