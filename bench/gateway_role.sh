#!/usr/bin/env bash
# Gateway throughput of the `archway gateway` role against `archway serve`'s gateway: the same
# unsecured API in front of an nginx backend (1 KB static file), loaded by the same wrk command in
# alternating rounds. One `archway serve`, and one `archway control-plane` (SQLite) feeding one
# `archway gateway`, all started here; the API is deployed through each one's Publisher REST API.
# Prints the median requests/s and p99 of each and the ratio gateway-role/serve (target >= 0.97).
# Usage: bench/gateway_role.sh [path/to/archway]
#   env: DURATION=8s CONNECTIONS=50 ROUNDS=3 WORKERS=2 BENCH_SET="key=value ..." (both gateways)
#        PINNED=1: the backend and the gateway under load on CPU 0 and wrk -t1 on CPU 1 (taskset)
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-50}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
PIN0=(); PIN1=(); WRK_THREADS=2
if [ "${PINNED:-0}" = 1 ]; then PIN0=(taskset -c 0); PIN1=(taskset -c 1); WRK_THREADS=1; fi
for tool in nginx wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing"; exit 1; }
done
command -v "$ARCHWAY" >/dev/null || { echo "bench: no Archway binary at '$ARCHWAY'"; exit 1; }
. "$(dirname "$0")/lib.sh"
bench_workdir archway-gateway-role
start_backend "${PIN0[@]}"
wait_file() { for _ in $(seq 1 2000); do [ -s "$1" ] && return 0; sleep 0.01; done; echo "bench: $1 never appeared"; cat "$2"; exit 1; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
gw_set=(--set gateway.host=127.0.0.1 --set gateway.http_port=0 --set gateway.https_port=-1
        --set gateway.workers="$WORKERS" --set server.log_level=warn)
for kv in ${BENCH_SET:-}; do gw_set+=(--set "$kv"); done
TOKEN=bench-gateway-token

# Deploys /bench/1.0 (GET /*, no auth) through the management API on port $1, with the
# Unauthenticated tier raised out of wrk's reach (it is still counted).
deploy_bench_api() {
  set_unauthenticated_tier "$1" 2000000000 min
  deploy_unsecured_api "$1" Bench /bench
}

wait_served() {
  for _ in $(seq 500); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/bench/1.0/1k")" = 200 ] && return 0; sleep 0.02; done
  echo "bench: the gateway on port $1 never served /bench/1.0/1k"; exit 1
}

# archway serve
ARCHWAY_ADMIN_PASSWORD=bench "${PIN0[@]}" "$ARCHWAY" serve --data-dir "$work/serve" --ready-file "$work/serve.ready" \
  --set management.host=127.0.0.1 --set management.http_port=0 --set management.https_port=-1 "${gw_set[@]}" \
  >"$work/serve.log" 2>&1 & pids+=($!)
wait_file "$work/serve.ready" "$work/serve.log"
deploy_bench_api "$(json_field "$work/serve.ready" management_http)"
SERVE_GW=$(json_field "$work/serve.ready" gateway_http)
wait_served "$SERVE_GW"

# archway control-plane + archway gateway (the control plane is idle during the load)
ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" control-plane --data-dir "$work/cp" --ready-file "$work/cp.ready" \
  --set management.host=127.0.0.1 --set management.http_port=0 --set management.https_port=-1 \
  --set cluster.gateway_token=$TOKEN --set server.log_level=warn >"$work/cp.log" 2>&1 & pids+=($!)
wait_file "$work/cp.ready" "$work/cp.log"
CP=$(json_field "$work/cp.ready" management_http)
deploy_bench_api "$CP"
"${PIN0[@]}" "$ARCHWAY" gateway --control-plane "http://127.0.0.1:$CP" --data-dir "$work/gw" --ready-file "$work/gw.ready" \
  --set cluster.gateway_token=$TOKEN "${gw_set[@]}" >"$work/gw.log" 2>&1 & pids+=($!)
wait_file "$work/gw.ready" "$work/gw.log"
ROLE_GW=$(json_field "$work/gw.ready" gateway_http)
wait_served "$ROLE_GW"

measure() {  # prints "rps p99ms"
  "${PIN1[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$1/bench/1.0/1k" | python3 -c '
import sys,re
t=sys.stdin.read()
if re.search(r"Non-2xx", t): sys.exit("bench: non-2xx answers under load:\n" + t)
rps=float(re.search(r"Requests/sec:\s+([\d.]+)",t).group(1))
m=re.search(r"99%\s+([\d.]+)(us|ms|s)",t); v=float(m.group(1)); v=v/1000 if m.group(2)=="us" else v*1000 if m.group(2)=="s" else v
print(rps, v)'
}
measure "$SERVE_GW" >/dev/null; measure "$ROLE_GW" >/dev/null  # warm-up (pools, caches)
serve=(); role=()
for _ in $(seq "$ROUNDS"); do
  serve+=("$(measure "$SERVE_GW")")
  role+=("$(measure "$ROLE_GW")")
done
printf '%s\n' "${serve[@]}" > "$work/serve.txt"; printf '%s\n' "${role[@]}" > "$work/role.txt"
python3 - "$work/serve.txt" "$work/role.txt" <<'PY'
import sys, statistics
def load(p): return [tuple(map(float, l.split())) for l in open(p) if l.strip()]
serve, role = load(sys.argv[1]), load(sys.argv[2])
ms, mr = statistics.median(r for r, _ in serve), statistics.median(r for r, _ in role)
print(f"archway serve   : {ms:.0f} requests/s (p99 ms {statistics.median(p for _, p in serve):.2f})  rounds {serve}")
print(f"archway gateway : {mr:.0f} requests/s (p99 ms {statistics.median(p for _, p in role):.2f})  rounds {role}")
print(f"throughput ratio gateway role / serve: {mr / ms:.3f}  (target >= 0.97)")
PY
