#!/usr/bin/env bash
# Brings Relance up on this machine: PostgreSQL, RabbitMQ and an SMTP capture server on loopback (installed
# from Debian packages and npm when missing, reused when already running), then the three services in the
# foreground. Ctrl-C stops the services (the servers keep running; deploy/down.sh stops them).
# A development set-up: reminders may leave at any hour here (RELANCE_SEND_WINDOW_START/END to change
# that), where the services' own default is 08:00-18:00 Paris time.
#   deploy/up.sh --demo   also runs the ERP simulator, so that invoices, payments and reminders flow.
set -euo pipefail
demo=0
case "${1:-}" in
  "") ;;
  --demo) demo=1 ;;
  *) echo "usage: deploy/up.sh [--demo]" >&2; exit 2 ;;
esac
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$repo/deploy/infra.sh"
# shellcheck source=/dev/null
source "$repo/.relance/env"

# The services check users' tokens against a development signing key, made once and kept in .relance/auth.env
# (never committed): `source .relance/auth.env` lets `dotnet run --project services/Reminder -- token …` sign with it.
if [ ! -s "$repo/.relance/auth.env" ]; then
  ( umask 077; echo "export Auth__SigningKey='$(head -c 48 /dev/urandom | base64 -w0)'" >"$repo/.relance/auth.env" )
  echo "[up] made a development signing key for tokens: .relance/auth.env"
fi
# shellcheck source=/dev/null
source "$repo/.relance/auth.env"

echo "[up] building"
dotnet build "$repo/Relance.sln" -c Release --nologo -v quiet -clp:ErrorsOnly
[ "$demo" = 0 ] || dotnet build "$repo/tools/Relance.ErpSimulator" -c Release --nologo -v quiet -clp:ErrorsOnly

for port in 5101 5102 5103; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "[up] port $port is taken (an earlier deploy/up.sh still running?); stop it first" >&2; exit 1
  fi
done

pids=()
stop() { trap - INT TERM EXIT; echo; echo "[up] stopping the services"; kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; }
trap stop EXIT
trap "stop; exit 0" INT TERM

run() { # service folder, database, port
  ( cd "$repo/services/$1" &&
    ConnectionStrings__Marten="$RELANCE_POSTGRES;Database=$2" \
    ConnectionStrings__RabbitMq="$RELANCE_RABBITMQ" \
    Audit__Stores__Invoice="$RELANCE_POSTGRES;Database=relance_invoice" Audit__Stores__Correspondence="$RELANCE_POSTGRES;Database=relance_correspondence" \
    Smtp__Host="${RELANCE_SMTP%:*}" Smtp__Port="${RELANCE_SMTP##*:}" \
    ASPNETCORE_URLS="http://127.0.0.1:$3" Auth__SigningKey="$Auth__SigningKey" \
    Dunning__SendWindowStart="${RELANCE_SEND_WINDOW_START:-00:00}" Dunning__SendWindowEnd="${RELANCE_SEND_WINDOW_END:-23:59:59}" \
    exec dotnet "bin/Release/net10.0/Relance.$1.dll" ) &
  pids+=($!)
}
run Invoice relance_invoice 5101
run Reminder relance_reminder 5102
run Correspondence relance_correspondence 5103

for port in 5101 5102 5103; do
  for _ in $(seq 1 60); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 || { echo "[up] the service on port $port is not ready; see its logs above" >&2; exit 1; }
done

if [ "$demo" = 1 ]; then
  # Numbers follow the seed and dates today: one seed a day replays the same invoices, not conflicting ones.
  dotnet "$repo/tools/Relance.ErpSimulator/bin/Release/net10.0/relance-erp-simulator.dll" demo \
    --rabbitmq "$RELANCE_RABBITMQ" --seed "$(date +%Y%m%d)" >"$repo/.relance/demo.log" 2>&1 &
  pids+=($!)
  echo "[up] the ERP simulator publishes demo traffic: tail -f .relance/demo.log; reminders arrive in the captured mail"
fi

cat <<INFO

[up] Relance is running (logs above and below, JSON lines).
     Invoice         http://127.0.0.1:5101   (/health/ready, /invoices/{company}/{number})
     Reminder        http://127.0.0.1:5102   (/health/ready, /cases/{company}/{customer}/{currency})
     Correspondence  http://127.0.0.1:5103   (/health/ready, /correspondences/{id})
     Captured mail   ${RELANCE_SMTP_CAPTURE}
     RabbitMQ UI     http://127.0.0.1:15672  (guest / guest)
     Publish an invoice as an ERP would: see "Publish an invoice" in README.md. Ctrl-C stops the services.

     The APIs want a bearer token (roles: collector, manager, auditor, admin); in another terminal:
       source .relance/auth.env
       TOKEN=\$(dotnet run --project services/Reminder -- token --user alice --role manager --company ACME)
       curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:5102/cases/ACME/C-042/EUR
     OpenAPI: http://127.0.0.1:5102/openapi/v1.json (and on 5101, 5103)

INFO
# Until Ctrl-C, or until one of the services stops by itself (then the others are stopped too).
wait -n "${pids[@]}"
echo "[up] a service stopped; see its logs above" >&2
exit 1
