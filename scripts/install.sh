#!/usr/bin/env bash
# Installs what the project's tests and tools need on a fresh machine: Debian packages
# (Chromium for browser tests, Redis for the benchmark baseline, nginx for the local
# cluster), the pinned npm packages (Azurite; TypeScript for the JS client's type tests), and
# the NuGet packages (restore).
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in chromium redis-server nginx; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -f tools/package.json ]; then
  if [ ! -d tools/node_modules/azurite ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
    echo "== npm ci (tools)"
    (cd tools && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# The JS client's dev tools: TypeScript for its type-level tests.
if [ ! -d clients/js/node_modules/typescript ] || [ clients/js/package-lock.json -nt clients/js/node_modules/.package-lock.json ]; then
  echo "== npm ci (clients/js)"
  (cd clients/js && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== dotnet restore"
dotnet restore Orleans.Sente.sln -nologo -v q
