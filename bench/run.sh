#!/usr/bin/env bash
# Gateway benchmark: Archway's gateway against nginx as a reverse proxy, both in front of the same
# nginx backend serving a 1 KB response, keep-alive on both sides, loaded by wrk on this machine.
# Usage: bench/run.sh [path/to/archway]   (env: DURATION=8s CONNECTIONS=50 ROUNDS=3)
#        ONLY=json2xml bench/run.sh ...      runs only the JSON-to-XML scenario (10 KB JSON POSTed
#                                            through a jsonToXML request policy) and prints its line
#        ONLY=schemaval bench/run.sh ...     runs only the schema validation scenario (a 1 KB JSON
#                                            POST to the same definition with enableSchemaValidation
#                                            on and off) and prints both lines and their ratio
#        MODE=pinned bench/run.sh ...        one-core mode (issue 15): the backend and the proxy under
#                                            test share CPU 0 (taskset -c 0), wrk -t1 -c50 runs on
#                                            CPU 1; one worker each: nginx (worker_processes 1,
#                                            upstream keep-alive pool), HAProxy (nbthread 1, RS256
#                                            jwt_verify of the bearer token + a stick-table request
#                                            rate limit never reached), Archway (gateway.workers=1,
#                                            /bench unsecured and /throttled: JWT + subscription +
#                                            subscription and application tiers counted). Prints
#                                            requests/s, p50, p99 and the CPU microseconds per
#                                            request of the proxy (user + kernel) and of the backend
#                                            (utime, stime of their process trees around each wrk
#                                            run), the throughput Archway would reach with no
#                                            user-space time at all (its bound), then runs a
#                                            second Archway under bench/alloc_count.c (LD_PRELOAD)
#                                            and prints its allocations per request. Needs haproxy,
#                                            taskset, cc and 2 CPUs; ONLY= is ignored in this mode.
#        MODE=syscalls bench/run.sh ...      the pinned set-up, counting instead of timing: system calls
#                                            (perf's syscall tracepoints), context switches and TCP
#                                            segments per request of nginx and of Archway (/bench and
#                                            /throttled), proxy and backend apart (bench/syscalls.sh).
#        MODE=instructions bench/run.sh ...  user-space instructions per request of nginx and of
#                                            Archway (/bench, /throttled) under Valgrind's callgrind
#                                            (bench/instructions.sh): a count that holds on a busy
#                                            machine; PROFILE=1 adds each one's top functions.
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-50}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
MODE=${MODE:-default}
case "$MODE" in
  default) tools=(nginx wrk curl python3 redis-server); PIN0=(); PROXY_WORKERS=2; GW_ARGS=() ;;
  pinned) tools=(nginx wrk curl python3 haproxy taskset cc); PIN0=(taskset -c 0); PROXY_WORKERS=1
          GW_ARGS=(--set gateway.workers=1) ;;
  syscalls) tools=(nginx wrk curl python3 taskset perf); PIN0=(taskset -c 0); PROXY_WORKERS=1
          GW_ARGS=(--set gateway.workers=1) ;;
  instructions) tools=(nginx wrk curl python3 valgrind callgrind_control); PIN0=(); PROXY_WORKERS=1
          GW_ARGS=(--set gateway.workers=1) ;;
  *) echo "bench: MODE must be 'default', 'pinned', 'syscalls' or 'instructions', not '$MODE'"; exit 1 ;;
esac
# BENCH_SET="key=value key=value": extra settings for the measured gateway (e.g. analytics.enabled=false).
for kv in ${BENCH_SET:-}; do GW_ARGS+=(--set "$kv"); done
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing (make deps installs it)"; exit 1; }
done
command -v "$ARCHWAY" >/dev/null || { echo "bench: no Archway binary at '$ARCHWAY'"; exit 1; }
if [ "$MODE" != default ] && [ "$MODE" != instructions ] && [ "$(nproc)" -lt 2 ]; then echo "bench: MODE=$MODE needs 2 CPUs, this machine has $(nproc)"; exit 1; fi
NGINX=$(command -v nginx)
. "$(dirname "$0")/lib.sh"
bench_workdir archway-bench
start_backend "${PIN0[@]}"
PROXY=$(free_port); REDIS=$(free_port)
mkdir -p "$work/proxy"

cat > "$work/proxy/nginx.conf" <<CONF
worker_processes $PROXY_WORKERS;
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
"${PIN0[@]}" "$NGINX" -p "$work/proxy" -c "$work/proxy/nginx.conf" -g 'daemon off;' & pids+=($!); NGINX_PID=$!

ARCHWAY_ADMIN_PASSWORD=bench "${PIN0[@]}" "$ARCHWAY" serve --data-dir "$work/data" --ready-file "$work/ready.json" \
  --set server.log_level=warn --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
  --set management.http_port=0 --set management.https_port=0 --set gateway.http_port=0 --set gateway.https_port=0 \
  "${GW_ARGS[@]}" > "$work/archway.log" 2>&1 & pids+=($!); ARCHWAY_PID=$!
for _ in $(seq 200); do [ -f "$work/ready.json" ] && break; sleep 0.05; done
[ -f "$work/ready.json" ] || { cat "$work/archway.log"; exit 1; }
port() { python3 -c "import json,sys; print(json.load(open('$work/ready.json'))['$1'])"; }
MGMT=$(port management_http); GW=$(port gateway_http)

api=http://127.0.0.1:$MGMT/api/am/publisher/v4
auth=(-u admin:bench -H 'Content-Type: application/json')
# Unauthenticated operations are limited per client IP by the Unauthenticated tier (500 per minute,
# as in the product); wrk is one client, so raise it out of reach (it is still counted).
unauth=$(curl -sf "${auth[@]}" "http://127.0.0.1:$MGMT/api/am/admin/v4/throttling/policies/subscription" \
  | python3 -c 'import json,sys; print([p["policyId"] for p in json.load(sys.stdin)["list"] if p["policyName"]=="Unauthenticated"][0])')
curl -sf "${auth[@]}" -X PUT -d '{"policyName":"Unauthenticated","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2000000000}}}' \
  "http://127.0.0.1:$MGMT/api/am/admin/v4/throttling/policies/subscription/$unauth" >/dev/null
id=$(curl -sf "${auth[@]}" -d "{\"name\":\"Bench\",\"context\":\"/bench\",\"version\":\"1.0\",
  \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
  \"operations\":[{\"target\":\"/*\",\"verb\":\"GET\",\"authType\":\"None\"}]}" "$api/apis" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
rev=$(curl -sf "${auth[@]}" -d '{"description":"bench"}' "$api/apis/$id/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -d '[{"name":"Default","vhost":"localhost"}]' "$api/apis/$id/deploy-revision?revisionId=$rev" >/dev/null
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW/bench/1.0/1k")" = 200 ] && break; sleep 0.02; done

# The same route with five header policies (three on the request, two on the response) and CORS.
mid=$(curl -sf "${auth[@]}" -d "{\"name\":\"BenchMediated\",\"context\":\"/mediated\",\"version\":\"1.0\",
  \"corsConfiguration\":{\"corsConfigurationEnabled\":true,\"accessControlAllowOrigins\":[\"https://app.example.com\"]},
  \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
  \"operations\":[{\"target\":\"/*\",\"verb\":\"GET\",\"authType\":\"None\",\"operationPolicies\":{
    \"request\":[{\"policyName\":\"addHeader\",\"parameters\":{\"headerName\":\"X-Tenant\",\"headerValue\":\"bench\"}},
                 {\"policyName\":\"setHeader\",\"parameters\":{\"headerName\":\"X-Route\",\"headerValue\":\"mediated\"}},
                 {\"policyName\":\"removeHeader\",\"parameters\":{\"headerName\":\"X-Debug\"}}],
    \"response\":[{\"policyName\":\"addHeader\",\"parameters\":{\"headerName\":\"X-Served-By\",\"headerValue\":\"archway\"}},
                  {\"policyName\":\"removeHeader\",\"parameters\":{\"headerName\":\"Server\"}}]}}]}" "$api/apis" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
mrev=$(curl -sf "${auth[@]}" -d '{}' "$api/apis/$mid/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -d '[{"name":"Default"}]' "$api/apis/$mid/deploy-revision?revisionId=$mrev" >/dev/null
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW/mediated/1.0/1k")" = 200 ] && break; sleep 0.02; done
curl -sfi -H 'Origin: https://app.example.com' "http://127.0.0.1:$GW/mediated/1.0/1k" | grep -qi '^x-served-by: archway' \
  || { echo "bench: the mediated route does not apply its policies"; exit 1; }

# The JSON-to-XML scenario: a 10 KB JSON document POSTed through a jsonToXML request policy
# (read whole, converted, sent as XML) to a backend location that accepts any body.
python3 - "$work/10k.json" <<'PY'
import json, sys
items, doc = [], {}
i = 0
while len(json.dumps({"order": {"id": "A-1", "items": items}})) < 10 * 1024 - 120:
    items.append({"sku": f"p{i:05d}", "name": f"Item <{i}> & co", "qty": i % 7, "price": i * 1.25, "gift": i % 2 == 0})
    i += 1
open(sys.argv[1], "w").write(json.dumps({"order": {"id": "A-1", "items": items}}))
PY
xid=$(curl -sf "${auth[@]}" -d "{\"name\":\"BenchJsonToXml\",\"context\":\"/json2xml\",\"version\":\"1.0\",
  \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
  \"operations\":[{\"target\":\"/*\",\"verb\":\"POST\",\"authType\":\"None\",
    \"operationPolicies\":{\"request\":[{\"policyName\":\"jsonToXML\",\"parameters\":{\"rootElement\":\"orders\"}}]}},
    {\"target\":\"/*\",\"verb\":\"GET\",\"authType\":\"None\"}]}" "$api/apis" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
xrev=$(curl -sf "${auth[@]}" -d '{}' "$api/apis/$xid/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -d '[{"name":"Default"}]' "$api/apis/$xid/deploy-revision?revisionId=$xrev" >/dev/null
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW/json2xml/1.0/1k")" = 200 ] && break; sleep 0.02; done
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$work/10k.json" \
     "http://127.0.0.1:$GW/json2xml/1.0/accept")" = 200 ] || { echo "bench: the jsonToXML route does not answer 200"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"bad":' \
     "http://127.0.0.1:$GW/json2xml/1.0/accept")" = 400 ] || { echo "bench: the jsonToXML route does not convert"; exit 1; }
python3 - "$work/10k.json" "$work/json2xml.lua" <<'PY'
import sys
body = open(sys.argv[1]).read()
open(sys.argv[2], "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[' + body + ']==]\n')
PY

# The schema validation scenario: one OpenAPI definition imported twice, with enableSchemaValidation
# on (/validated) and off (/unvalidated); a ~1 KB order is POSTed to /accept on both.
python3 - "$work/orders-def.json" "$work/1k-order.json" "$work/schemaval.lua" <<'PY'
import json, sys
definition = {"openapi": "3.0.3", "info": {"title": "BenchOrders", "version": "1.0"},
  "paths": {"/accept": {"post": {"x-auth-type": "None",
    "parameters": [{"name": "dryRun", "in": "query", "schema": {"type": "boolean"}}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
    "responses": {"200": {"description": "ok"}}}}},
  "components": {"schemas": {
    "Order": {"type": "object", "required": ["id", "customer", "items"], "additionalProperties": False, "properties": {
      "id": {"type": "string", "pattern": "^[A-Z]-[0-9]+$"},
      "customer": {"type": "object", "required": ["email"], "properties": {
        "email": {"type": "string", "format": "email"}, "name": {"type": "string", "maxLength": 100}}},
      "created": {"type": "string", "format": "date-time"},
      "items": {"type": "array", "minItems": 1, "maxItems": 100, "items": {"$ref": "#/components/schemas/Line"}}}},
    "Line": {"type": "object", "required": ["sku", "qty", "price"], "properties": {
      "sku": {"type": "string", "pattern": "^p[0-9]{5}$"}, "name": {"type": "string"},
      "qty": {"type": "integer", "minimum": 1, "maximum": 1000}, "price": {"type": "number", "minimum": 0},
      "gift": {"type": "boolean"}}}}}}
items, i = [], 0
order = {"id": "A-1", "customer": {"email": "ann@example.com", "name": "Ann"}, "created": "2026-11-25T10:00:00Z", "items": items}
while len(json.dumps(order)) < 1024 - 80:
    items.append({"sku": f"p{i:05d}", "name": f"Item {i}", "qty": i % 7 + 1, "price": i * 1.25, "gift": i % 2 == 0})
    i += 1
open(sys.argv[1], "w").write(json.dumps(definition))
open(sys.argv[2], "w").write(json.dumps(order))
open(sys.argv[3], "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[' + json.dumps(order) + ']==]\n')
PY
for variant in validated:true unvalidated:false; do
  ctx=${variant%%:*}; on=${variant##*:}
  vid=$(curl -sf -u admin:bench -F "file=@$work/orders-def.json" \
    -F "additionalProperties={\"name\":\"Bench-$ctx\",\"context\":\"/$ctx\",\"version\":\"1.0\",\"enableSchemaValidation\":$on,
      \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}}}" \
    "$api/apis/import-openapi" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  vrev=$(curl -sf "${auth[@]}" -d '{}' "$api/apis/$vid/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sf "${auth[@]}" -d '[{"name":"Default"}]' "$api/apis/$vid/deploy-revision?revisionId=$vrev" >/dev/null
  for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$work/1k-order.json" "http://127.0.0.1:$GW/$ctx/1.0/accept")" = 200 ] && break; sleep 0.02; done
done
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"id":"A-1"}' \
     "http://127.0.0.1:$GW/validated/1.0/accept")" = 400 ] || { echo "bench: the validated route does not validate"; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$work/1k-order.json" \
     "http://127.0.0.1:$GW/validated/1.0/accept")" = 200 ] || { echo "bench: the validated route refuses a valid order"; exit 1; }

# A second API whose operation needs a token: an application subscribed to it gets one.
sid=$(curl -sf "${auth[@]}" -d "{\"name\":\"BenchSecure\",\"context\":\"/secure\",\"version\":\"1.0\",\"policies\":[\"Unlimited\"],
  \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
  \"operations\":[{\"target\":\"/*\",\"verb\":\"GET\"}]}" "$api/apis" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -X POST "$api/apis/change-lifecycle?apiId=$sid&action=Publish" >/dev/null
srev=$(curl -sf "${auth[@]}" -d '{}' "$api/apis/$sid/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -d '[{"name":"Default"}]' "$api/apis/$sid/deploy-revision?revisionId=$srev" >/dev/null
dev=http://127.0.0.1:$MGMT/api/am/devportal/v3
app=$(curl -sf "${auth[@]}" -d '{"name":"BenchApp","throttlingPolicy":"Unlimited"}' "$dev/applications" | python3 -c 'import json,sys; print(json.load(sys.stdin)["applicationId"])')
curl -sf "${auth[@]}" -d '{"keyType":"PRODUCTION","grantTypesToBeSupported":["client_credentials"]}' "$dev/applications/$app/generate-keys" > "$work/keys.json"
TOKEN=$(python3 -c "import json; print(json.load(open('$work/keys.json'))['token']['accessToken'])")
CK=$(python3 -c "import json; print(json.load(open('$work/keys.json'))['consumerKey'])")
CS=$(python3 -c "import json; print(json.load(open('$work/keys.json'))['consumerSecret'])")
curl -sf "${auth[@]}" -d "{\"applicationId\":\"$app\",\"apiId\":\"$sid\",\"throttlingPolicy\":\"Unlimited\"}" "$dev/subscriptions" >/dev/null
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GW/secure/1.0/1k")" = 200 ] && break; sleep 0.02; done
cat > "$work/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf '%s:%s' "$CK" "$CS" | base64 -w0)"
LUA

# A third API behind high, never-reached subscription and application tiers: the cost of
# counting. Measured on this node and on a second gateway process that shares its counters
# through Redis (same database, traffic.redis set).
curl -sf "${auth[@]}" -d '{"policyName":"BenchHigh","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2000000000}}}' \
  "http://127.0.0.1:$MGMT/api/am/admin/v4/throttling/policies/subscription" >/dev/null
curl -sf "${auth[@]}" -d '{"policyName":"BenchHighApp","defaultLimit":{"type":"REQUESTCOUNTLIMIT","requestCount":{"timeUnit":"min","unitTime":1,"requestCount":2000000000}}}' \
  "http://127.0.0.1:$MGMT/api/am/admin/v4/throttling/policies/application" >/dev/null
tid=$(curl -sf "${auth[@]}" -d "{\"name\":\"BenchThrottled\",\"context\":\"/throttled\",\"version\":\"1.0\",\"policies\":[\"BenchHigh\"],
  \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
  \"operations\":[{\"target\":\"/*\",\"verb\":\"GET\"}]}" "$api/apis" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -X POST "$api/apis/change-lifecycle?apiId=$tid&action=Publish" >/dev/null
trev=$(curl -sf "${auth[@]}" -d '{}' "$api/apis/$tid/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf "${auth[@]}" -d '[{"name":"Default"}]' "$api/apis/$tid/deploy-revision?revisionId=$trev" >/dev/null
tapp=$(curl -sf "${auth[@]}" -d '{"name":"BenchThrottledApp","throttlingPolicy":"BenchHighApp"}' "$dev/applications" | python3 -c 'import json,sys; print(json.load(sys.stdin)["applicationId"])')
TTOKEN=$(curl -sf "${auth[@]}" -d '{"keyType":"PRODUCTION","grantTypesToBeSupported":["client_credentials"]}' "$dev/applications/$tapp/generate-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"]["accessToken"])')
curl -sf "${auth[@]}" -d "{\"applicationId\":\"$tapp\",\"apiId\":\"$tid\",\"throttlingPolicy\":\"BenchHigh\"}" "$dev/subscriptions" >/dev/null
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TTOKEN" "http://127.0.0.1:$GW/throttled/1.0/1k")" = 200 ] && break; sleep 0.02; done

if [ "$MODE" = pinned ]; then . "$(dirname "$0")/pinned.sh"; exit 0; fi
if [ "$MODE" = syscalls ]; then . "$(dirname "$0")/syscalls.sh"; exit 0; fi
if [ "$MODE" = instructions ]; then . "$(dirname "$0")/instructions.sh"; exit 0; fi

redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --logfile "$work/redis.log" & pids+=($!)
ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" serve --data-dir "$work/data" --ready-file "$work/ready2.json" \
  --set server.log_level=info --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
  --set management.http_port=0 --set management.https_port=0 --set gateway.http_port=0 --set gateway.https_port=0 \
  --set traffic.redis=redis://127.0.0.1:$REDIS > "$work/archway2.log" 2>&1 & pids+=($!)
for _ in $(seq 200); do [ -f "$work/ready2.json" ] && break; sleep 0.05; done
[ -f "$work/ready2.json" ] || { cat "$work/archway2.log"; exit 1; }
GW2=$(python3 -c "import json; print(json.load(open('$work/ready2.json'))['gateway_http'])")
for _ in $(seq 200); do [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TTOKEN" "http://127.0.0.1:$GW2/throttled/1.0/1k")" = 200 ] && break; sleep 0.02; done
grep -q "using Redis" "$work/archway2.log" || { echo "bench: the second gateway did not connect to Redis"; cat "$work/archway2.log"; exit 1; }

run_wrk() {  # prints "rps p50_ms p99_ms"; extra arguments go to wrk
  local url=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" | python3 -c '
import re, sys
t = sys.stdin.read()
def ms(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups(); n = float(n)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
err = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
if err: sys.exit("non-2xx responses: " + err.group(1) + " from " + sys.argv[1])
print(f"{rps:.0f} {p50:.3f} {p99:.3f}")' "$url"
}

if [ "${ONLY:-}" = json2xml ]; then
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$work/json2xml.lua" "http://127.0.0.1:$GW/json2xml/1.0/accept" >/dev/null
  J=()
  for r in $(seq "$ROUNDS"); do J+=("$(run_wrk "http://127.0.0.1:$GW/json2xml/1.0/accept" -s "$work/json2xml.lua")"); done
  python3 - "$(stat -c %s "$work/10k.json")" "${J[@]}" <<'PY'
import statistics, sys
size = int(sys.argv[1]); j = [list(map(float, v.split())) for v in sys.argv[2:]]
med = lambda i: statistics.median(x[i] for x in j)
print("| proxy | requests/s | p50 ms | p99 ms |")
print("|---|---|---|---|")
print(f"| archway gateway, jsonToXML on a {size} B JSON POST body | {med(0):.0f} | {med(1):.3f} | {med(2):.3f} |")
print("rounds (rps p50 p99):", j)
PY
  exit 0
fi

if [ "${ONLY:-}" = schemaval ]; then
  for ctx in validated unvalidated; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$work/schemaval.lua" "http://127.0.0.1:$GW/$ctx/1.0/accept" >/dev/null
  done
  V=(); U=()
  for r in $(seq "$ROUNDS"); do
    V+=("$(run_wrk "http://127.0.0.1:$GW/validated/1.0/accept" -s "$work/schemaval.lua")")
    U+=("$(run_wrk "http://127.0.0.1:$GW/unvalidated/1.0/accept" -s "$work/schemaval.lua")")
  done
  python3 - "$(stat -c %s "$work/1k-order.json")" "$ROUNDS" "${V[@]}" "${U[@]}" <<'PY'
import statistics, sys
size, n = int(sys.argv[1]), int(sys.argv[2])
rows = [list(map(float, v.split())) for v in sys.argv[3:]]
v, u = rows[:n], rows[n:]
med = lambda xs, i: statistics.median(x[i] for x in xs)
print("| proxy | requests/s | p50 ms | p99 ms |")
print("|---|---|---|---|")
print(f"| archway gateway, {size} B JSON POST, enableSchemaValidation on | {med(v,0):.0f} | {med(v,1):.3f} | {med(v,2):.3f} |")
print(f"| archway gateway, same API, validation off | {med(u,0):.0f} | {med(u,1):.3f} | {med(u,2):.3f} |")
print(f"throughput ratio validated/unvalidated: {med(v,0)/med(u,0):.2f}")
print("rounds (rps p50 p99): validated", v, "unvalidated", u)
PY
  exit 0
fi

# Correctness first: the same body through both proxies.
cmp <(curl -sf "http://127.0.0.1:$PROXY/1k") <(curl -sf "http://127.0.0.1:$GW/bench/1.0/1k")


wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PROXY/1k" >/dev/null   # warm-up
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$GW/bench/1.0/1k" >/dev/null
declare -a N A M S R Q J
for r in $(seq "$ROUNDS"); do
  N+=("$(run_wrk "http://127.0.0.1:$PROXY/1k")")
  A+=("$(run_wrk "http://127.0.0.1:$GW/bench/1.0/1k")")
  M+=("$(run_wrk "http://127.0.0.1:$GW/mediated/1.0/1k" -H 'Origin: https://app.example.com')")
  S+=("$(run_wrk "http://127.0.0.1:$GW/secure/1.0/1k" -H "Authorization: Bearer $TOKEN")")
  R+=("$(run_wrk "http://127.0.0.1:$GW/throttled/1.0/1k" -H "Authorization: Bearer $TTOKEN")")
  Q+=("$(run_wrk "http://127.0.0.1:$GW2/throttled/1.0/1k" -H "Authorization: Bearer $TTOKEN")")
  J+=("$(run_wrk "http://127.0.0.1:$GW/json2xml/1.0/accept" -s "$work/json2xml.lua")")
done
T=$(CONNECTIONS=8 run_wrk "http://127.0.0.1:$MGMT/oauth2/token" -s "$work/token.lua")
python3 - "$ROUNDS" "$T" "${N[@]}" "${A[@]}" "${S[@]}" "${R[@]}" "${Q[@]}" "${M[@]}" "${J[@]}" <<'PY'
import statistics, sys
r = int(sys.argv[1]); t = list(map(float, sys.argv[2].split()))
vals = [list(map(float, v.split())) for v in sys.argv[3:]]
n, a, s, th, tq, mm, jx = (vals[k*r:(k+1)*r] for k in range(7))
med = lambda xs, i: statistics.median(x[i] for x in xs)
nr, ar, sr, tr, qr, mr = med(n, 0), med(a, 0), med(s, 0), med(th, 0), med(tq, 0), med(mm, 0)
print("| proxy | requests/s | p50 ms | p99 ms |")
print("|---|---|---|---|")
print(f"| nginx (proxy_pass, keepalive) | {nr:.0f} | {med(n,1):.3f} | {med(n,2):.3f} |")
print(f"| archway gateway, unsecured API | {ar:.0f} | {med(a,1):.3f} | {med(a,2):.3f} |")
print(f"| archway gateway, 5 header policies + CORS | {mr:.0f} | {med(mm,1):.3f} | {med(mm,2):.3f} |")
print(f"| archway gateway, JWT + subscription check | {sr:.0f} | {med(s,1):.3f} | {med(s,2):.3f} |")
print(f"| archway gateway, JWT + subscription + throttled (high tiers) | {tr:.0f} | {med(th,1):.3f} | {med(th,2):.3f} |")
print(f"| archway gateway, same, counters shared through Redis | {qr:.0f} | {med(tq,1):.3f} | {med(tq,2):.3f} |")
print(f"| archway gateway, jsonToXML on a 10 KB JSON POST body | {med(jx,0):.0f} | {med(jx,1):.3f} | {med(jx,2):.3f} |")
print(f"| archway /oauth2/token client_credentials (8 connections) | {t[0]:.0f} | {t[1]:.3f} | {t[2]:.3f} |")
print(f"\nthroughput ratio archway/nginx: {ar/nr:.2f}   p99 ratio archway/nginx: {med(a,2)/med(n,2):.2f}")
print(f"throughput ratio secured/unsecured: {sr/ar:.2f}")
print(f"throughput ratio mediated (5 header policies + CORS)/bare: {mr/ar:.2f}")
print(f"throughput ratio throttled/unthrottled (single node): {tr/sr:.2f}   with Redis: {qr/sr:.2f}")
print("rounds (rps p50 p99): nginx", n, "archway", a, "secured", s, "throttled", th, "throttled+redis", tq, "mediated", mm, "json2xml", jx)
PY
