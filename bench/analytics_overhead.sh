#!/usr/bin/env bash
# Gateway throughput with analytics on and off: the same unsecured API in front of an nginx backend
# (1 KB static file), two `archway serve` processes (analytics.enabled true / false) started one
# at a time, loaded by wrk in alternating rounds; prints the median requests/s of each and the
# ratio on/off (target >= 0.97), the gateway's CPU microseconds per request in each (utime+stime
# of the archway process around each wrk run: steadier than requests/s on a shared machine) and
# what the analytics run stored and dropped (from its log).
# Usage: bench/analytics_overhead.sh [path/to/archway]   (env: DURATION=8s CONNECTIONS=50 ROUNDS=3 WORKERS=2)
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-50}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
for tool in nginx wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing"; exit 1; }
done
. "$(dirname "$0")/lib.sh"
bench_workdir archway-analytics-bench
start_backend

# Starts an archway with analytics on or off in $work/$1; sets GW and APID.
start() {
  local name=$1 enabled=$2
  rm -f "$work/$name.ready"
  ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" serve --data-dir "$work/$name" --ready-file "$work/$name.ready" \
    --set server.log_level=info --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
    --set management.http_port=0 --set management.https_port=-1 --set gateway.http_port=0 --set gateway.https_port=-1 \
    --set gateway.workers="$WORKERS" --set analytics.enabled="$enabled" > "$work/$name.log" 2>&1 &
  APID=$!
  for _ in $(seq 200); do [ -f "$work/$name.ready" ] && break; sleep 0.05; done
  [ -f "$work/$name.ready" ] || { cat "$work/$name.log"; exit 1; }
  local mgmt; mgmt=$(python3 -c "import json; print(json.load(open('$work/$name.ready'))['management_http'])")
  GW=$(python3 -c "import json; print(json.load(open('$work/$name.ready'))['gateway_http'])")
  local auth=(-u admin:bench -H 'Content-Type: application/json')
  if [ ! -f "$work/$name.setup" ]; then
    local unauth; unauth=$(curl -sf "${auth[@]}" "http://127.0.0.1:$mgmt/api/am/admin/v4/throttling/policies/subscription" \
      | python3 -c 'import json,sys; print([p["policyId"] for p in json.load(sys.stdin)["list"] if p["policyName"]=="Unauthenticated"][0])')
    curl -sf "${auth[@]}" -X PUT -d '{"policyName":"Unauthenticated","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2000000000}}}' \
      "http://127.0.0.1:$mgmt/api/am/admin/v4/throttling/policies/subscription/$unauth" >/dev/null
    local api=http://127.0.0.1:$mgmt/api/am/publisher/v4 id rev
    id=$(curl -sf "${auth[@]}" -d "{\"name\":\"Bench\",\"context\":\"/bench\",\"version\":\"1.0\",
      \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
      \"operations\":[{\"target\":\"/*\",\"verb\":\"GET\",\"authType\":\"None\"}]}" "$api/apis" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    rev=$(curl -sf "${auth[@]}" -d '{"description":"bench"}' "$api/apis/$id/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    curl -sf "${auth[@]}" -d '[{"name":"Default","vhost":"localhost"}]' "$api/apis/$id/deploy-revision?revisionId=$rev" >/dev/null
    touch "$work/$name.setup"
  fi
  for _ in $(seq 200); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW/bench/1.0/1k")" = 200 ] && break; sleep 0.02; done
}
stop() { kill -TERM "$APID"; wait "$APID" || true; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$APID/stat"; }  # utime + stime, in clock ticks
measure() {  # prints "rps p99ms cpu_us_per_request"
  local before after
  before=$(cpu_ticks)
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$GW/bench/1.0/1k" > "$work/wrk.txt"
  after=$(cpu_ticks)
  python3 - "$work/wrk.txt" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
n = int(re.search(r"(\d+) requests in", t).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)", t); v = float(m.group(1))
v = v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
print(rps, v, int(sys.argv[2]) / int(sys.argv[3]) * 1e6 / max(n, 1))
PY
}
on=(); off=()
for r in $(seq "$ROUNDS"); do
  start on true; on+=("$(measure)"); stop
  start off false; off+=("$(measure)"); stop
done
printf '%s\n' "${on[@]}" > "$work/on.txt"; printf '%s\n' "${off[@]}" > "$work/off.txt"
python3 - "$work/on.txt" "$work/off.txt" <<'PY'
import sys, statistics
def load(p): return [tuple(map(float, l.split())) for l in open(p) if l.strip()]
on, off = load(sys.argv[1]), load(sys.argv[2])
med = lambda rows, i: statistics.median(r[i] for r in rows)
mon, moff = med(on, 0), med(off, 0)
print(f"analytics on : {mon:.0f} requests/s (p99 ms {med(on, 1):.2f}, {med(on, 2):.1f} CPU us/request)  rounds {[r[0] for r in on]}")
print(f"analytics off: {moff:.0f} requests/s (p99 ms {med(off, 1):.2f}, {med(off, 2):.1f} CPU us/request)  rounds {[r[0] for r in off]}")
print(f"throughput ratio on/off: {mon / moff:.3f}  (target >= 0.97); CPU per request on/off: {med(on, 2) / med(off, 2):.3f}")
PY
grep -h "analytics:" "$work/on.log" || true
