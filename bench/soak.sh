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
. "$(dirname "$0")/lib.sh"
bench_workdir archway-soak
start_backend

ARCHWAY_ADMIN_PASSWORD=soak "$ARCHWAY" serve --data-dir "$work/data" --ready-file "$work/ready.json" \
  --set server.log_level=warn --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
  --set management.http_port=0 --set management.https_port=0 --set gateway.http_port=0 --set gateway.https_port=0 \
  > "$work/archway.log" 2>&1 & pids+=($!); ARCHWAY_PID=$!
for _ in $(seq 200); do [ -f "$work/ready.json" ] && break; sleep 0.05; done
[ -f "$work/ready.json" ] || { cat "$work/archway.log"; exit 1; }
port() { python3 -c "import json; print(json.load(open('$work/ready.json'))['$1'])"; }

SOAK_MGMT=$(port management_http) SOAK_GW=$(port gateway_http) SOAK_BACKEND=$BACKEND SOAK_PID=$ARCHWAY_PID \
  SOAK_WORK=$work python3 "$(dirname "$0")/soak.py" || { echo "soak: server log tail:"; tail -20 "$work/archway.log"; exit 1; }
