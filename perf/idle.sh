#!/usr/bin/env bash
# Idle cost of the apps: CPU (% of one core, utime+stime from /proc/PID/stat) and RSS of a
# process serving no client, for the three ways the project runs:
#   embedded  the embedded default (src/WebFrontend: front end + co-hosted silo)
#   silo      a standalone silo (src/Silo)
#   client    a front end in Client mode (src/WebFrontend) against a standalone silo; the front
#             end is measured, the silo it talks to is reported beside it
# Each setup is started fresh, left to warm up, then measured over SAMPLES windows of MEASURE
# seconds; the table gives every window, the median, and how much of the median is the tiered
# JIT's background thread (`.NET Tiered Compilation`) still recompiling hot methods: Orleans'
# assemblies are not precompiled, and a silo goes on recompiling for 2-3 minutes after its start,
# so a short warm-up measures start-up rather than idle.
#
#   perf/idle.sh [--warmup S] [--measure S] [--samples N] [--bin DIR] [--no-build] [--ports BASE] [setup...]
#
# --bin DIR takes the apps from DIR/WebFrontend and DIR/Silo (each a build output folder, e.g. a
# copy of src/WebFrontend/bin/Release/net10.0) instead of building this tree, so that two builds
# can be compared side by side. Ports are BASE + 80 and + 180 (HTTP), + 111 (silo) and + 300
# (gateway), BASE 23000 unless given (below Linux's ephemeral range, where any outgoing
# connection may hold a port); grain state of the embedded default goes to a temporary folder.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
warmup=180
measure=30
ports=23000
samples=3
bin=""
build=1
setups=()
while (($#)); do
  case "$1" in
    --warmup) warmup=$2; shift 2 ;;
    --measure) measure=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --bin) bin=$2; build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    --ports) ports=$2; shift 2 ;;
    -h|--help) sed -n 2,20p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    embedded|silo|client) setups+=("$1"); shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
((${#setups[@]})) || setups=(embedded silo client)

if [[ -z $bin ]]; then
  if ((build)); then
    dotnet build "$root/src/WebFrontend" -c Release -nologo -v q >/dev/null
    dotnet build "$root/src/Silo" -c Release -nologo -v q >/dev/null
  fi
  front_dll=$root/src/WebFrontend/bin/Release/net10.0/Orleans.Sente.WebFrontend.dll
  silo_dll=$root/src/Silo/bin/Release/net10.0/Orleans.Sente.Silo.dll
else
  front_dll=$bin/WebFrontend/Orleans.Sente.WebFrontend.dll
  silo_dll=$bin/Silo/Orleans.Sente.Silo.dll
fi
for dll in "$front_dll" "$silo_dll"; do
  [[ -f $dll ]] || { echo "missing $dll" >&2; exit 2; }
done

hz=$(getconf CLK_TCK)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# utime + stime of a process, in clock ticks (fields 14 and 15; the command name may hold spaces).
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# The same, of the tiered JIT's background thread(s) only.
jit_ticks() {
  local t sum=0 line
  for t in /proc/"$1"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == ".NET Tiered"* ]] || continue
    line=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null) && sum=$((sum + line))
  done
  echo "$sum"
}
rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# Starts an app in the background (its pid in $started) and waits until it is ready.
started=""
start() { # name url dll env...
  local name=$1 url=$2 dll=$3; shift 3
  env "$@" DOTNET_CLI_TELEMETRY_OPTOUT=1 ASPNETCORE_URLS="$url" \
    dotnet "$dll" >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url/health/ready" 2>/dev/null; then
      started=$pid
      return
    fi
    kill -0 "$pid" 2>/dev/null || { echo "$name exited:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$name did not answer on $url" >&2
  tail -20 "$work/$name.log" >&2
  exit 1
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Measures the given processes together, window after window, and prints one row per process.
measure() { # setup name:pid...
  local setup=$1; shift
  sleep "$warmup"
  declare -A cpu=() jit=()
  local s entry name pid
  for ((s = 0; s < samples; s++)); do
    declare -A before=() jit_before=()
    for entry in "$@"; do
      before[$entry]=$(ticks "${entry#*:}")
      jit_before[$entry]=$(jit_ticks "${entry#*:}")
    done
    local t0 t1
    t0=$(date +%s.%N)
    sleep "$measure"
    t1=$(date +%s.%N)
    for entry in "$@"; do
      local used
      used=$(( $(ticks "${entry#*:}") - before[$entry] ))
      cpu[$entry]+="$(awk -v u="$used" -v hz="$hz" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", 100 * u / hz / (b - a) }') "
      used=$(( $(jit_ticks "${entry#*:}") - jit_before[$entry] ))
      jit[$entry]+="$(awk -v u="$used" -v hz="$hz" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", 100 * u / hz / (b - a) }') "
    done
  done
  for entry in "$@"; do
    name=${entry%%:*}
    pid=${entry#*:}
    local runs=${cpu[$entry]% }
    local jits=${jit[$entry]% }
    printf '| %s | %s | %s | %s | %s | %s |\n' "$setup" "$name" \
      "$(tr ' ' '\n' <<<"$runs" | median)" "${runs// /, }" "$(tr ' ' '\n' <<<"$jits" | median)" "$(rss_mib "$pid")"
  done
}

stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

echo "warm-up ${warmup} s, ${samples} x ${measure} s, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo
echo "| setup | process | CPU, % of a core (median) | each window | of which tiered JIT (median) | RSS, MiB |"
echo "|---|---|---:|---|---:|---:|"
for setup in "${setups[@]}"; do
  case $setup in
    embedded)
      start embedded http://127.0.0.1:$((ports + 80)) "$front_dll" \
        Sente__Cluster__SiloPort=$((ports + 111)) Sente__Cluster__GatewayPort=$((ports + 300)) \
        Sente__Cluster__DataDirectory="$work/embedded-data"
      measure embedded "front end + silo:$started"
      ;;
    silo)
      start silo http://127.0.0.1:$((ports + 180)) "$silo_dll" \
        Sente__Cluster__SiloPort=$((ports + 111)) Sente__Cluster__GatewayPort=$((ports + 300))
      measure silo "silo:$started"
      ;;
    client)
      start silo http://127.0.0.1:$((ports + 180)) "$silo_dll" \
        Sente__Cluster__SiloPort=$((ports + 111)) Sente__Cluster__GatewayPort=$((ports + 300))
      silo=$started
      start client http://127.0.0.1:$((ports + 80)) "$front_dll" \
        Sente__Cluster__Mode=Client Sente__Cluster__GatewayPorts=$((ports + 300))
      measure client "front end:$started" "silo:$silo"
      ;;
  esac
  stop_all
done
