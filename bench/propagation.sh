#!/usr/bin/env bash
# Propagation latency of the control plane's gateway feed: one `archway control-plane` and
# GATEWAYS `archway gateway` processes on this machine; for each of N deployments (create, revision,
# deploy through the Publisher REST API) the time from the deploy call's answer to the first 200 of
# the new API on every gateway. Prints the median and the worst over N.
# Usage: bench/propagation.sh [path/to/archway]   (env: N=20 GATEWAYS=3)
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
N=${N:-20}
GATEWAYS=${GATEWAYS:-3}
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing"; exit 1; }
done
work=$(mktemp -d /tmp/archway-propagation-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_file() { for _ in $(seq 1 2000); do [ -s "$1" ] && return 0; sleep 0.01; done; echo "bench: $1 never appeared"; exit 1; }

BACKEND=$(free_port)
mkdir -p "$work/www" && echo ok > "$work/www/index.html"
(cd "$work/www" && exec python3 -m http.server "$BACKEND" --bind 127.0.0.1 >/dev/null 2>&1) & pids+=($!)

TOKEN=bench-gateway-token
CP=$(free_port)
ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" control-plane --data-dir "$work/cp" --ready-file "$work/cp.ready" \
  --set management.host=127.0.0.1 --set management.http_port="$CP" --set management.https_port=-1 \
  --set cluster.gateway_token=$TOKEN --set analytics.enabled=false >"$work/cp.log" 2>&1 & pids+=($!)
wait_file "$work/cp.ready"
ports=()
for g in $(seq 1 "$GATEWAYS"); do
  "$ARCHWAY" gateway --control-plane "http://127.0.0.1:$CP" --data-dir "$work/gw$g" --ready-file "$work/gw$g.ready" \
    --set gateway.host=127.0.0.1 --set gateway.http_port=0 --set gateway.https_port=-1 --set gateway.workers=1 \
    --set cluster.gateway_token=$TOKEN --set analytics.enabled=false >"$work/gw$g.log" 2>&1 & pids+=($!)
  wait_file "$work/gw$g.ready"
  ports+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway_http"])' "$work/gw$g.ready")")
done
for p in "${ports[@]}"; do
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/ready")" = 200 ]; do sleep 0.01; done
done

python3 - "$CP" "$BACKEND" "$N" "${ports[@]}" <<'PY'
import base64, http.client, json, statistics, sys, time
cp, backend, n, ports = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), [int(p) for p in sys.argv[4:]]
auth = {"Authorization": "Basic " + base64.b64encode(b"admin:bench").decode(), "Content-Type": "application/json"}
mgmt = http.client.HTTPConnection("127.0.0.1", cp)
def call(method, path, body):
    mgmt.request(method, path, json.dumps(body), auth)
    r = mgmt.getresponse(); data = r.read()
    if r.status >= 300: raise SystemExit(f"{method} {path}: {r.status} {data[:300]}")
    return json.loads(data) if data else None
gws = [http.client.HTTPConnection("127.0.0.1", p) for p in ports]
def status(i, path):
    try:
        gws[i].request("GET", path); r = gws[i].getresponse(); r.read(); return r.status
    except Exception:
        gws[i] = http.client.HTTPConnection("127.0.0.1", ports[i]); return 0
worst = []
base = "/api/am/publisher/v4/apis"
for k in range(n):
    name = f"prop{k}{int(time.time())}"
    api = call("POST", base, {"name": name, "context": "/" + name, "version": "1.0.0",
               "endpointConfig": {"endpoint_type": "http", "production_endpoints": {"url": f"http://127.0.0.1:{backend}/"}},
               "operations": [{"target": "/*", "verb": "GET", "authType": "None"}]})
    rev = call("POST", f"{base}/{api['id']}/revisions", {"description": "bench"})
    call("POST", f"{base}/{api['id']}/deploy-revision?revisionId={rev['id']}", [{"name": "Default", "vhost": "localhost"}])
    answered = time.monotonic()
    pending = set(range(len(ports))); last = 0.0
    while pending:
        for i in list(pending):
            if status(i, f"/{name}/1.0.0/") == 200:
                pending.discard(i); last = time.monotonic() - answered
        if time.monotonic() - answered > 10: raise SystemExit(f"deployment {k} not served by all gateways in 10 s")
    worst.append(last * 1000)
worst.sort()
print(f"propagation over {n} deployments to {len(ports)} gateways (deploy answered -> 200 on every gateway): "
      f"median {statistics.median(worst):.1f} ms, worst {worst[-1]:.1f} ms")
PY
