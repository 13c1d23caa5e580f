#!/usr/bin/env bash
# Gateway benchmark: Archway's gateway against nginx as a reverse proxy, both in front of the same
# nginx backend serving a 1 KB response, keep-alive on both sides, loaded by wrk on this machine.
# Usage: bench/run.sh [path/to/archway]   (env: DURATION=8s CONNECTIONS=50 ROUNDS=3)
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-50}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
for tool in nginx wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing (make deps installs it)"; exit 1; }
done
NGINX=$(command -v nginx)
work=$(mktemp -d /tmp/archway-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
BACKEND=$(free_port); PROXY=$(free_port)
mkdir -p "$work/www" "$work/backend" "$work/proxy"
head -c 1024 /dev/zero | tr '\0' 'a' > "$work/www/1k"

cat > "$work/backend/nginx.conf" <<CONF
worker_processes 1;
user root;
error_log $work/backend/error.log warn;
pid $work/backend/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$BACKEND; root $work/www; location / { } }
}
CONF
cat > "$work/proxy/nginx.conf" <<CONF
worker_processes 2;
user root;
error_log $work/proxy/error.log warn;
pid $work/proxy/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 128; }
  server {
    listen 127.0.0.1:$PROXY;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
"$NGINX" -p "$work/backend" -c "$work/backend/nginx.conf" -g 'daemon off;' & pids+=($!)
"$NGINX" -p "$work/proxy" -c "$work/proxy/nginx.conf" -g 'daemon off;' & pids+=($!)

ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" serve --data-dir "$work/data" --ready-file "$work/ready.json" \
  --set server.log_level=warn --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
  --set management.http_port=0 --set management.https_port=0 --set gateway.http_port=0 --set gateway.https_port=0 \
  > "$work/archway.log" 2>&1 & pids+=($!)
for _ in $(seq 200); do [ -f "$work/ready.json" ] && break; sleep 0.05; done
[ -f "$work/ready.json" ] || { cat "$work/archway.log"; exit 1; }
port() { python3 -c "import json,sys; print(json.load(open('$work/ready.json'))['$1'])"; }
MGMT=$(port management_http); GW=$(port gateway_http)

api=http://127.0.0.1:$MGMT/api/am/publisher/v4
auth=(-u admin:bench -H 'Content-Type: application/json')
id=$(curl -sf "${auth[@]}" -d "{\"name\":\"Bench\",\"context\":\"/bench\",\"version\":\"1.0\",
  \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
  \"operations\":[{\"target\":\"/*\",\"verb\":\"GET\",\"authType\":\"None\"}]}" "$api/apis" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
rev=$(curl -sf "${auth[@]}" -d '{"description":"bench"}' "$api/apis/$id/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -d '[{"name":"Default","vhost":"localhost"}]' "$api/apis/$id/deploy-revision?revisionId=$rev" >/dev/null
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW/bench/1.0/1k")" = 200 ] && break; sleep 0.02; done

# Correctness first: the same body through both proxies.
cmp <(curl -sf "http://127.0.0.1:$PROXY/1k") <(curl -sf "http://127.0.0.1:$GW/bench/1.0/1k")

run_wrk() {  # prints "rps p50_ms p99_ms"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
def ms(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups(); n = float(n)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
err = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
if err: sys.exit("non-2xx responses: " + err.group(1))
print(f"{rps:.0f} {p50:.3f} {p99:.3f}")'
}

wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PROXY/1k" >/dev/null   # warm-up
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$GW/bench/1.0/1k" >/dev/null
declare -a N A
for r in $(seq "$ROUNDS"); do
  N+=("$(run_wrk "http://127.0.0.1:$PROXY/1k")")
  A+=("$(run_wrk "http://127.0.0.1:$GW/bench/1.0/1k")")
done
python3 - "$ROUNDS" "${N[@]}" "${A[@]}" <<'PY'
import statistics, sys
r = int(sys.argv[1]); vals = [list(map(float, v.split())) for v in sys.argv[2:]]
n, a = vals[:r], vals[r:]
med = lambda xs, i: statistics.median(x[i] for x in xs)
nr, ar = med(n, 0), med(a, 0)
print("| proxy | requests/s | p50 ms | p99 ms |")
print("|---|---|---|---|")
print(f"| nginx (proxy_pass, keepalive) | {nr:.0f} | {med(n,1):.3f} | {med(n,2):.3f} |")
print(f"| archway gateway | {ar:.0f} | {med(a,1):.3f} | {med(a,2):.3f} |")
print(f"\nthroughput ratio archway/nginx: {ar/nr:.2f}   p99 ratio archway/nginx: {med(a,2)/med(n,2):.2f}")
print("rounds (rps p50 p99): nginx", [v for v in n], "archway", [v for v in a])
PY
