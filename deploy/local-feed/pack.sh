#!/usr/bin/env bash
# Builds the local package feed (deploy/local-feed/packages) that nuget.config points at.
# Idempotent: does nothing when the package is already there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/packages"
mkdir -p "$out"
if ! ls "$out"/patched.distributedlock.postgres.1.3.3.1.nupkg "$out"/Patched.DistributedLock.Postgres.1.3.3.1.nupkg >/dev/null 2>&1; then
  dotnet pack "$here/Patched.DistributedLock.Postgres/Patched.DistributedLock.Postgres.csproj" \
    -o "$out" --nologo -v quiet -p:NoDefaultExcludes=true >/dev/null
fi
