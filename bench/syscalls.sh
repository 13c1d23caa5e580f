# MODE=syscalls part of bench/run.sh, sourced by it once Archway's APIs are set up; uses its
# variables (work, BACKEND_PID, NGINX_PID, PROXY, ARCHWAY_PID, GW, TTOKEN). The pinned set-up of
# MODE=pinned (backend and proxy on CPU 0, wrk -t1 -c$CONNECTIONS on CPU 1), counting instead of
# timing: for each proxy, perf counts the system calls (syscalls:sys_enter_* tracepoints) and
# context switches of the proxy's processes and of the backend's over 5 seconds of a 6-second wrk
# run; /proc/net/snmp gives the TCP segments of the whole run. Counts, unlike times, hold on a busy
# machine. Prints one table per process, calls per request. Then the proxy's CPU time per request
# split into kernel and user space (perf's cpu-clock samples at 2 kHz over the same 5 seconds;
# the kernel's share is the floor no proxy's own code can go below).
children() { echo "$1,$(pgrep -P "$1" | paste -sd,)" | sed 's/,$//'; }
BACKEND_PIDS=$(children "$BACKEND_PID")
tcp_segments() { awk '/^Tcp:/ { l = $0 } END { split(l, f); print f[11], f[12] }' /proc/net/snmp; }  # InSegs OutSegs
count() {  # $1 name, $2 proxy pids, $3 url, rest: wrk arguments
  local name=$1 pids=$2 url=$3; shift 3
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "$@" "$url" >/dev/null
  perf stat -x, -p "$pids" -e task-clock,context-switches,'syscalls:sys_enter_*' -o "$work/$name.proxy" -- sleep 5 &
  local p1=$!
  perf stat -x, -p "$BACKEND_PIDS" -e task-clock,context-switches,'syscalls:sys_enter_*' -o "$work/$name.backend" -- sleep 5 &
  local p2=$!
  perf record -q -F 2000 -p "$pids" -o "$work/$name.data" -- sleep 5 2>/dev/null &
  local p3=$!
  local before; before=$(tcp_segments)
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d6s "$@" "$url" > "$work/$name.wrk"
  local after; after=$(tcp_segments)
  wait "$p1" "$p2" "$p3"
  perf report -i "$work/$name.data" --sort dso -n --stdio 2>/dev/null \
    | awk '/^ +[0-9.]+%/ { if ($3 ~ /kernel/) k += $2; else u += $2 } END { print k + 0, u + 0 }' > "$work/$name.split"
  echo "$name $before $after"
}
rows=()
rows+=("$(count nginx "$(children "$NGINX_PID")" "http://127.0.0.1:$PROXY/1k")")
rows+=("$(count archway "$ARCHWAY_PID" "http://127.0.0.1:$GW/bench/1.0/1k")")
rows+=("$(count archway_throttled "$ARCHWAY_PID" "http://127.0.0.1:$GW/throttled/1.0/1k" -H "Authorization: Bearer $TTOKEN")")
python3 - "$work" "${rows[@]}" <<'PY'
import re, sys
work, rows = sys.argv[1], sys.argv[2:]
labels = {"nginx": "nginx proxy_pass (1 worker)", "archway": "archway /bench (1 worker)",
          "archway_throttled": "archway /throttled: JWT + subscription + 2 tiers"}
print("| proxy | process | syscalls/request | of which | context switches/request | TCP segments/request (in, out; whole run) |")
print("|---|---|---|---|---|---|")
for row in rows:
    name, in0, out0, in1, out1 = row.split()
    wrk = open(f"{work}/{name}.wrk").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
    total = int(re.search(r"(\d+) requests in", wrk).group(1))
    for proc in ("proxy", "backend"):
        counts, clock_ms = {}, 0.0
        for line in open(f"{work}/{name}.{proc}"):
            f = line.strip().split(",")
            if len(f) < 3 or not f[0] or f[0].startswith("<"):
                continue
            if f[2] == "task-clock":
                clock_ms = float(f[0])
            elif f[2] == "context-switches":
                counts["cs"] = float(f[0])
            elif f[2].startswith("syscalls:sys_enter_") and float(f[0]) > 0:
                counts[f[2][len("syscalls:sys_enter_"):]] = float(f[0])
        # requests during the 5 counted seconds: the run's rate
        n = rps * 5
        calls = {k: v / n for k, v in counts.items() if k != "cs"}
        main = ", ".join(f"{k} {v:.2f}" for k, v in sorted(calls.items(), key=lambda kv: -kv[1]) if v >= 0.01)
        segs = f"{(int(in1) - int(in0)) / total:.2f}, {(int(out1) - int(out0)) / total:.2f}" if proc == "proxy" else ""
        print(f"| {labels[name]} | {proc} | {sum(calls.values()):.2f} | {main} | {counts.get('cs', 0) / n:.3f} | {segs} |")
print()
print("| proxy | CPU us/request, kernel | CPU us/request, user space | kernel share |")
print("|---|---|---|---|")
for row in rows:
    name = row.split()[0]
    wrk = open(f"{work}/{name}.wrk").read()
    n = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)) * 5
    k, u = map(float, open(f"{work}/{name}.split").read().split())
    us = lambda samples: samples / 2000 / n * 1e6
    print(f"| {labels[name]} | {us(k):.2f} | {us(u):.2f} | {k / max(1, k + u) * 100:.0f}% |")
PY
