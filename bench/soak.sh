#!/usr/bin/env bash
# Soak: 30 minutes (DURATION_S) of mixed gateway traffic while APIs, applications, keys,
# subscriptions and revocations churn through the REST API; samples the server's RSS, open file
# descriptors and threads every SAMPLE_S seconds and fails on growth beyond the bounds after the
# warm-up (WARMUP_S). What runs and the bounds: bench/soak.py.
# Usage: bench/soak.sh [path/to/archway]
#   env: DURATION_S=1800 WARMUP_S=300 SAMPLE_S=10 CHURN_S=2 CONNECTIONS=16
#        RSS_GROWTH_MB=32 FD_GROWTH=32 THREAD_GROWTH=2
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
for tool in nginx wrk python3; do
  command -v "$tool" >/dev/null || { echo "soak: '$tool' is missing (make deps installs it)"; exit 1; }
done
command -v "$ARCHWAY" >/dev/null || { echo "soak: no Archway binary at '$ARCHWAY'"; exit 1; }
ARCHWAY=$(realpath "$ARCHWAY")
work=$(mktemp -d /tmp/archway-soak-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
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
nginx -p "$work/backend" -c "$work/backend/nginx.conf" -g 'daemon off;' & pids+=($!)

ARCHWAY_ADMIN_PASSWORD=soak "$ARCHWAY" serve --data-dir "$work/data" --ready-file "$work/ready.json" \
  --set server.log_level=warn --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
  --set management.http_port=0 --set management.https_port=0 --set gateway.http_port=0 --set gateway.https_port=0 \
  > "$work/archway.log" 2>&1 & pids+=($!); ARCHWAY_PID=$!
for _ in $(seq 200); do [ -f "$work/ready.json" ] && break; sleep 0.05; done
[ -f "$work/ready.json" ] || { cat "$work/archway.log"; exit 1; }
port() { python3 -c "import json; print(json.load(open('$work/ready.json'))['$1'])"; }

SOAK_MGMT=$(port management_http) SOAK_GW=$(port gateway_http) SOAK_BACKEND=$BACKEND SOAK_PID=$ARCHWAY_PID \
  SOAK_WORK=$work python3 "$(dirname "$0")/soak.py" || { echo "soak: server log tail:"; tail -20 "$work/archway.log"; exit 1; }
