#!/usr/bin/env bash
# A real local cluster with one command:
#   scripts/cluster.sh start [--detach] [--fresh]
#                                         Azurite, two silos, two front ends (each its own process,
#                                         the built DLLs run with `dotnet <dll>`) and nginx in front
#                                         of the front ends (round-robin, no stickiness, WebSocket
#                                         upgrades passed), all on 127.0.0.1 with free ports.
#                                         In the foreground until Ctrl-C, which stops everything;
#                                         with --detach it returns once everything is ready.
#                                         Azurite keeps its data on disk in the run folder
#                                         (azurite-data/), so sessions, the key ring and durable
#                                         pushes survive a stop and start; --fresh starts empty.
#   scripts/cluster.sh stop               stops everything a detached start started.
# Environment: SENTE_CLUSTER_DIR (run folder with pid files, logs and cluster.env; default .cluster),
# SENTE_CLUSTER_CONFIGURATION (Release), SENTE_CLUSTER_BUILD (1; 0 uses what is built).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck disable=SC1091
source "$root/scripts/services.sh"

run="${SENTE_CLUSTER_DIR:-$root/.cluster}"
config="${SENTE_CLUSTER_CONFIGURATION:-Release}"
silo_dll="$root/src/Silo/bin/$config/net10.0/Orleans.Sente.Silo.dll"
front_end_dll="$root/src/WebFrontend/bin/$config/net10.0/Orleans.Sente.WebFrontend.dll"
ready_seconds=90

# env_line NAME VALUE: NAME='VALUE', quoted for the shell (the values hold no single quote).
env_line() { printf "%s='%s'\n" "$1" "$2"; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# stop_pid NAME: SIGTERM the process in NAME.pid, wait for it (bounded), then SIGKILL.
stop_pid() {
  local file="$run/$1.pid" pid deadline
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(( $(date +%s) + 20 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop_all() {
  [ -f "$run/nginx.pid" ] && stop_pid nginx
  for name in front-end-2 front-end-1 silo-2 silo-1 azurite; do stop_pid "$name"; done
}

# start_dotnet NAME DLL HTTP_PORT ENV...: runs a built app in the background, its pid in NAME.pid.
start_dotnet() {
  local name="$1" dll="$2" port="$3"; shift 3
  env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" DOTNET_NOLOGO=1 \
    dotnet "$dll" >"$run/logs/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
}

start() {
  local detach="" fresh=""
  for arg in "$@"; do
    case "$arg" in
      --detach) detach=1 ;;
      --fresh) fresh=1 ;;
      *) echo "unknown option $arg (start takes --detach and --fresh)" >&2; exit 2 ;;
    esac
  done
  if ls "$run"/*.pid >/dev/null 2>&1; then
    echo "A cluster is already running from $run; run scripts/cluster.sh stop first." >&2
    exit 1
  fi
  [ -n "$fresh" ] && rm -rf "$run/azurite-data"
  mkdir -p "$run/logs" "$run/nginx"
  if [ "${SENTE_CLUSTER_BUILD:-1}" = 1 ]; then
    echo "== build ($config)"
    dotnet build "$root/src/Silo/Silo.csproj" -c "$config" -nologo -v q >/dev/null
    dotnet build "$root/src/WebFrontend/WebFrontend.csproj" -c "$config" -nologo -v q >/dev/null
  fi
  [ -f "$silo_dll" ] && [ -f "$front_end_dll" ] || { echo "Build the silo and front end first ($config)." >&2; exit 1; }

  trap 'echo "start failed; logs in $run/logs"; stop_all; exit 1' ERR
  local started; started="$(now_ms)"
  sente_azurite_start "$run/azurite" "$run/logs/azurite.log" "$run/azurite-data"
  echo "$SENTE_AZURITE_PID" >"$run/azurite.pid"

  local cluster_id="sente-local-$(date +%s)" common silo_http=() front_http=()
  common=(Sente__Cluster__Mode=AzureStorage "Sente__Cluster__ConnectionString=$SENTE_AZURITE_CONNECTION"
          "Sente__Cluster__ClusterId=$cluster_id" Sente__Cluster__ServiceId=sente-local)
  for i in 1 2; do
    local http; http="$(sente_free_port)"; silo_http+=("$http")
    start_dotnet "silo-$i" "$silo_dll" "$http" "${common[@]}" Sente__Cluster__AdvertisedIPAddress=127.0.0.1 \
      "Sente__Silo__SiloPort=$(sente_free_port)" "Sente__Silo__GatewayPort=$(sente_free_port)" Sente__Silo__Dashboard=true
  done
  for http in "${silo_http[@]}"; do sente_wait_http "http://127.0.0.1:$http/health/ready" "$ready_seconds" 200; done
  for i in 1 2; do
    local http; http="$(sente_free_port)"; front_http+=("$http")
    start_dotnet "front-end-$i" "$front_end_dll" "$http" "${common[@]}"
  done
  for http in "${front_http[@]}"; do sente_wait_http "http://127.0.0.1:$http/health/ready" "$ready_seconds" 200; done

  local nginx_port; nginx_port="$(sente_free_port)"
  cat >"$run/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $run/nginx.pid;
error_log $run/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $run/nginx/body;
  proxy_temp_path $run/nginx/proxy;
  fastcgi_temp_path $run/nginx/fastcgi;
  uwsgi_temp_path $run/nginx/uwsgi;
  scgi_temp_path $run/nginx/scgi;
  # Round-robin over the front ends, no stickiness: any request may land on either.
  upstream sente_front_ends {
    server 127.0.0.1:${front_http[0]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${front_http[1]} max_fails=1 fail_timeout=5s;
  }
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://sente_front_ends;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_read_timeout 1h;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
CONF
  nginx -c "$run/nginx/nginx.conf" -p "$run/nginx" -e "$run/logs/nginx-error.log"
  sente_wait_http "http://127.0.0.1:$nginx_port/health/ready" 30 200
  local took=$(( $(now_ms) - started ))
  trap - ERR

  # Shell syntax, each value single-quoted (the connection string holds ';'): `source` reads it.
  {
    env_line SENTE_CLUSTER_URL "http://127.0.0.1:$nginx_port"
    env_line SENTE_CLUSTER_CONNECTION "$SENTE_AZURITE_CONNECTION"
    env_line SENTE_CLUSTER_ID "$cluster_id"
    env_line SENTE_CLUSTER_SERVICE_ID sente-local
    env_line SENTE_CLUSTER_SILO_1 "http://127.0.0.1:${silo_http[0]}"
    env_line SENTE_CLUSTER_SILO_2 "http://127.0.0.1:${silo_http[1]}"
    env_line SENTE_CLUSTER_FRONT_END_1 "http://127.0.0.1:${front_http[0]}"
    env_line SENTE_CLUSTER_FRONT_END_2 "http://127.0.0.1:${front_http[1]}"
    env_line SENTE_CLUSTER_START_MS "$took"
  } >"$run/cluster.env"
  cat <<MSG
== cluster ready in ${took} ms (run folder $run)
   open http://127.0.0.1:$nginx_port/ in a browser (nginx, round-robin over both front ends)
   front ends: http://127.0.0.1:${front_http[0]}  http://127.0.0.1:${front_http[1]}
   silos:      http://127.0.0.1:${silo_http[0]}/dashboard  http://127.0.0.1:${silo_http[1]}/dashboard
   each also serves /health/live, /health/ready and /metrics; logs in $run/logs
MSG
  if [ -z "$detach" ]; then
    echo "   Ctrl-C stops everything"
    trap 'echo; echo "== stopping"; stop_all; exit 0' INT TERM
    while :; do sleep 1 & wait $!; done
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop_all; echo "== stopped" ;;
  *) echo "usage: $0 start [--detach] [--fresh] | stop" >&2; exit 2 ;;
esac
