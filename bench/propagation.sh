#!/usr/bin/env bash
# Propagation latency of the gateway feed: CONTROL_PLANES `archway control-plane` processes and
# GATEWAYS `archway gateway` processes on this machine. With STORE=postgres (the default) the
# control planes share a PostgreSQL server and the gateways a Redis server, both started here;
# gateway g lists the control planes starting with number g (so each control plane feeds some).
# For each of N deployments (create, revision, deploy through the Publisher REST API of control
# plane k mod CONTROL_PLANES) the time from the deploy call's answer to the first 200 of the new API
# on every gateway. Then, on an API that needs a token, what takes access away and gives it: for
# each of N rounds a token is taken from control plane k mod CONTROL_PLANES and revoked there
# (/oauth2/revoke: answered -> 401 on every gateway), the application is unsubscribed (DELETE
# subscription answered -> 403 on every gateway) and subscribed again (-> 200 on every gateway).
# Prints the median, p95 and worst over N of each.
# Usage: bench/propagation.sh [path/to/archway]
#   env: N=20 GATEWAYS=3 CONTROL_PLANES=2 STORE=postgres|sqlite (sqlite: one control plane, no Redis)
#        CP_SET="key=value ..." settings of every control plane (store.change_notifications=false: the
#        other control planes' commits found by cluster.change_poll_ms alone)
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
N=${N:-20}
GATEWAYS=${GATEWAYS:-3}
STORE=${STORE:-postgres}
CONTROL_PLANES=${CONTROL_PLANES:-2}
case "$STORE" in
  postgres) tools=(nginx curl python3 redis-server redis-cli) ;;
  sqlite) tools=(nginx curl python3); CONTROL_PLANES=1 ;;
  *) echo "bench: STORE must be 'postgres' or 'sqlite', not '$STORE'"; exit 1 ;;
esac
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing"; exit 1; }
done
command -v "$ARCHWAY" >/dev/null || { echo "bench: no Archway binary at '$ARCHWAY'"; exit 1; }
. "$(dirname "$0")/lib.sh"
bench_workdir archway-propagation
wait_file() { for _ in $(seq 1 2000); do [ -s "$1" ] && return 0; sleep 0.01; done; echo "bench: $1 never appeared"; exit 1; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

start_backend
store=(); redis=()
if [ "$STORE" = postgres ]; then
  start_postgres; start_redis
  store=(--set "store.url=$PG_URL")
  redis=(--set "traffic.redis=$REDIS_URL")
fi

TOKEN=bench-gateway-token
cp_set=(); for kv in ${CP_SET:-}; do cp_set+=(--set "$kv"); done
cps=(); urls=()
for c in $(seq 0 $((CONTROL_PLANES - 1))); do
  cps+=("$(free_port)"); urls+=("http://127.0.0.1:${cps[$c]}")
  mkdir -p "$work/cp$c"
  # Every control plane seals secrets with the first one's master.key (docs/deployment.md).
  [ "$c" -gt 0 ] && cp "$work/cp0/master.key" "$work/cp$c/master.key"
  ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" control-plane --data-dir "$work/cp$c" --ready-file "$work/cp$c.ready" \
    --set management.host=127.0.0.1 --set management.http_port="${cps[$c]}" --set management.https_port=-1 \
    --set cluster.gateway_token=$TOKEN --set analytics.enabled=false --set server.log_level=warn "${store[@]}" \
    "${cp_set[@]}" >"$work/cp$c.log" 2>&1 & pids+=($!)
  wait_file "$work/cp$c.ready"
done
ports=()
for g in $(seq 0 $((GATEWAYS - 1))); do
  list=""
  for i in $(seq 0 $((CONTROL_PLANES - 1))); do list+="${list:+,}${urls[$(((g + i) % CONTROL_PLANES))]}"; done
  "$ARCHWAY" gateway --control-plane "$list" --data-dir "$work/gw$g" --ready-file "$work/gw$g.ready" \
    --set gateway.host=127.0.0.1 --set gateway.http_port=0 --set gateway.https_port=-1 --set gateway.workers=1 \
    --set cluster.gateway_token=$TOKEN --set analytics.enabled=false --set server.log_level=warn "${redis[@]}" \
    >"$work/gw$g.log" 2>&1 & pids+=($!)
  wait_file "$work/gw$g.ready"
  ports+=("$(json_field "$work/gw$g.ready" gateway_http)")
done
for p in "${ports[@]}"; do
  for _ in $(seq 1 2000); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/ready")" = 200 ] && break; sleep 0.01; done
done

python3 - "$BACKEND" "$N" "${cps[*]}" "${ports[@]}" <<'PY'
import base64, http.client, json, statistics, sys, time
backend, n = int(sys.argv[1]), int(sys.argv[2])
cps, ports = [int(p) for p in sys.argv[3].split()], [int(p) for p in sys.argv[4:]]
auth = {"Authorization": "Basic " + base64.b64encode(b"admin:bench").decode(), "Content-Type": "application/json"}
mgmt = [http.client.HTTPConnection("127.0.0.1", p) for p in cps]
def call(c, method, path, body=None):
    mgmt[c].request(method, path, b"" if body is None else json.dumps(body), auth)
    r = mgmt[c].getresponse(); data = r.read()
    if r.status >= 300: raise SystemExit(f"{method} {path}: {r.status} {data[:300]}")
    return json.loads(data) if data else None
gws = [http.client.HTTPConnection("127.0.0.1", p) for p in ports]
def status(i, path, headers={}):
    try:
        gws[i].request("GET", path, headers=headers); r = gws[i].getresponse(); r.read(); return r.status
    except Exception:
        gws[i] = http.client.HTTPConnection("127.0.0.1", ports[i]); return 0
# Until every gateway answers `want` for `path` with `headers`: the milliseconds that took (called
# right after the write's answer).
def until_all(path, headers, want, what):
    since = time.monotonic(); pending = set(range(len(ports))); last = 0.0
    while pending:
        for i in list(pending):
            if status(i, path, headers) == want:
                pending.discard(i); last = time.monotonic() - since
        if time.monotonic() - since > 10: raise SystemExit(f"{what}: not {want} on every gateway in 10 s")
    return last * 1000
worst = []
base = "/api/am/publisher/v4/apis"
for k in range(n):
    c = k % len(cps)
    name = f"prop{k}x{int(time.time())}"
    api = call(c, "POST", base, {"name": name, "context": "/" + name, "version": "1.0.0",
               "endpointConfig": {"endpoint_type": "http", "production_endpoints": {"url": f"http://127.0.0.1:{backend}/"}},
               "operations": [{"target": "/*", "verb": "GET", "authType": "None"}]})
    rev = call(c, "POST", f"{base}/{api['id']}/revisions", {"description": "bench"})
    call(c, "POST", f"{base}/{api['id']}/deploy-revision?revisionId={rev['id']}", [{"name": "Default", "vhost": "localhost"}])
    worst.append(until_all(f"/{name}/1.0.0/1k", {}, 200, f"deployment {k}"))
def summary(what, ms):
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    print(f"{what}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, worst {ms[-1]:.1f} ms")
print(f"propagation over {n} rounds, the writes made on {len(cps)} control plane(s) in turn, to {len(ports)} gateways")
summary("  deploy answered -> 200 on every gateway", worst)


def form(c, path, body, ck, cs):
    creds = base64.b64encode(f"{ck}:{cs}".encode()).decode()
    mgmt[c].request("POST", path, body, {"Authorization": "Basic " + creds,
                                         "Content-Type": "application/x-www-form-urlencoded"})
    r = mgmt[c].getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"POST {path}: {r.status} {data[:300]}")
    return json.loads(data) if data else None

dev = "/api/am/devportal/v3"
name = f"propsec{int(time.time())}"
api = call(0, "POST", base, {"name": name, "context": "/" + name, "version": "1.0.0", "policies": ["Unlimited"],
           "endpointConfig": {"endpoint_type": "http", "production_endpoints": {"url": f"http://127.0.0.1:{backend}/"}},
           "operations": [{"target": "/*", "verb": "GET"}]})
call(0, "POST", f"{base}/change-lifecycle?apiId={api['id']}&action=Publish")
rev = call(0, "POST", f"{base}/{api['id']}/revisions", {"description": "bench"})
call(0, "POST", f"{base}/{api['id']}/deploy-revision?revisionId={rev['id']}", [{"name": "Default", "vhost": "localhost"}])
app = call(0, "POST", f"{dev}/applications", {"name": name, "throttlingPolicy": "Unlimited"})["applicationId"]
keys = call(0, "POST", f"{dev}/applications/{app}/generate-keys",
            {"keyType": "PRODUCTION", "grantTypesToBeSupported": ["client_credentials"]})
ck, cs = keys["consumerKey"], keys["consumerSecret"]
subscribe = {"applicationId": app, "apiId": api["id"], "throttlingPolicy": "Unlimited"}
sub = call(0, "POST", f"{dev}/subscriptions", subscribe)["subscriptionId"]
path = f"/{name}/1.0.0/1k"
revoked, unsubscribed, subscribed = [], [], []
for k in range(n):
    c = k % len(cps)
    token = form(c, "/oauth2/token", "grant_type=client_credentials", ck, cs)["access_token"]
    bearer = {"Authorization": "Bearer " + token}
    until_all(path, bearer, 200, f"round {k}: the new token")
    form(c, "/oauth2/revoke", "token=" + token, ck, cs)
    revoked.append(until_all(path, bearer, 401, f"round {k}: the revoked token"))
    bearer = {"Authorization": "Bearer " + form(c, "/oauth2/token", "grant_type=client_credentials", ck, cs)["access_token"]}
    until_all(path, bearer, 200, f"round {k}: the second token")
    call(c, "DELETE", f"{dev}/subscriptions/{sub}")
    unsubscribed.append(until_all(path, bearer, 403, f"round {k}: the removed subscription"))
    sub = call(c, "POST", f"{dev}/subscriptions", subscribe)["subscriptionId"]
    subscribed.append(until_all(path, bearer, 200, f"round {k}: the new subscription"))
summary("  /oauth2/revoke answered -> 401 on every gateway", revoked)
summary("  subscription DELETE answered -> 403 on every gateway", unsubscribed)
summary("  subscription POST answered -> 200 on every gateway", subscribed)
PY
