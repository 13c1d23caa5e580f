# Shared set-up of the bench scripts (sourced, not run): a work directory removed on exit with
# every process the script started, free loopback ports, and an nginx backend serving /1k (1 KB)
# and /accept (a JSON answer to any method).

# bench_workdir NAME: sets $work (a fresh /tmp/NAME-XXXXXX) and $pids; cleans both up on exit.
bench_workdir() {
  work=$(mktemp -d "/tmp/$1-XXXXXX")
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_backend [command prefix...]: one nginx worker on a free port (prefix e.g. `taskset -c 0`);
# sets $BACKEND (its port) and $BACKEND_PID.
start_backend() {
  BACKEND=$(free_port)
  mkdir -p "$work/www" "$work/backend"
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
  server {
    listen 127.0.0.1:$BACKEND; root $work/www; location / { }
    location = /accept { default_type application/json; return 200 '{"ok":true}'; }
  }
}
CONF
  "$@" nginx -p "$work/backend" -c "$work/backend/nginx.conf" -g 'daemon off;' & pids+=($!); BACKEND_PID=$!
}

# start_redis: a redis-server without persistence on a free port; sets $REDIS_URL.
start_redis() {
  local port; port=$(free_port)
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$work" \
    >"$work/redis.log" 2>&1 & pids+=($!)
  for _ in $(seq 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.02; done
  REDIS_URL=redis://127.0.0.1:$port
}

# start_postgres: a PostgreSQL server of the bench's own (Debian's postgresql package: initdb into a
# directory of its own, the server on a free loopback port, run as the postgres user when root);
# sets $PG_URL to a database `archway` the user `archway` may use without a password.
start_postgres() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/initdb" ] || { echo "bench: PostgreSQL is missing (package postgresql)"; exit 1; }
  local dir; dir=$(mktemp -d /tmp/archway-bench-pg-XXXXXX)
  local as=()
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; as=(setpriv --reuid=postgres --regid=postgres --init-groups); fi
  local port; port=$(free_port)
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U archway -A trust -E UTF8 --locale=C --no-instructions >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log"; exit 1; }
  # exec'd in place (setpriv does not fork), so its pid is the postmaster's and the exit trap stops it.
  "${as[@]}" "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" -c listen_addresses=127.0.0.1 \
    -c max_connections=100 >"$work/postgres.log" 2>&1 & pids+=($!)
  PG_DIR=$dir
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work" "$PG_DIR"' EXIT
  for _ in $(seq 300); do "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break; sleep 0.05; done
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U archway archway || { cat "$work/postgres.log"; exit 1; }
  PG_URL=postgresql://archway@127.0.0.1:$port/archway
}

# start_archway NAME [command prefix...]: one more `archway serve` on the bench's data directory
# (every port chosen by the kernel), run under the prefix (callgrind, taskset, env LD_PRELOAD=...),
# its output in $work/NAME.log. Waits up to two minutes for its ready file, then sets $STARTED_PID
# and $STARTED_GW (its gateway's HTTP port). Uses $ARCHWAY and $GW_ARGS; exits when it fails.
start_archway() {
  local name=$1; shift
  ARCHWAY_ADMIN_PASSWORD=bench "$@" "$ARCHWAY" serve --data-dir "$work/data" --ready-file "$work/$name.ready.json" \
    --set server.log_level=warn --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
    --set management.http_port=0 --set management.https_port=0 --set gateway.http_port=0 --set gateway.https_port=0 \
    "${GW_ARGS[@]}" > "$work/$name.log" 2>&1 & pids+=($!); STARTED_PID=$!
  for _ in $(seq 1200); do [ -f "$work/$name.ready.json" ] && break; sleep 0.1; done
  [ -f "$work/$name.ready.json" ] || { echo "bench: Archway ($name) did not start"; tail "$work/$name.log"; exit 1; }
  STARTED_GW=$(python3 -c "import json; print(json.load(open('$work/$name.ready.json'))['gateway_http'])")
}

# set_unauthenticated_tier MGMT_PORT COUNT UNIT: the Unauthenticated subscription tier (what calls
# without a token count against, per client address) set to COUNT requests per UNIT (sec, min...),
# through the Admin REST API of the node on MGMT_PORT (admin:bench).
set_unauthenticated_tier() {
  local mgmt=$1 count=$2 unit=$3 auth=(-u admin:bench -H 'Content-Type: application/json') id
  id=$(curl -sf "${auth[@]}" "http://127.0.0.1:$mgmt/api/am/admin/v4/throttling/policies/subscription" \
    | python3 -c 'import json,sys; print([p["policyId"] for p in json.load(sys.stdin)["list"] if p["policyName"]=="Unauthenticated"][0])')
  curl -sf "${auth[@]}" -X PUT -d "{\"policyName\":\"Unauthenticated\",\"defaultLimit\":{\"type\":\"REQUESTCOUNTLIMIT\",\"requestCount\":{\"timeUnit\":\"$unit\",\"unitTime\":1,\"requestCount\":$count}}}" \
    "http://127.0.0.1:$mgmt/api/am/admin/v4/throttling/policies/subscription/$id" >/dev/null
}

# deploy_unsecured_api MGMT_PORT NAME CONTEXT: an API at CONTEXT/1.0 (GET /*, no auth) in front of
# the backend ($BACKEND), created, revised and deployed to Default through the Publisher REST API.
deploy_unsecured_api() {
  local mgmt=$1 name=$2 context=$3 auth=(-u admin:bench -H 'Content-Type: application/json') id rev
  local api=http://127.0.0.1:$mgmt/api/am/publisher/v4
  id=$(curl -sf "${auth[@]}" -d "{\"name\":\"$name\",\"context\":\"$context\",\"version\":\"1.0\",
    \"endpointConfig\":{\"endpoint_type\":\"http\",\"production_endpoints\":{\"url\":\"http://127.0.0.1:$BACKEND\"}},
    \"operations\":[{\"target\":\"/*\",\"verb\":\"GET\",\"authType\":\"None\"}]}" "$api/apis" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  rev=$(curl -sf "${auth[@]}" -d '{"description":"bench"}' "$api/apis/$id/revisions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sf "${auth[@]}" -d '[{"name":"Default","vhost":"localhost"}]' "$api/apis/$id/deploy-revision?revisionId=$rev" >/dev/null
}
