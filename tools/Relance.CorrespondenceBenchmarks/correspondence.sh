#!/usr/bin/env bash
# Correspondence throughput: letters rendered per second, emails sent per second to maildev (RELANCE_SMTP) and
# to Postfix's smtp-sink, a sink that accepts and discards mail, started here on a free port and stopped at the end.
# Extra arguments go to the benchmark (e.g. --seconds 30 --concurrency 16, --only letters,sink). Writes deploy/bench-results/correspondence.md
# (--out file: elsewhere). The letters and the smtp-sink figures are each followed by their raw baseline (RawLetter.cs, RawSmtp.cs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[ -f /work/main/.relance/env ] && [ -z "${RELANCE_SMTP:-}" ] && { set -a; source /work/main/.relance/env; set +a; }

if ! command -v smtp-sink >/dev/null && [ ! -x /usr/sbin/smtp-sink ]; then
  echo "installing Postfix for smtp-sink (configured as 'No configuration': no mail server is started)"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postfix >/dev/null
fi
SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# -u nobody: drop root after binding; 256: listen backlog. It answers every command 2xx and discards the data.
"$SINK" -u nobody "127.0.0.1:$port" 256 &
sink_pid=$!
trap 'kill "$sink_pid" 2>/dev/null || true' EXIT
sleep 0.5

# RELANCE_BENCH_BUILT: deploy/bench.sh built everything in Release already.
dotnet run -c Release ${RELANCE_BENCH_BUILT:+--no-build} --project tools/Relance.CorrespondenceBenchmarks -- correspondence --sink "127.0.0.1:$port" "$@"
