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
#   scripts/cluster.sh restart-one NAME   starts again one silo or front end (silo-1, silo-2,
#                                         front-end-1, front-end-2) of a detached cluster after its
#                                         process died (killed, or a silo its cluster declared dead),
#                                         on new free ports; cluster.env gets its new addresses and,
#                                         for a front end, nginx reloads with the new upstream.
#                                         `restart-one azurite` starts Azurite again on its former
#                                         ports with the same data folder (the silos and front ends
#                                         keep their connection string).
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

# pid_alive PID: the process runs (an exited one its parent has not reaped yet, a zombie, does not).
pid_alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}

# stop_pid NAME: SIGTERM the process in NAME.pid, wait for it (bounded), then SIGKILL.
stop_pid() {
  local file="$run/$1.pid" pid deadline
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true
    deadline=$(( $(date +%s) + 20 ))
    while pid_alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
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

# cluster_common CONNECTION CLUSTER_ID SERVICE_ID: sets `common`, the settings every silo and front end shares.
cluster_common() {
  common=(Sente__Cluster__Mode=AzureStorage "Sente__Cluster__ConnectionString=$1"
          "Sente__Cluster__ClusterId=$2" "Sente__Cluster__ServiceId=$3")
}

# start_silo I HTTP_PORT SILO_PORT: silo I in the background (its gateway port picked here).
start_silo() {
  start_dotnet "silo-$1" "$silo_dll" "$2" "${common[@]}" Sente__Cluster__AdvertisedIPAddress=127.0.0.1 \
    "Sente__Silo__SiloPort=$3" "Sente__Silo__GatewayPort=$(sente_free_port)" Sente__Silo__Dashboard=true
}

# set_env NAME VALUE: replaces NAME's line in cluster.env (atomically: readers see the old or the new file).
set_env() {
  { grep -v "^$1=" "$run/cluster.env" || true; env_line "$1" "$2"; } >"$run/cluster.env.new"
  mv "$run/cluster.env.new" "$run/cluster.env"
}

# restart_one NAME: a new process for a silo or front end whose process is gone, on new ports.
restart_one() {
  local name="${1:-}" i http
  [ -f "$run/cluster.env" ] || { echo "No detached cluster in $run." >&2; exit 1; }
  if [ -f "$run/$name.pid" ] && pid_alive "$(cat "$run/$name.pid")"; then
    echo "$name is running (pid $(cat "$run/$name.pid")); kill it first." >&2
    exit 1
  fi
  # shellcheck disable=SC1091
  source "$run/cluster.env"
  cluster_common "$SENTE_CLUSTER_CONNECTION" "$SENTE_CLUSTER_ID" "$SENTE_CLUSTER_SERVICE_ID"
  http="$(sente_free_port)"
  case "$name" in
    azurite)
      # The ports from the connection string every process holds: Blob, Queue, Table.
      local ports
      ports="$(printf '%s' "$SENTE_CLUSTER_CONNECTION" | grep -oE '127\.0\.0\.1:[0-9]+' | cut -d: -f2 | tr '\n' ' ')"
      # shellcheck disable=SC2086
      sente_azurite_start "$run/azurite" "$run/logs/azurite.log" "$run/azurite-data" $ports
      echo "$SENTE_AZURITE_PID" >"$run/azurite.pid"
      http="${ports%% *}"
      ;;
    silo-1|silo-2)
      i="${name#silo-}"
      local port; port="$(sente_free_port)"
      start_silo "$i" "$http" "$port"
      sente_wait_http "http://127.0.0.1:$http/health/ready" "$ready_seconds" 200
      set_env "SENTE_CLUSTER_SILO_$i" "http://127.0.0.1:$http"
      set_env "SENTE_CLUSTER_SILO_${i}_PORT" "$port"
      ;;
    front-end-1|front-end-2)
      i="${name#front-end-}"
      start_dotnet "$name" "$front_end_dll" "$http" "${common[@]}"
      sente_wait_http "http://127.0.0.1:$http/health/ready" "$ready_seconds" 200
      set_env "SENTE_CLUSTER_FRONT_END_$i" "http://127.0.0.1:$http"
      # shellcheck disable=SC1091
      source "$run/cluster.env"
      write_nginx_conf "${SENTE_CLUSTER_URL##*:}" "${SENTE_CLUSTER_FRONT_END_1##*:}" "${SENTE_CLUSTER_FRONT_END_2##*:}"
      nginx -s reload -c "$run/nginx/nginx.conf" -p "$run/nginx" -e "$run/logs/nginx-error.log"
      ;;
    *) echo "restart-one takes azurite, silo-1, silo-2, front-end-1 or front-end-2" >&2; exit 2 ;;
  esac
  echo "== $name running again (pid $(cat "$run/$name.pid"), http://127.0.0.1:$http)"
}

# write_nginx_conf PORT FRONT_END_1_PORT FRONT_END_2_PORT: nginx's configuration in the run folder.
write_nginx_conf() {
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
    server 127.0.0.1:$2 max_fails=1 fail_timeout=5s;
    server 127.0.0.1:$3 max_fails=1 fail_timeout=5s;
  }
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$1;
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

  local cluster_id="sente-local-$(date +%s)" silo_http=() silo_port=() front_http=()
  cluster_common "$SENTE_AZURITE_CONNECTION" "$cluster_id" sente-local
  for i in 1 2; do
    local http port; http="$(sente_free_port)"; port="$(sente_free_port)"; silo_http+=("$http"); silo_port+=("$port")
    start_silo "$i" "$http" "$port"
  done
  for http in "${silo_http[@]}"; do sente_wait_http "http://127.0.0.1:$http/health/ready" "$ready_seconds" 200; done
  for i in 1 2; do
    local http; http="$(sente_free_port)"; front_http+=("$http")
    start_dotnet "front-end-$i" "$front_end_dll" "$http" "${common[@]}"
  done
  for http in "${front_http[@]}"; do sente_wait_http "http://127.0.0.1:$http/health/ready" "$ready_seconds" 200; done

  local nginx_port; nginx_port="$(sente_free_port)"
  write_nginx_conf "$nginx_port" "${front_http[0]}" "${front_http[1]}"
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
    env_line SENTE_CLUSTER_SILO_1_PORT "${silo_port[0]}"
    env_line SENTE_CLUSTER_SILO_2_PORT "${silo_port[1]}"
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
  restart-one) shift; restart_one "$@" ;;
  *) echo "usage: $0 start [--detach] [--fresh] | stop | restart-one NAME" >&2; exit 2 ;;
esac
