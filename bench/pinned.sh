# MODE=pinned part of bench/run.sh (issue 15), sourced by it once Archway's APIs are set up; see the
# header of run.sh. Uses its variables: work, BACKEND, BACKEND_PID, PROXY, NGINX_PID, ARCHWAY,
# ARCHWAY_PID, GW, MGMT, TOKEN, TTOKEN, pids, DURATION, CONNECTIONS, ROUNDS.
# CPU 0: the nginx backend and every proxy under test (one worker each; only the loaded one is
# busy). CPU 1: wrk -t1. CPU per request is utime+stime of a process tree around one wrk run.
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "bench: pinned mode on $(nproc) CPUs ($cpu_model): backend and proxy under test on CPU 0, wrk -t1 -c$CONNECTIONS on CPU 1"
echo "bench: load before the run:$(uptime | sed 's/.*load average/ load average/')"

# HAProxy verifies Archway's own access token (the one /throttled is called with) against the
# public key Archway publishes in its JWKS, converted to PEM here (RSA SubjectPublicKeyInfo, DER).
mkdir -p "$work/haproxy"
curl -sf "http://127.0.0.1:$MGMT/oauth2/jwks" > "$work/jwks.json"
python3 - "$work/jwks.json" "$TTOKEN" "$work/haproxy/jwt.pem" <<'PY'
import base64, json, sys
b64 = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
header = json.loads(b64(sys.argv[2].split(".")[0]))
keys = json.load(open(sys.argv[1]))["keys"]
key = next((k for k in keys if k.get("kid") == header.get("kid")), None) or keys[0]
assert header["alg"] == "RS256" and key["kty"] == "RSA", (header, key.get("kty"))
def der(tag, body):
    n = len(body)
    ln = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + ln + body
integer = lambda i: der(0x02, i.to_bytes(i.bit_length() // 8 + 1, "big"))
n, e = (int.from_bytes(b64(key[k]), "big") for k in ("n", "e"))
rsa_oid = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + der(0x05, b""))
spki = base64.b64encode(der(0x30, rsa_oid + der(0x03, b"\0" + der(0x30, integer(n) + integer(e))))).decode()
open(sys.argv[3], "w").write("-----BEGIN PUBLIC KEY-----\n" + "\n".join(spki[i:i + 64] for i in range(0, len(spki), 64)) + "\n-----END PUBLIC KEY-----\n")
PY
HAP=$(free_port); HAP_PLAIN=$(free_port)
cat > "$work/haproxy/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  option forwardfor
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
# An RS256 signature check of the bearer token on every request (HAProxy has no verification
# cache), its alg and exp claims, and a per-client request rate counted in a stick table with a
# limit never reached; the token is not passed on (Archway does not pass it either).
frontend jwt
  bind 127.0.0.1:$HAP
  stick-table type ip size 100k expire 60s store http_req_rate(60s)
  http-request track-sc0 src
  http-request deny deny_status 429 if { sc_http_req_rate(0) gt 2000000000 }
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('\$.exp','int')
  http-request set-var(txn.now) date
  http-request deny deny_status 401 unless { var(txn.bearer),jwt_header_query('\$.alg') -m str RS256 } { var(txn.bearer),jwt_verify("RS256","$work/haproxy/jwt.pem") -m int 1 } { var(txn.exp),sub(txn.now) -m int gt 0 }
  http-request del-header Authorization
  default_backend backend
# The same proxy without the token check or the stick table.
frontend plain
  bind 127.0.0.1:$HAP_PLAIN
  default_backend backend
backend backend
  http-reuse always
  server backend 127.0.0.1:$BACKEND
CONF
haproxy -c -q -f "$work/haproxy/haproxy.cfg" || { echo "bench: haproxy refuses its configuration"; exit 1; }
taskset -c 0 haproxy -db -f "$work/haproxy/haproxy.cfg" > "$work/haproxy/haproxy.log" 2>&1 & pids+=($!); HAPROXY_PID=$!
for _ in $(seq 100); do [ "$(code "http://127.0.0.1:$HAP_PLAIN/1k")" = 200 ] && break; sleep 0.05; done
[ "$(code "http://127.0.0.1:$HAP_PLAIN/1k")" = 200 ] || { echo "bench: haproxy did not start"; cat "$work/haproxy/haproxy.log"; exit 1; }

# Honesty checks: the same body everywhere; HAProxy refuses a missing, a tampered and an unsigned
# token, and accepts the good one.
sig=${TTOKEN##*.}; flip=${sig:20:1}; [ "$flip" = A ] && flip=B || flip=A
BAD="${TTOKEN%.*}.${sig:0:20}$flip${sig:21}"
UNSIGNED="$(printf '{"alg":"none","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=').$(echo "$TTOKEN" | cut -d. -f2)."
[ "$(code -H "Authorization: Bearer $TTOKEN" "http://127.0.0.1:$HAP/1k")" = 200 ] || { echo "bench: haproxy refuses the good token"; cat "$work/haproxy/haproxy.log"; exit 1; }
for t in "$BAD" "$UNSIGNED"; do
  c=$(code -H "Authorization: Bearer $t" "http://127.0.0.1:$HAP/1k")
  [ "$c" = 401 ] || { echo "bench: haproxy answers $c (not 401) to a bad token"; exit 1; }
done
[ "$(code "http://127.0.0.1:$HAP/1k")" = 401 ] || { echo "bench: haproxy lets a request without a token through"; exit 1; }
[ "$(code -H "Authorization: Bearer $BAD" "http://127.0.0.1:$GW/throttled/1.0/1k")" = 401 ] || { echo "bench: archway accepts a tampered token"; exit 1; }
for u in "http://127.0.0.1:$PROXY/1k" "http://127.0.0.1:$HAP_PLAIN/1k" "http://127.0.0.1:$GW/bench/1.0/1k"; do
  cmp -s "$work/www/1k" <(curl -sf "$u") || { echo "bench: $u does not return the backend's body"; exit 1; }
done
cmp -s "$work/www/1k" <(curl -sf -H "Authorization: Bearer $TTOKEN" "http://127.0.0.1:$HAP/1k") || { echo "bench: haproxy (jwt) body differs"; exit 1; }
cmp -s "$work/www/1k" <(curl -sf -H "Authorization: Bearer $TTOKEN" "http://127.0.0.1:$GW/throttled/1.0/1k") || { echo "bench: archway /throttled body differs"; exit 1; }
echo "bench: checked: haproxy answers 200 to Archway's token, 401 to a tampered, an unsigned and no token; archway 401 to the tampered one"

cpu_ticks() {  # utime+stime in clock ticks of each argument's process tree, then CPU 0's busy and nice ticks, then the first tree's utime
  python3 - "$@" <<'PY'
import os, sys
procs, kids = {}, {}
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        s = open(f"/proc/{d}/stat").read()
    except OSError:
        continue
    f = s[s.rindex(")") + 2:].split()
    procs[int(d)] = (int(f[1]), int(f[11]) + int(f[12]), int(f[11]))
for pid, (ppid, *_) in procs.items():
    kids.setdefault(ppid, []).append(pid)
total = lambda pid, i=1: procs.get(pid, (0, 0, 0))[i] + sum(total(k, i) for k in kids.get(pid, []))
cpu0 = next(l.split() for l in open("/proc/stat") if l.startswith("cpu0 "))
busy = sum(int(v) for i, v in enumerate(cpu0[1:9]) if i not in (3, 4))  # all but idle and iowait
print(" ".join(str(total(int(a))) for a in sys.argv[1:]), busy, cpu0[2], total(int(sys.argv[1]), 2))
PY
}
run_pinned() {  # $1 proxy pid, $2 url, rest to wrk; prints "rps p50 p99 requests proxy_us/req backend_us/req other_cpu0_% niced_cpu0_% proxy_user_us/req"
  local pid=$1 url=$2 before after out; shift 2
  before=$(cpu_ticks "$pid" "$BACKEND_PID")
  out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
  after=$(cpu_ticks "$pid" "$BACKEND_PID")
  printf '%s' "$out" | python3 -c '
import os, re, sys
t = sys.stdin.read()
url, b, a = sys.argv[1], list(map(int, sys.argv[2].split())), list(map(int, sys.argv[3].split()))
def ms(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups(); n = float(n)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
err = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
if err: sys.exit("non-2xx responses: " + err.group(1) + " from " + url)
if "Socket errors" in t: print("bench: " + url + ": " + re.search(r"Socket errors.*", t).group(0), file=sys.stderr)
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
req, secs = re.search(r"(\d+) requests in ([\d.]+)(\w+)", t).groups()[:2]
req = int(req)
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
us = 1e6 / os.sysconf("SC_CLK_TCK")
proxy, backend, cpu0, nice, user = (a[i] - b[i] for i in range(5))
other = max(0, cpu0 - proxy - backend) / max(1, cpu0) * 100
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {req} {proxy * us / req:.2f} {backend * us / req:.2f} {other:.1f} {nice / max(1, cpu0) * 100:.1f} {user * us / req:.2f}")' "$url" "$before" "$after"
}

H=(-H "Authorization: Bearer $TTOKEN")
names=(nginx haproxy haproxy_jwt archway archway_throttled)
target() {  # name -> "pid url [wrk args]"
  case $1 in
    nginx) echo "$NGINX_PID http://127.0.0.1:$PROXY/1k" ;;
    haproxy) echo "$HAPROXY_PID http://127.0.0.1:$HAP_PLAIN/1k" ;;
    haproxy_jwt) echo "$HAPROXY_PID http://127.0.0.1:$HAP/1k" ;;
    archway) echo "$ARCHWAY_PID http://127.0.0.1:$GW/bench/1.0/1k" ;;
    archway_throttled) echo "$ARCHWAY_PID http://127.0.0.1:$GW/throttled/1.0/1k" ;;
  esac
}
needs_token() { [ "$1" = haproxy_jwt ] || [ "$1" = archway_throttled ]; }
for n in "${names[@]}"; do  # warm-up
  read -r pid url <<<"$(target "$n")"
  if needs_token "$n"; then args=("${H[@]}"); else args=(); fi
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "${args[@]}" "$url" >/dev/null
done
results=()
for r in $(seq "$ROUNDS"); do
  for n in "${names[@]}"; do
    read -r pid url <<<"$(target "$n")"
    if needs_token "$n"; then args=("${H[@]}"); else args=(); fi
    results+=("$n $(run_pinned "$pid" "$url" "${args[@]}")")
  done
done

# Allocations per request: a second Archway (same data directory, same pinning, one worker) with
# bench/alloc_count.c preloaded; SIGUSR2 makes it write its counters.
cc -shared -fPIC -O2 -o "$work/alloc_count.so" "$bench_dir/alloc_count.c" -ldl \
  || { echo "bench: cannot compile bench/alloc_count.c"; exit 1; }
start_archway archway-counted env ALLOC_COUNT_FILE="$work/allocs.txt" LD_PRELOAD="$work/alloc_count.so" taskset -c 0
COUNTED_PID=$STARTED_PID; GW3=$STARTED_GW
for p in bench/1.0/1k throttled/1.0/1k secure/1.0/1k; do
  if [ "$p" = secure/1.0/1k ]; then args=(-H "Authorization: Bearer $TOKEN"); else args=("${H[@]}"); fi
  for _ in $(seq 200); do [ "$(code "${args[@]}" "http://127.0.0.1:$GW3/$p")" = 200 ] && break; sleep 0.02; done
  [ "$(code "${args[@]}" "http://127.0.0.1:$GW3/$p")" = 200 ] || { echo "bench: Archway under alloc_count.so does not serve /$p"; exit 1; }
done
allocs() {  # prints "mallocs callocs reallocs aligned frees bytes" of the counted Archway
  rm -f "$work/allocs.txt"; kill -USR2 "$COUNTED_PID"
  for _ in $(seq 200); do [ -f "$work/allocs.txt" ] && break; sleep 0.01; done
  [ -f "$work/allocs.txt" ] || { echo "bench: alloc_count.so wrote no counts" >&2; exit 1; }
  cat "$work/allocs.txt"
}
allocs >/dev/null
counted=()
for p in bench/1.0/1k secure/1.0/1k throttled/1.0/1k; do
  case $p in bench/*) args=() ;; secure/*) args=(-H "Authorization: Bearer $TOKEN") ;; *) args=("${H[@]}") ;; esac
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "${args[@]}" "http://127.0.0.1:$GW3/$p" >/dev/null
  a0=$(allocs)
  line=$(run_pinned "$COUNTED_PID" "http://127.0.0.1:$GW3/$p" "${args[@]}")
  a1=$(allocs)
  counted+=("${p%%/*}|$a0|$a1|$line")
done
kill -0 "$COUNTED_PID" 2>/dev/null || { echo "bench: Archway under alloc_count.so died"; cat "$work/archway-counted.log"; exit 1; }
echo "bench: load after the run:$(uptime | sed 's/.*load average/ load average/')"

python3 - "$ROUNDS" "$cpu_model" "${#results[@]}" "${results[@]}" "${counted[@]}" <<'PY'
import statistics, sys
rounds, cpu, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rows, counted = sys.argv[4:4 + n], sys.argv[4 + n:]
by = {}
for r in rows:
    name, *v = r.split()
    by.setdefault(name, []).append(list(map(float, v)))
med = lambda name, i: statistics.median(x[i] for x in by[name])
labels = {
    "nginx": "nginx 1.22 proxy_pass, upstream keepalive pool, 1 worker",
    "haproxy": "haproxy 2.6, plain, nbthread 1",
    "haproxy_jwt": "haproxy 2.6, RS256 jwt_verify + stick-table rate limit, nbthread 1",
    "archway": "archway gateway, unsecured /bench, 1 worker",
    "archway_throttled": "archway gateway, JWT + subscription + sub/app tiers counted (/throttled), 1 worker",
}
print(f"pinned: backend + proxy on CPU 0, wrk -t1 on CPU 1; {cpu}; medians of {rounds} rounds")
print("| proxy | requests/s | p50 ms | p99 ms | CPU us/request, proxy (user + kernel) | CPU us/request, backend | CPU 0 to other processes (nice'd) |")
print("|---|---|---|---|---|---|---|")
for k, label in labels.items():
    print(f"| {label} | {med(k,0):.0f} | {med(k,1):.3f} | {med(k,2):.3f} | {med(k,4):.2f} ({med(k,8):.2f} + {med(k,4)-med(k,8):.2f}) | {med(k,5):.2f} | {med(k,6):.1f}% ({med(k,7):.1f}%) |")
print()
# Throughput on CPU 0 is 1 / (backend + proxy us per request). The kernel's share of a proxy's
# request (its four loopback transfers, whose receive side runs in the sender's system call, and
# the wake-ups) stays whatever the proxy's own code does: the throughput it would reach with no
# user-space time at all bounds what any work on that code can bring.
base = med("nginx", 5) + med("nginx", 4)
for k in ("archway", "archway_throttled"):
    floor = med(k, 5) + med(k, 4) - med(k, 8)
    print(f"{k}: with no user-space time at all (its kernel time and backend cost as measured) it would reach "
          f"{base / floor:.2f}x nginx's throughput")
print()
for k, vs in (("archway", "nginx"), ("archway_throttled", "nginx"), ("haproxy", "nginx"), ("haproxy_jwt", "nginx"),
              ("archway", "haproxy"), ("archway_throttled", "haproxy_jwt")):
    print(f"{k}/{vs}: throughput {med(k,0)/med(vs,0):.2f}   proxy CPU per request {med(k,4)/med(vs,4):.2f}   p99 {med(k,2)/med(vs,2):.2f}")
print()
for c in counted:
    path, a0, a1, line = c.split("|")
    d = [y - x for x, y in zip(map(int, a0.split()), map(int, a1.split()))]
    req = int(line.split()[3])
    allocs = d[0] + d[1] + d[2] + d[3]
    print(f"allocations per request, archway /{path} (alloc_count.so, {req} requests, {float(line.split()[0]):.0f} req/s under it): "
          f"{allocs/req:.2f} (malloc {d[0]/req:.2f}, calloc {d[1]/req:.2f}, realloc {d[2]/req:.2f}, aligned {d[3]/req:.2f}), "
          f"frees {d[4]/req:.2f}, bytes requested {d[5]/req:.0f}")
print()
print("rounds (rps p50 p99 requests proxy_us backend_us other% niced%):", {k: v for k, v in by.items()})
PY
