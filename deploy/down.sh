#!/usr/bin/env bash
# Stops the servers deploy/infra.sh started (RabbitMQ, maildev) and the PostgreSQL cluster.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$repo/.relance"
for name in maildev rabbitmq; do
  [ -f "$state/$name.pid" ] && kill "$(cat "$state/$name.pid")" 2>/dev/null && echo "stopped $name"
  rm -f "$state/$name.pid"
done
RABBITMQ_NODENAME=rabbit@localhost rabbitmqctl stop >/dev/null 2>&1 || true
command -v pg_lsclusters >/dev/null && pg_lsclusters --no-header | while read -r version cluster _; do
  pg_ctlcluster "$version" "$cluster" stop 2>/dev/null && echo "stopped PostgreSQL $version/$cluster"
done
exit 0
