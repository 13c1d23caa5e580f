# MODE=instructions part of bench/run.sh, sourced by it once Archway's APIs are set up; uses its
# variables (work, NGINX, PROXY, BACKEND, ARCHWAY, GW_ARGS, TTOKEN, TOKEN, CONNECTIONS, pids).
# User-space instructions per request, counted by Valgrind's callgrind: a second nginx proxy (one
# process, master_process off) and a second Archway (same data directory, one gateway worker) run
# under callgrind; after a warm-up, the counters are zeroed, wrk -t1 -c$CONNECTIONS runs 5 s, and
# the counters are dumped: instructions (Ir) over the requests wrk completed. The kernel's work is
# not counted (system calls run natively), nor is time: a count, unlike a time, is the same on a
# busy or a quiet machine, so it shows what a change to the proxy's own code is worth where the
# pinned mode's throughput cannot (rounds vary by 10% on a shared VM). Every thread of the process
# counts (Archway's analytics writer and background jobs included). Needs valgrind.
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
mkdir -p "$work/callgrind"
CG=(valgrind --tool=callgrind --callgrind-out-file="$work/callgrind/%p.out" --dump-line=no --compress-strings=no --compress-pos=no)

CG_PROXY=$(free_port)
sed -e "s/^worker_processes .*/master_process off;/" -e "s/127.0.0.1:$PROXY/127.0.0.1:$CG_PROXY/" \
  -e "s#pid $work/proxy/nginx.pid#pid $work/callgrind/nginx.pid#" "$work/proxy/nginx.conf" > "$work/callgrind/nginx.conf"
"${CG[@]}" "$NGINX" -p "$work/proxy" -c "$work/callgrind/nginx.conf" -g 'daemon off;' \
  > "$work/callgrind/nginx.log" 2>&1 & pids+=($!); CG_NGINX_PID=$!

ARCHWAY_ADMIN_PASSWORD=bench "${CG[@]}" "$ARCHWAY" serve --data-dir "$work/data" --ready-file "$work/ready-cg.json" \
  --set server.log_level=warn --set management.host=127.0.0.1 --set gateway.host=127.0.0.1 \
  --set management.http_port=0 --set management.https_port=0 --set gateway.http_port=0 --set gateway.https_port=0 \
  "${GW_ARGS[@]}" > "$work/callgrind/archway.log" 2>&1 & pids+=($!); CG_ARCHWAY_PID=$!
for _ in $(seq 1200); do [ -f "$work/ready-cg.json" ] && break; sleep 0.1; done
[ -f "$work/ready-cg.json" ] || { echo "bench: Archway under callgrind did not start"; tail "$work/callgrind/archway.log"; exit 1; }
CG_GW=$(python3 -c "import json; print(json.load(open('$work/ready-cg.json'))['gateway_http'])")
H=(-H "Authorization: Bearer $TTOKEN")
for u in "http://127.0.0.1:$CG_PROXY/1k" "http://127.0.0.1:$CG_GW/bench/1.0/1k"; do
  for _ in $(seq 300); do [ "$(code "$u")" = 200 ] && break; sleep 0.1; done
  [ "$(code "$u")" = 200 ] || { echo "bench: $u does not answer 200 under callgrind"; exit 1; }
done
for _ in $(seq 300); do [ "$(code "${H[@]}" "http://127.0.0.1:$CG_GW/throttled/1.0/1k")" = 200 ] && break; sleep 0.1; done

count() {  # $1 name, $2 pid, $3 url, rest: wrk arguments; prints "name requests instructions"
  local name=$1 pid=$2 url=$3 before; shift 3
  wrk -t1 -c"$CONNECTIONS" -d3s "$@" "$url" >/dev/null  # warm-up: connections, caches, pools
  callgrind_control -z "$pid" >/dev/null 2>&1
  wrk -t1 -c"$CONNECTIONS" -d5s "$@" "$url" > "$work/callgrind/$name.wrk"
  before=$(ls "$work/callgrind" | grep -c "^$pid.out" || true)
  callgrind_control -d "$name" "$pid" >/dev/null 2>&1
  for _ in $(seq 100); do [ "$(ls "$work/callgrind" | grep -c "^$pid.out")" -gt "$before" ] && break; sleep 0.1; done
  local dump; dump=$(ls -t "$work/callgrind/$pid.out"* | head -1)
  local req; req=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/callgrind/$name.wrk")
  grep -q "Non-2xx" "$work/callgrind/$name.wrk" && { echo "bench: $name: non-2xx answers under callgrind" >&2; exit 1; }
  if [ -n "${DUMPS:-}" ]; then mkdir -p "$DUMPS" && cp "$dump" "$DUMPS/$name.callgrind"; fi
  echo "$name $req $(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$dump") $dump"
}
rows=()
rows+=("$(count nginx "$CG_NGINX_PID" "http://127.0.0.1:$CG_PROXY/1k")")
rows+=("$(count archway "$CG_ARCHWAY_PID" "http://127.0.0.1:$CG_GW/bench/1.0/1k")")
rows+=("$(count archway_throttled "$CG_ARCHWAY_PID" "http://127.0.0.1:$CG_GW/throttled/1.0/1k" "${H[@]}")")

echo "user-space instructions per request (callgrind; wrk -t1 -c$CONNECTIONS, 5 s after a 3 s warm-up; same 1 KB backend)"
echo "| proxy | requests counted | instructions/request | vs nginx |"
echo "|---|---|---|---|"
nginx_ir=""
for row in "${rows[@]}"; do
  read -r name req ir dump <<<"$row"
  per=$(python3 -c "print(f'{$ir / $req:.0f}')")
  [ -z "$nginx_ir" ] && nginx_ir=$per
  case $name in
    nginx) label="nginx 1.22 proxy_pass, upstream keepalive pool, one process" ;;
    archway) label="archway /bench, unsecured, 1 worker" ;;
    archway_throttled) label="archway /throttled: JWT + subscription + sub/app tiers counted, 1 worker" ;;
  esac
  echo "| $label | $req | $per | $(python3 -c "print(f'{$per / $nginx_ir:.2f}')") |"
done
if [ -n "${PROFILE:-}" ]; then  # PROFILE=1: each one's costliest functions, own instructions per request
  for row in "${rows[@]}"; do
    read -r name req ir dump <<<"$row"
    echo; echo "== $name: instructions per request spent in each function itself (callees apart)"
    python3 - "$dump" "$req" "${PROFILE_TOP:-30}" <<'PY'
import collections, sys
own, fn, call = collections.Counter(), None, False
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("fn="):
        fn = line[3:].strip()
    elif line.startswith("calls="):
        call = True  # the next cost line is the callee's, inclusive
    elif line[:1].isdigit() and fn:
        if call:
            call = False
        else:
            own[fn] += int(line.split()[1])
n = int(sys.argv[2])
for f, v in own.most_common(int(sys.argv[3])):
    print(f"{v / n:8.0f}  {f[:150]}")
PY
  done
fi
