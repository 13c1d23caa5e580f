# MODE=instructions part of bench/run.sh, sourced by it once Archway's APIs are set up; uses its
# variables (work, NGINX, PROXY, ARCHWAY, GW_ARGS, TTOKEN, CONNECTIONS, pids).
# User-space instructions per request, counted by Valgrind's callgrind: a second nginx proxy (one
# process, master_process off) and a second Archway (same data directory, one gateway worker) run
# under callgrind; after a warm-up, the counters are zeroed, wrk -t1 -c$CONNECTIONS runs 5 s, and
# the counters are dumped: instructions (Ir) over the requests wrk completed. The kernel's work is
# not counted (system calls run natively), nor is time: a count, unlike a time, is the same on a
# busy or a quiet machine, so it shows what a change to the proxy's own code is worth where the
# pinned mode's throughput cannot (rounds vary by 10% on a shared VM). Every thread of the process
# counts (Archway's analytics writer and background jobs included); requests still in flight when
# wrk stops (up to $CONNECTIONS) are executed but not counted, about 1% here. Needs valgrind.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
mkdir -p "$work/callgrind"
CG=(valgrind --tool=callgrind --callgrind-out-file="$work/callgrind/%p.out" --compress-strings=no --compress-pos=no)

CG_PROXY=$(free_port)
sed -e "s/^worker_processes .*/master_process off;/" -e "s/listen 127.0.0.1:$PROXY;/listen 127.0.0.1:$CG_PROXY;/" \
  -e "s#pid $work/proxy/nginx.pid#pid $work/callgrind/nginx.pid#" "$work/proxy/nginx.conf" > "$work/callgrind/nginx.conf"
"${CG[@]}" "$NGINX" -p "$work/proxy" -c "$work/callgrind/nginx.conf" -g 'daemon off;' \
  > "$work/callgrind/nginx.log" 2>&1 & pids+=($!); CG_NGINX_PID=$!

start_archway archway-callgrind "${CG[@]}"
CG_ARCHWAY_PID=$STARTED_PID; CG_GW=$STARTED_GW
H=(-H "Authorization: Bearer $TTOKEN")
for u in "http://127.0.0.1:$CG_PROXY/1k" "http://127.0.0.1:$CG_GW/bench/1.0/1k"; do
  for _ in $(seq 300); do [ "$(code "$u")" = 200 ] && break; sleep 0.1; done
  [ "$(code "$u")" = 200 ] || { echo "bench: $u does not answer 200 under callgrind"; exit 1; }
done
for _ in $(seq 300); do [ "$(code "${H[@]}" "http://127.0.0.1:$CG_GW/throttled/1.0/1k")" = 200 ] && break; sleep 0.1; done

control() {  # callgrind_control "$@", failing the run when it reaches no callgrind process
  local out; out=$(callgrind_control "$@" 2>&1)
  if grep -qiE "error|no active" <<<"$out"; then echo "bench: callgrind_control $*: $out" >&2; return 1; fi
}
count() {  # $1 name, $2 pid, $3 url, rest: wrk arguments; prints "name requests instructions dump"
  local name=$1 pid=$2 url=$3 dump="" req; shift 3
  wrk -t1 -c"$CONNECTIONS" -d3s "$@" "$url" >/dev/null  # warm-up: connections, caches, pools
  control -z "$pid" || return 1
  wrk -t1 -c"$CONNECTIONS" -d5s "$@" "$url" > "$work/callgrind/$name.wrk"
  control -d "$name" "$pid" || return 1
  for _ in $(seq 300); do  # the dump this run asked for, by the reason it carries
    dump=$(grep -lx "desc: Trigger: dump $name" "$work/callgrind/$pid".out* 2>/dev/null | head -1 || true)
    [ -n "$dump" ] && break; sleep 0.1
  done
  [ -n "$dump" ] || { echo "bench: callgrind wrote no dump for $name" >&2; return 1; }
  ! grep -q "Non-2xx" "$work/callgrind/$name.wrk" || { echo "bench: $name: non-2xx answers under callgrind" >&2; return 1; }
  req=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/callgrind/$name.wrk")
  if [ -n "${DUMPS:-}" ]; then mkdir -p "$DUMPS" && cp "$dump" "$DUMPS/$name.callgrind"; fi
  echo "$name $req $(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$dump") $dump"
}
rows=()
row=$(count nginx "$CG_NGINX_PID" "http://127.0.0.1:$CG_PROXY/1k") || exit 1; rows+=("$row")
row=$(count archway "$CG_ARCHWAY_PID" "http://127.0.0.1:$CG_GW/bench/1.0/1k") || exit 1; rows+=("$row")
row=$(count archway_throttled "$CG_ARCHWAY_PID" "http://127.0.0.1:$CG_GW/throttled/1.0/1k" "${H[@]}") || exit 1
rows+=("$row")

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
