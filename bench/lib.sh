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
