#!/usr/bin/env bash
# Ensures Relance's infrastructure runs on loopback: PostgreSQL, RabbitMQ (with its management UI) and an
# SMTP server that captures mail (maildev). Installs what is missing from Debian packages and npm, reuses
# servers already listening, and starts the others in the background (no systemd needed).
# Writes the connection settings to .relance/env, which deploy/up.sh and deploy/test.sh source.
# Source this file or run it; it is idempotent.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$repo/.relance"
mkdir -p "$state"

PG_PORT="${RELANCE_PG_PORT:-5432}"
AMQP_PORT="${RELANCE_AMQP_PORT:-5672}"
SMTP_PORT="${RELANCE_SMTP_PORT:-1025}"
SMTP_WEB_PORT="${RELANCE_SMTP_WEB_PORT:-1080}"

log() { printf '[infra] %s\n' "$*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # port, name, seconds
  local i
  for ((i = 0; i < $3; i++)); do listening "$1" && return 0; sleep 1; done
  log "$2 did not start listening on 127.0.0.1:$1 within $3 s; see $state/*.log"; return 1
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { log "apt-get update"; as_root apt-get update -qq; apt_updated=1; }
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$state/apt.log" 2>&1 \
    || { cat "$state/apt.log" >&2; return 1; }
}

ensure_tools() {
  command -v dotnet >/dev/null || { log "the .NET 10 SDK is required (https://dot.net); install it first"; exit 1; }
  command -v curl >/dev/null || apt_install curl ca-certificates
  # The Correspondence service writes its letters (PDF) in DejaVu Sans, read from this package's files.
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] \
    || apt_install fonts-dejavu-core
}

ensure_postgres() {
  if ! listening "$PG_PORT"; then
    command -v pg_lsclusters >/dev/null || apt_install postgresql
    local version cluster
    read -r version cluster _ < <(pg_lsclusters --no-header | head -n 1) || true
    [ -n "${version:-}" ] || { as_root pg_createcluster 15 main >/dev/null; version=15; cluster=main; }
    # The test suite runs two systems of three services side by side, each with its connection pools: the
    # package's 100 connections leave little room. Read at start, so set before it.
    as_root pg_conftool "$version" "$cluster" set max_connections 200 || true
    log "starting PostgreSQL $version/$cluster"
    # Not fatal by itself: the cluster may be starting already; what counts is that the port opens.
    as_root pg_ctlcluster "$version" "$cluster" start || true
    wait_for "$PG_PORT" PostgreSQL 30
  fi
  # A role for Relance that may create its databases (one per service, one per test run).
  if command -v psql >/dev/null && id postgres >/dev/null 2>&1; then
    (cd / && as_root su postgres -c "psql -qtA -p $PG_PORT -c \"SELECT 1 FROM pg_roles WHERE rolname='relance'\"") | grep -q 1 \
      || (cd / && as_root su postgres -c "psql -q -p $PG_PORT -c \"CREATE ROLE relance LOGIN CREATEDB PASSWORD 'relance'\"")
  fi
}

ensure_rabbitmq() {
  if ! listening "$AMQP_PORT"; then
    command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
    as_root rabbitmq-plugins --offline enable rabbitmq_management >/dev/null
  fi
  # The package's own start-up (where a service manager runs) may have opened the port meanwhile.
  if ! listening "$AMQP_PORT"; then
    log "starting RabbitMQ (rabbit@localhost)"
    local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
    ( nohup "${sudo[@]}" env RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 rabbitmq-server >"$state/rabbitmq.log" 2>&1 &
      echo $! >"$state/rabbitmq.pid" )
    wait_for "$AMQP_PORT" RabbitMQ 90
  fi
  # The management API answers a little after the AMQP port opens; the test fixtures need it.
  local i
  for ((i = 0; i < 30; i++)); do listening 15672 && return 0; sleep 1; done
  log "RabbitMQ's management plugin is not listening on 15672: enable it with 'rabbitmq-plugins enable rabbitmq_management'"
  return 1
}

ensure_smtp_capture() {
  if ! listening "$SMTP_PORT"; then
    command -v npm >/dev/null || apt_install nodejs npm
    if [ ! -x "$repo/deploy/smtp/node_modules/.bin/maildev" ]; then
      log "installing maildev (npm ci)"
      npm ci --prefix "$repo/deploy/smtp" --no-audit --no-fund --loglevel=error >"$state/npm.log" 2>&1 \
        || { cat "$state/npm.log" >&2; return 1; }
    fi
    log "starting maildev: SMTP 127.0.0.1:$SMTP_PORT, mail at http://127.0.0.1:$SMTP_WEB_PORT"
    ( nohup "$repo/deploy/smtp/node_modules/.bin/maildev" --ip 127.0.0.1 --smtp "$SMTP_PORT" --web "$SMTP_WEB_PORT" \
        >"$state/maildev.log" 2>&1 & echo $! >"$state/maildev.pid" )
    wait_for "$SMTP_PORT" maildev 30
    wait_for "$SMTP_WEB_PORT" "maildev's web API" 30
  fi
}

ensure_tools
ensure_postgres
ensure_rabbitmq
ensure_smtp_capture
bash "$repo/deploy/local-feed/pack.sh"

cat >"$state/env" <<ENV
export RELANCE_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=relance;Password=relance'
export RELANCE_RABBITMQ='amqp://guest:guest@127.0.0.1:$AMQP_PORT/'
export RELANCE_RABBITMQ_MANAGEMENT='http://guest:guest@127.0.0.1:15672/'
export RELANCE_SMTP='127.0.0.1:$SMTP_PORT'
export RELANCE_SMTP_CAPTURE='http://127.0.0.1:$SMTP_WEB_PORT/'
ENV
log "ready: PostgreSQL :$PG_PORT, RabbitMQ :$AMQP_PORT (UI http://127.0.0.1:15672, guest/guest), SMTP :$SMTP_PORT (mail http://127.0.0.1:$SMTP_WEB_PORT)"
