#!/usr/bin/env bash
# Rate-limit accuracy: how many requests a limit of L per second really lets through, window by
# window, on one node and on N gateways sharing the limit through Redis (docs/traffic.md states
# the bound L + N - 1 per window while every gateway synchronises on schedule).
#
# One `archway control-plane` (SQLite) feeds the gateways; the Unauthenticated subscription tier is
# set to LIMIT requests per second and an unsecured API is deployed, so every call of the load
# (all from 127.0.0.1) counts against one counter. Scenarios, each on fresh processes:
#   serve      `archway serve`, 2 workers, local counters only (the exact limit is expected)
#   N=1,2,3    N `archway gateway` processes (1 worker each) sharing the counter through one Redis,
#              every gateway loaded alike; for N >= 2 also a skewed run: all load on gateway 1
#              while the others heartbeat idle (it should still get the whole limit).
# The load: CLIENTS keep-alive client processes per loaded gateway, each calling as fast as its
# answers come, for DURATION seconds; every answer's status and time is kept. Admissions come in
# one burst at the start of each window (the demand is many times the limit), so windows are told
# apart by the gaps between admissions; the last window, cut by the end of the run, is left out.
# Prints, per scenario: windows, calls per second, admitted per window (min / median / max), the
# windows above L and the largest excess, the windows below L, and any answer other than 200/429.
# Usage: bench/ratelimit.sh [path/to/archway]
#   env: LIMIT=200 DURATION=15 CLIENTS=3 SCENARIOS="serve 1 2 3" SYNC_MS=20 (traffic.sync_interval_ms)
set -euo pipefail
ARCHWAY=${1:-build/release/archway}
LIMIT=${LIMIT:-200}
DURATION=${DURATION:-15}
CLIENTS=${CLIENTS:-3}
SCENARIOS=${SCENARIOS:-serve 1 2 3}
SYNC_MS=${SYNC_MS:-20}
for tool in nginx curl python3 redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing"; exit 1; }
done
command -v "$ARCHWAY" >/dev/null || { echo "bench: no Archway binary at '$ARCHWAY'"; exit 1; }
. "$(dirname "$0")/lib.sh"
bench_workdir archway-ratelimit
start_backend
wait_file() { for _ in $(seq 1 2000); do [ -s "$1" ] && return 0; sleep 0.01; done; echo "bench: $1 never appeared"; cat "$2"; exit 1; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
TOKEN=bench-gateway-token
quiet=(--set server.log_level=warn --set analytics.enabled=false)
gw_listen=(--set gateway.host=127.0.0.1 --set gateway.http_port=0 --set gateway.https_port=-1)

# Sets the Unauthenticated tier to LIMIT per second and deploys /limited/1.0 (GET /*, no auth)
# through the management API on port $1.
configure() {
  set_unauthenticated_tier "$1" "$LIMIT" sec
  deploy_unsecured_api "$1" Limited /limited
}
# Waits until the gateway on port $1 serves the API.
wait_served() {
  for _ in $(seq 1000); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/limited/1.0/1k")" = 200 ] && return 0; sleep 0.02; done
  echo "bench: the gateway on port $1 never served /limited/1.0/1k"; exit 1
}

# load NAME PORT...: CLIENTS client processes per port for DURATION seconds; prints the analysis.
load() {
  local name=$1; shift
  sleep 1.2  # the windows the readiness checks opened have ended
  python3 - "$name" "$LIMIT" "$DURATION" "$CLIENTS" "$GATEWAYS" "$@" <<'PY'
import http.client, multiprocessing as mp, statistics, sys, time
name, limit, duration, clients, gateways = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ports = [int(p) for p in sys.argv[6:]]

def client(port, start, end, out):
    c = http.client.HTTPConnection("127.0.0.1", port)
    seen = []
    while time.monotonic() < start: time.sleep(0.0005)
    while (now := time.monotonic()) < end:
        try:
            c.request("GET", "/limited/1.0/1k"); r = c.getresponse(); r.read(); status = r.status
        except (OSError, http.client.HTTPException):
            c.close(); c = http.client.HTTPConnection("127.0.0.1", port); status = 0
        seen.append((time.monotonic(), status, port))
    out.put(seen)

start = time.monotonic() + 0.5
end = start + duration
q = mp.Queue()
procs = [mp.Process(target=client, args=(p, start, end, q)) for p in ports for _ in range(clients)]
for p in procs: p.start()
answers = [a for _ in procs for a in q.get()]
for p in procs: p.join()
calls = len(answers)
other = sum(1 for _, s, _ in answers if s not in (200, 429))
admitted = sorted((t, port) for t, s, port in answers if s == 200)
# A window's admissions come in one burst at its start; a gap of half the period parts two windows.
windows, current = [], []
for t, port in admitted:
    if current and t - current[-1][0] > 0.5:
        windows.append(current); current = []
    current.append((t, port))
windows.append(current)  # the last one, cut by the end of the run, is not counted
counts = [len(w) for w in windows[:-1]]
per_second = len(admitted) / duration
if not counts:  # admissions never paused for half a period: only the rate can be told
    print(f"{name:<34} no window told apart, {calls / duration:>6.0f} calls/s; admitted {per_second:.0f}/s "
          f"(limit {limit}/s); other answers {other}")
    raise SystemExit(0)
above = [c - limit for c in counts if c > limit]
below = [limit - c for c in counts if c < limit]
bound = f", bound {limit + gateways - 1}" if gateways > 1 else ""
print(f"{name:<34} {len(counts):>3} windows, {calls / duration:>6.0f} calls/s, admitted {per_second:.0f}/s; per window "
      f"min {min(counts)} / median {statistics.median(counts):g} / max {max(counts)} (limit {limit}{bound}); "
      f"{len(above)} above (most +{max(above, default=0)}), {len(below)} below (most -{max(below, default=0)}); "
      f"other answers {other}")
if len(ports) > 1:
    worst = max(windows[:-1], key=len)
    split = " + ".join(str(sum(1 for _, p in worst if p == port)) for port in ports)
    print(f"{'':<34} the fullest window by gateway: {split}, over {1000 * (worst[-1][0] - worst[0][0]):.0f} ms")
PY
}

stop() { for p in "$@"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }

echo "rate-limit accuracy: limit $LIMIT/s, $CLIENTS client processes per loaded gateway, ${DURATION} s per run"
for scenario in $SCENARIOS; do
  if [ "$scenario" = serve ]; then
    GATEWAYS=1
    rm -rf "$work"/serve "$work"/serve.ready
    ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" serve --data-dir "$work/serve" --ready-file "$work/serve.ready" \
      --set management.host=127.0.0.1 --set management.http_port=0 --set management.https_port=-1 \
      "${gw_listen[@]}" --set gateway.workers=2 "${quiet[@]}" >"$work/serve.log" 2>&1 & pids+=($!); serve_pid=$!
    wait_file "$work/serve.ready" "$work/serve.log"
    configure "$(json_field "$work/serve.ready" management_http)"
    port=$(json_field "$work/serve.ready" gateway_http)
    wait_served "$port"
    load "serve (2 workers, local counters)" "$port"
    stop "$serve_pid"
    continue
  fi
  GATEWAYS=$scenario
  rm -rf "$work"/cp "$work"/cp.ready "$work"/gw*
  cp_port=$(free_port)
  ARCHWAY_ADMIN_PASSWORD=bench "$ARCHWAY" control-plane --data-dir "$work/cp" --ready-file "$work/cp.ready" \
    --set management.host=127.0.0.1 --set management.http_port="$cp_port" --set management.https_port=-1 \
    --set cluster.gateway_token=$TOKEN "${quiet[@]}" >"$work/cp.log" 2>&1 & pids+=($!); cp_pid=$!
  wait_file "$work/cp.ready" "$work/cp.log"
  configure "$cp_port"
  start_redis; redis_pid=${pids[-1]}
  ports=(); gw_pids=()
  for g in $(seq 1 "$GATEWAYS"); do
    "$ARCHWAY" gateway --control-plane "http://127.0.0.1:$cp_port" --data-dir "$work/gw$g" --ready-file "$work/gw$g.ready" \
      "${gw_listen[@]}" --set gateway.workers=1 --set cluster.gateway_token=$TOKEN "${quiet[@]}" \
      --set traffic.redis="$REDIS_URL" --set traffic.sync_interval_ms="$SYNC_MS" >"$work/gw$g.log" 2>&1 & pids+=($!); gw_pids+=($!)
    wait_file "$work/gw$g.ready" "$work/gw$g.log"
    ports+=("$(json_field "$work/gw$g.ready" gateway_http)")
  done
  for p in "${ports[@]}"; do wait_served "$p"; done
  load "$GATEWAYS gateway(s) + Redis, even load" "${ports[@]}"
  [ "$GATEWAYS" -gt 1 ] && load "$GATEWAYS gateways + Redis, all on gateway 1" "${ports[0]}"
  stop "${gw_pids[@]}" "$redis_pid" "$cp_pid"
done
