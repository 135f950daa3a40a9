#!/usr/bin/env bash
# Services the tests need, sourced by scripts/test.sh (and by scripts/cluster.sh for its helpers):
#   services_start   starts Azurite (tools/node_modules, pinned in tools/package.json) on 127.0.0.1
#                    with free ports and exports SENTE_TEST_AZURE_STORAGE, the explicit
#                    devstoreaccount1 connection string with Blob, Queue and Table endpoints;
#   services_stop    stops it.
# Tests that find SENTE_TEST_AZURE_STORAGE unset start Azurite themselves, so `dotnet test` alone works.

_sente_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The well-known key of Azurite's devstoreaccount1 (public, the emulator's only account).
SENTE_AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

# A TCP port free on 127.0.0.1 right now.
sente_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# sente_wait_http URL SECONDS [EXPECTED_CODE]: waits until URL answers (with EXPECTED_CODE if given).
sente_wait_http() {
  local url="$1" seconds="$2" expected="${3:-}" deadline code
  deadline=$(( $(date +%s) + seconds ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)"
    if [ -n "$code" ] && [ "$code" != "000" ] && { [ -z "$expected" ] || [ "$code" = "$expected" ]; }; then
      return 0
    fi
    sleep 0.2
  done
  echo "no answer from $url within ${seconds}s" >&2
  return 1
}

# sente_azurite_start DIR LOG [DATA [BLOB_PORT QUEUE_PORT TABLE_PORT]]: starts Azurite in the
# background on loopback ports, free ones unless given (DIR is its working folder, for the debug
# files it may write). With DATA, Azurite keeps its blobs, queues and tables on disk in that
# folder, so a restart finds them; without, in memory. Given ports and the same DATA start it again
# where its clients expect it. Sets SENTE_AZURITE_PID and SENTE_AZURITE_CONNECTION.
sente_azurite_start() {
  local dir="$1" log="$2" data="${3:-}" azurite="$_sente_root/tools/node_modules/.bin/azurite" blob="${4:-}" queue="${5:-}" table="${6:-}"
  local persistence=(--inMemoryPersistence)
  if [ -n "$data" ]; then
    mkdir -p "$data"
    persistence=(--location "$data")
  fi
  if [ ! -x "$azurite" ]; then
    (cd "$_sente_root/tools" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
  mkdir -p "$dir"
  [ -n "$blob" ] || blob="$(sente_free_port)"
  [ -n "$queue" ] || queue="$(sente_free_port)"
  [ -n "$table" ] || table="$(sente_free_port)"
  (cd "$dir" && exec "$azurite" "${persistence[@]}" --silent --loose --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$blob" \
    --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table") >"$log" 2>&1 &
  SENTE_AZURITE_PID=$!
  SENTE_AZURITE_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$SENTE_AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  sente_wait_http "http://127.0.0.1:$blob/devstoreaccount1?comp=list" 60 \
    && sente_wait_http "http://127.0.0.1:$table/devstoreaccount1/Tables" 60 \
    || { kill "$SENTE_AZURITE_PID" 2>/dev/null; cat "$log" >&2; return 1; }
}

services_start() {
  _sente_services_dir="$(mktemp -d)"
  sente_azurite_start "$_sente_services_dir/azurite" "$_sente_services_dir/azurite.log" || return 1
  _sente_services_azurite_pid="$SENTE_AZURITE_PID"
  export SENTE_TEST_AZURE_STORAGE="$SENTE_AZURITE_CONNECTION"
  echo "== Azurite on 127.0.0.1 (pid $_sente_services_azurite_pid)"
}

services_stop() {
  if [ -n "${_sente_services_azurite_pid:-}" ]; then
    kill "$_sente_services_azurite_pid" 2>/dev/null && wait "$_sente_services_azurite_pid" 2>/dev/null
    _sente_services_azurite_pid=""
  fi
  [ -n "${_sente_services_dir:-}" ] && rm -rf "$_sente_services_dir"
  unset SENTE_TEST_AZURE_STORAGE
  return 0
}
