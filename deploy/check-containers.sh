#!/usr/bin/env bash
# What can be checked of the container set-up without a Docker engine: docker-compose.yml parses and is
# complete (with Debian's docker-compose), and each service publishes in Release exactly as its Dockerfile
# does. With a Docker engine, `docker compose build` checks the rest.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
bash deploy/local-feed/pack.sh   # the Dockerfiles run it too, before their restore

if ! command -v docker-compose >/dev/null; then
  [ "$(id -u)" = 0 ] && { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }
fi
docker-compose -f docker-compose.yml config -q
echo "[containers] docker-compose.yml is valid"

for service in $(docker-compose -f docker-compose.yml config --services); do
  dockerfile=$(docker-compose -f docker-compose.yml config | awk -v s="  $service:" '/^  [^ ]/ {f = ($0 == s)} f && /dockerfile:/ {print $2; exit}')
  [ -n "$dockerfile" ] || continue
  [ -f "$dockerfile" ] || { echo "[containers] $service: $dockerfile is missing" >&2; exit 1; }
  project=$(sed -n 's#.*dotnet publish \([^ ]*\.csproj\).*#\1#p' "$dockerfile")
  [ -f "$project" ] || { echo "[containers] $dockerfile publishes $project, which does not exist" >&2; exit 1; }
  grep -q '^USER ' "$dockerfile" || { echo "[containers] $dockerfile runs as root" >&2; exit 1; }
  out=$(mktemp -d)
  dotnet publish "$project" -c Release -o "$out" --nologo -v quiet -clp:ErrorsOnly
  entry=$(sed -n 's#^ENTRYPOINT \["dotnet", "\([^"]*\)"\]#\1#p' "$dockerfile")
  [ -f "$out/$entry" ] || { echo "[containers] $dockerfile starts $entry, which the publish did not produce" >&2; exit 1; }
  rm -rf "$out"
  echo "[containers] $service: $dockerfile publishes $entry"
done
