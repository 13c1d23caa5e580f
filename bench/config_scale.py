#!/usr/bin/env python3
"""Configuration at scale (issue 14): what a write costs as the configuration grows.

Grows a configuration in stages (by default the decades 10, 100, 1,000, 10,000 APIs, ten
applications with production keys per API and a hundred subscriptions per API) and, at each
stage and on the empty configuration first, measures:

  - the latency of single sequential writes (median and p99): create an application, generate its
    keys, create a subscription, revoke a token, create an API, publish it, create a revision,
    deploy it. The server answers a write only once the gateway has it (read-your-writes), so
    these times include the gateway taking the change;
  - propagation: the time from a write's answer until the gateway enforces it (200 after a
    subscription or a deployment, 401 after a revocation), polling the gateway in a tight loop;
  - gateway throughput and p99 (wrk) on an existing subscribed API with a valid token while one
    write per second goes on, and its ratio to the empty configuration's;
  - the server's RSS (VmRSS of /proc/<pid>/status) and the start-up time: the server is stopped
    and started again on the same data directory, timed from exec to the gateway answering the
    probe API with 200;

then prints the growth law (the exponent b of value ~ size^b) of each measure and the issue's
targets at the largest size measured.

The script starts its own backend (nginx if installed, else a small Python server) and
`archway serve` (a private copy of the binary, so a rebuild during the run changes nothing) on a
fresh temporary data directory with free loopback ports, https off, gateway.workers=1, and removes
everything on exit (Ctrl-C included). Every answer's status is checked: a write that fails aborts
the run with the server's problem message instead of being timed.

Usage:
  bench/config_scale.py --max-apis 300           # stages 10, 100, 300 APIs: a few minutes
  bench/config_scale.py --sizes 10,100 --samples 20 --duration 5 --json /tmp/scale.json
  bench/config_scale.py --loader bulk            # up to 10,000 APIs grown by `archway bulk-load`
  bench/config_scale.py                          # up to 10,000 APIs through the REST API (long)
  bench/config_scale.py --help                   # every option

Growth (--loader): `rest` (default) creates everything through the Publisher and DevPortal REST
APIs with --fill-connections concurrent keep-alive connections; `bulk` stops the server at each
stage, runs `archway bulk-load --data-dir D --apis N --operations-per-api O --applications M
--subscriptions K [--prefix P --backend URL]` with the numbers to ADD to reach the stage (the
loader subscribes only among what it adds in that call, so a stage asks for at most N x M
subscriptions: the first stage reaches 892 instead of 1,000), starts the server again and checks
that one loaded API is served. Measurements are the same in both modes.

Sizes count everything the server holds: the probe (one API, one application, one subscription,
used for the gateway measurements) is part of each stage's numbers, and what the measurements
create is deleted again before the next stage.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from base64 import b64encode
from dataclasses import dataclass, field, asdict

PUBLISHER = "/api/am/publisher/v4"
DEVPORTAL = "/api/am/devportal/v3"
TIER = "Unlimited"
DEPLOYMENT = [{"name": "Default", "vhost": "localhost", "displayOnDevportal": True}]
KEY_REQUEST = {"keyType": "PRODUCTION", "grantTypesToBeSupported": ["client_credentials"]}
PROPAGATION_TIMEOUT_S = 5.0
VERBS = ["GET", "POST", "PUT", "DELETE", "PATCH"]

# The kinds of write measured at each stage, in the order of the table's columns.
WRITE_KINDS = [
    ("app_create", "app create"),
    ("keys_generate", "gen keys"),
    ("subscription_create", "subscribe"),
    ("token_revoke", "revoke"),
    ("api_create", "API create"),
    ("api_publish", "publish"),
    ("revision_create", "revision"),
    ("revision_deploy", "deploy"),
]
PROPAGATION_KINDS = [("subscription", "subscribe"), ("revocation", "revoke"), ("deployment", "deploy")]

WARNINGS = []  # what made some numbers doubtful without stopping the run; repeated in the summary


def warn(message):
    WARNINGS.append(message)
    print(f"config_scale: warning: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """Something went wrong that makes the numbers meaningless: the run stops with this message."""


class ServerProblem(BenchError):
    def __init__(self, method, path, status, body, expected):
        text = body.decode("utf-8", "replace").strip()
        super().__init__(f"{method} {path} answered {status} (expected {'/'.join(map(str, expected))}): "
                         f"{text[:800] or '(empty body)'}")


# ---------------------------------------------------------------------------------------------
# Small statistics helpers


def percentile(values, p):
    """Nearest-rank percentile (with 50 samples, p99 is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarize(values):
    if not values:
        return None
    return {"n": len(values), "median": statistics.median(values), "p99": percentile(values, 99),
            "max": max(values)}


def growth_exponent(points):
    """Least-squares slope b of log(value) = a + b log(size), over points (size, value) > 0."""
    points = [(x, y) for x, y in points if x > 0 and y is not None and y > 0]
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


# ---------------------------------------------------------------------------------------------
# HTTP clients


class RestClient:
    """One keep-alive connection to the management listener, authenticated as the admin."""

    def __init__(self, port, password, timeout=300):
        self.port = port
        self.timeout = timeout
        self.admin_auth = "Basic " + b64encode(f"admin:{password}".encode()).decode()
        self.conn = None
        self.used = False

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.used = False
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method, path, *, json_body=None, form=None, basic=None, expect=(200,)):
        """Sends one request; returns (parsed JSON body or None, milliseconds). An answer with
        another status than `expect` raises ServerProblem with the server's message."""
        headers = {"Authorization": self.admin_auth}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if basic is not None:
            headers["Authorization"] = "Basic " + b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        status, data, ms = self._send(method, path, body, headers)
        if status not in expect:
            raise ServerProblem(method, path, status, data, expect)
        return (json.loads(data) if data else None), ms

    def _send(self, method, path, body, headers):
        for attempt in (1, 2):
            conn = self._connection()
            reused = self.used
            try:
                start = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                ms = (time.perf_counter() - start) * 1000
                self.used = True
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data, ms
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                # A kept-alive connection the server closed while idle: send once more on a new one.
                if attempt == 2 or not reused:
                    raise BenchError(f"{method} {path}: the server closed the connection without an answer "
                                     f"({error})") from error
            except OSError as error:
                self.close()
                raise BenchError(f"{method} {path}: {error}") from error
        raise AssertionError("unreachable")


class GatewayClient:
    """One keep-alive connection to the gateway, for single probing requests."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def status(self, path, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status
            except (http.client.RemoteDisconnected, ConnectionError) as error:
                self.close()
                if attempt == 2:
                    raise BenchError(f"GET {path} on the gateway: {error}") from error

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def wait_for(self, path, token, expected, what, timeout=PROPAGATION_TIMEOUT_S):
        """Polls until the gateway answers `expected`; returns (milliseconds, probes sent)."""
        start = time.perf_counter()
        probes = 0
        while True:
            status = self.status(path, token)
            probes += 1
            elapsed = time.perf_counter() - start
            if status == expected:
                return elapsed * 1000, probes
            if elapsed > timeout:
                raise BenchError(f"{what}: the gateway still answers {status} on GET {path} "
                                 f"{timeout:.0f} s after the write was answered (expected {expected})")


# ---------------------------------------------------------------------------------------------
# Processes: backend and archway


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout, process):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the backend exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.02)
    raise BenchError(f"the backend did not listen on port {port} within {timeout} s")


PYTHON_BACKEND = r'''
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = answer
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
'''


class Backend:
    """Answers every request with 200 and a small JSON body: nginx when installed (so the backend
    is not what limits the gateway's throughput), otherwise a Python http.server."""

    def __init__(self, work_dir):
        self.work_dir = os.path.join(work_dir, "backend")
        self.port = free_port()
        self.process = None
        self.kind = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        os.makedirs(self.work_dir)
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        if nginx:
            self.kind = "nginx"
            conf = os.path.join(self.work_dir, "nginx.conf")
            with open(conf, "w") as f:
                f.write(f"""worker_processes 1;
error_log {self.work_dir}/error.log warn;
pid {self.work_dir}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{self.port};
    location / {{ default_type application/json; return 200 '{{"ok":true}}'; }}
  }}
}}
""")
            command = [nginx, "-p", self.work_dir, "-c", conf, "-g", "daemon off;"]
        else:
            self.kind = "python"
            warn("nginx not found; the backend is a Python server, which may limit the gateway's throughput")
            command = [sys.executable, "-c", PYTHON_BACKEND, str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        wait_for_port(self.port, 10, self.process)

    def stop(self):
        stop_process(self.process, 5)


def stop_process(process, grace_s):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Archway:
    """`archway serve` on a data directory, on free loopback ports, https off."""

    def __init__(self, binary, data_dir, work_dir, password, settings):
        self.binary = binary
        self.data_dir = data_dir
        self.work_dir = work_dir
        self.password = password
        self.settings = settings
        self.log_path = os.path.join(work_dir, "archway.log")
        self.process = None
        self.management_port = None
        self.gateway_port = None

    def start(self):
        """Starts the server; returns (seconds from exec until its ready file appears, the
        perf_counter() time of the exec)."""
        ready = os.path.join(self.work_dir, "ready.json")
        if os.path.exists(ready):
            os.remove(ready)
        args = [self.binary, "serve", "--data-dir", self.data_dir, "--ready-file", ready]
        for key, value in [("server.log_level", "warn"), ("management.host", "127.0.0.1"),
                           ("gateway.host", "127.0.0.1"), ("management.http_port", "0"),
                           ("management.https_port", "-1"), ("gateway.http_port", "0"),
                           ("gateway.https_port", "-1")] + self.settings:
            args += ["--set", f"{key}={value}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHWAY_")}
        env["ARCHWAY_ADMIN_PASSWORD"] = self.password
        log = open(self.log_path, "ab")
        start = time.perf_counter()
        self.process = subprocess.Popen(args, stdout=log, stderr=log, env=env, start_new_session=True)
        log.close()
        while not os.path.exists(ready):
            if self.process.poll() is not None:
                raise BenchError(f"archway exited with status {self.process.returncode} before it was "
                                 f"ready:\n{self.log_tail()}")
            if time.perf_counter() - start > 300:
                raise BenchError(f"archway was not ready within 300 s:\n{self.log_tail()}")
            time.sleep(0.005)
        ready_s = time.perf_counter() - start
        ports = self._read_ready_file(ready)
        self.management_port = ports["management_http"]
        self.gateway_port = ports["gateway_http"]
        return ready_s, start

    @staticmethod
    def _read_ready_file(path):
        for _ in range(100):  # the file may be seen before it is completely written
            try:
                with open(path) as f:
                    return json.load(f)
            except json.JSONDecodeError:
                time.sleep(0.005)
        raise BenchError(f"unreadable ready file {path}")

    def stop(self):
        stop_process(self.process, 30)
        self.process = None

    def running(self):
        return self.process is not None and self.process.poll() is None

    def memory_mb(self):
        """(VmRSS, VmHWM) of the server process, in MB."""
        values = {}
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(rest.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    def rest(self):
        return RestClient(self.management_port, self.password)

    def gateway(self):
        return GatewayClient(self.gateway_port)

    def log_grep(self, text):
        """The last line of the log that contains `text`, or '-'."""
        found = "-"
        with open(self.log_path, "rb") as f:
            for line in f:
                if text.encode() in line:
                    found = line.decode("utf-8", "replace").strip()
        return found

    def log_tail(self, lines=25):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return "(no log)"

    def subcommand_help(self, name):
        """The --help text of a subcommand, or None when the binary does not have it."""
        result = subprocess.run([self.binary, name, "--help"], capture_output=True, text=True)
        text = result.stdout + result.stderr
        return text if result.returncode == 0 and name in text else None

    def describe_state(self):
        status = self.process.poll()
        if status is None:
            return f"archway (pid {self.process.pid}) is still running"
        if status < 0:
            return f"archway (pid {self.process.pid}) was killed by {signal.Signals(-status).name}"
        return f"archway (pid {self.process.pid}) exited with status {status}"


# ---------------------------------------------------------------------------------------------
# The objects the benchmark creates


def api_body(name, context, backend_url, operations):
    """An API with `operations` operations: GET /status needs no token (so a deployment can be
    seen without a subscription), the others (GET /resource1/{id}, POST /resource2/{id}, ...)
    need one."""
    ops = [{"target": "/status", "verb": "GET", "authType": "None"}]
    for k in range(1, operations):
        ops.append({"target": f"/resource{k}/{{id}}", "verb": VERBS[(k - 1) % len(VERBS)]})
    return {"name": name, "context": context, "version": "1.0", "policies": [TIER],
            "endpointConfig": {"endpoint_type": "http", "production_endpoints": {"url": backend_url}},
            "operations": ops}


def create_api(rest, name, context, backend_url, operations):
    """Creates an API, publishes it, freezes a revision and deploys it; returns the API's id."""
    api_id = rest.call("POST", f"{PUBLISHER}/apis", expect=(201,),
                       json_body=api_body(name, context, backend_url, operations))[0]["id"]
    rest.call("POST", f"{PUBLISHER}/apis/change-lifecycle?apiId={api_id}&action=Publish")
    revision = rest.call("POST", f"{PUBLISHER}/apis/{api_id}/revisions", expect=(201,),
                         json_body={"description": "config_scale"})[0]
    rest.call("POST", f"{PUBLISHER}/apis/{api_id}/deploy-revision?revisionId={revision['id']}",
              expect=(201,), json_body=DEPLOYMENT)
    return api_id


def create_application(rest, name):
    app, ms = rest.call("POST", f"{DEVPORTAL}/applications", expect=(201,),
                        json_body={"name": name, "throttlingPolicy": TIER})
    return app["applicationId"], ms


def generate_keys(rest, app_id):
    """Returns ({consumerKey, consumerSecret, token}, milliseconds)."""
    keys, ms = rest.call("POST", f"{DEVPORTAL}/applications/{app_id}/generate-keys", json_body=KEY_REQUEST)
    return {"consumerKey": keys["consumerKey"], "consumerSecret": keys["consumerSecret"],
            "token": keys["token"]["accessToken"]}, ms


def subscribe(rest, app_id, api_id):
    _, ms = rest.call("POST", f"{DEVPORTAL}/subscriptions", expect=(201,),
                      json_body={"applicationId": app_id, "apiId": api_id, "throttlingPolicy": TIER})
    return ms


def client_credentials_token(rest, keys):
    token, _ = rest.call("POST", "/oauth2/token", form={"grant_type": "client_credentials"},
                         basic=(keys["consumerKey"], keys["consumerSecret"]))
    return token["access_token"]


def revoke(rest, keys, token):
    _, ms = rest.call("POST", "/oauth2/revoke", form={"token": token},
                      basic=(keys["consumerKey"], keys["consumerSecret"]))
    return ms


def delete_application(rest, app_id):
    rest.call("DELETE", f"{DEVPORTAL}/applications/{app_id}")


def delete_api(rest, api_id):
    rest.call("DELETE", f"{PUBLISHER}/apis/{api_id}")


@dataclass
class Probe:
    """The API the gateway measurements call, with an application subscribed to it."""
    api_id: str
    app_id: str
    keys: dict
    token: str = ""
    path: str = "/probe/1.0/ping"

    @classmethod
    def create(cls, rest, backend_url):
        api_id = rest.call("POST", f"{PUBLISHER}/apis", expect=(201,), json_body={
            "name": "ConfigScaleProbe", "context": "/probe", "version": "1.0", "policies": [TIER],
            "endpointConfig": {"endpoint_type": "http", "production_endpoints": {"url": backend_url}},
            "operations": [{"target": "/*", "verb": "GET"}]})[0]["id"]
        rest.call("POST", f"{PUBLISHER}/apis/change-lifecycle?apiId={api_id}&action=Publish")
        revision = rest.call("POST", f"{PUBLISHER}/apis/{api_id}/revisions", expect=(201,), json_body={})[0]
        rest.call("POST", f"{PUBLISHER}/apis/{api_id}/deploy-revision?revisionId={revision['id']}",
                  expect=(201,), json_body=DEPLOYMENT)
        app_id, _ = create_application(rest, "ConfigScaleProbeApp")
        keys, _ = generate_keys(rest, app_id)
        subscribe(rest, app_id, api_id)
        probe = cls(api_id, app_id, keys, keys["token"])
        return probe

    def refresh_token(self, rest):
        self.token = client_credentials_token(rest, self.keys)


# ---------------------------------------------------------------------------------------------
# Growing the configuration


@dataclass(frozen=True)
class Size:
    apis: int
    apps: int
    subs: int


def run_parallel(label, tasks, work, client_factory, connections):
    """Runs work(client, task) for every task on `connections` threads, each with its own
    keep-alive client; the first failure stops the others and is raised. Prints progress."""
    tasks = iter(tasks)
    lock = threading.Lock()
    failure = []
    done = [0]

    def worker():
        client = client_factory()
        try:
            while not failure:
                with lock:
                    task = next(tasks, None)
                if task is None:
                    return
                work(client, task)
                with lock:
                    done[0] += 1
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            failure.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    last_report = start
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(0.5)
        now = time.perf_counter()
        if now - last_report >= 10:
            last_report = now
            rate = done[0] / (now - start)
            print(f"    {label}: {done[0]} done, {rate:.0f}/s", file=sys.stderr, flush=True)
    if failure:
        raise failure[0]
    return done[0]


class RestGrower:
    """Grows the configuration through the REST APIs, concurrently."""

    name = "rest"

    def __init__(self, server, backend_url, operations, connections):
        self.server = server
        self.backend_url = backend_url
        self.operations = operations
        self.connections = connections
        self.api_ids = []
        self.app_ids = []
        self.subscribed = []  # per application (same index as app_ids): the API indexes it has

    def adopt_probe(self, probe):
        self.api_ids.append(probe.api_id)
        self.app_ids.append(probe.app_id)
        self.subscribed.append({0})

    def grow(self, current, target):
        """Adds what is missing from `current` to reach `target`; returns (seconds per kind, the
        size reached)."""
        seconds = {}
        start = time.perf_counter()
        new_apis = list(range(len(self.api_ids), target.apis))
        ids = [None] * len(new_apis)

        def add_api(rest, i):
            ids[i - new_apis[0]] = create_api(rest, f"Scale{i}", f"/scale{i}", self.backend_url, self.operations)

        run_parallel("APIs", new_apis, add_api, self.server.rest, self.connections)
        self.api_ids.extend(ids)
        seconds["apis"] = time.perf_counter() - start

        start = time.perf_counter()
        new_apps = list(range(len(self.app_ids), target.apps))
        app_ids = [None] * len(new_apps)

        def add_app(rest, j):
            app_id, _ = create_application(rest, f"ScaleApp{j}")
            generate_keys(rest, app_id)
            app_ids[j - new_apps[0]] = app_id

        run_parallel("applications with keys", new_apps, add_app, self.server.rest, self.connections)
        self.app_ids.extend(app_ids)
        self.subscribed.extend(set() for _ in app_ids)
        seconds["apps"] = time.perf_counter() - start

        start = time.perf_counter()
        run_parallel("subscriptions", self._new_subscriptions(target.subs - current.subs),
                     lambda rest, pair: subscribe(rest, self.app_ids[pair[0]], self.api_ids[pair[1]]),
                     self.server.rest, self.connections)
        seconds["subs"] = time.perf_counter() - start
        return seconds, target

    def _new_subscriptions(self, count):
        """(application index, API index) pairs not subscribed yet, spread round-robin over the
        applications, each application taking APIs from a different starting point."""
        apps, apis = len(self.app_ids), len(self.api_ids)
        made = 0
        while made < count:
            progressed = False
            for a in range(apps):
                if made >= count:
                    break
                taken = self.subscribed[a]
                if len(taken) >= apis:
                    continue
                candidate = (a * 7919 + len(taken)) % apis
                while candidate in taken:
                    candidate = (candidate + 1) % apis
                taken.add(candidate)
                made += 1
                progressed = True
                yield a, candidate
            if not progressed:
                raise BenchError(f"cannot make {count} more subscriptions over {apps} applications "
                                 f"and {apis} APIs")


class BulkGrower:
    """Grows the configuration with `archway bulk-load` while the server is stopped. Each call
    adds APIs, applications and subscriptions among those it adds, so a stage asks for at most
    (APIs added) x (applications added) subscriptions; the sizes reported are those reached."""

    name = "bulk"

    def __init__(self, server, operations, backend_url):
        self.server = server
        self.operations = operations
        self.backend_url = backend_url
        self.loads = 0
        self.options = server.subcommand_help("bulk-load")

    def adopt_probe(self, probe):
        pass

    def grow(self, current, target):
        """Returns (seconds per step, the size reached)."""
        add_apis, add_apps = target.apis - current.apis, target.apps - current.apps
        add_subs = min(target.subs - current.subs, add_apis * add_apps)
        if add_apis == add_apps == add_subs == 0:
            return {}, current
        self.loads += 1
        command = [self.server.binary, "bulk-load", "--data-dir", self.server.data_dir,
                   "--apis", str(add_apis), "--operations-per-api", str(self.operations),
                   "--applications", str(add_apps), "--subscriptions", str(add_subs)]
        prefix = f"cs{self.loads}x"
        if "--prefix" in self.options:  # names of a previous stage's load must not come back
            command += ["--prefix", prefix]
        if "--backend" in self.options:
            command += ["--backend", self.backend_url]
        start = time.perf_counter()
        self.server.stop()
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchError(f"{' '.join(command)} failed with status {result.returncode}:\n"
                             f"{result.stdout}{result.stderr}")
        load_s = time.perf_counter() - start
        self.server.start()
        if "--prefix" in self.options and add_apis:
            self.check_served(prefix)
        return {"bulk_load": load_s}, Size(target.apis, target.apps, current.subs + add_subs)

    def check_served(self, prefix):
        """Calls a GET operation of one loaded API through the gateway without a token: a served
        API answers 401 (200 if the operation needs no token), one the gateway left out 404."""
        rest, gateway = self.server.rest(), self.server.gateway()
        try:
            listed = rest.call("GET", f"{PUBLISHER}/apis?query=name:{prefix}&limit=1")[0]["list"]
            if not listed:
                warn(f"the Publisher lists no API named {prefix}* after bulk-load")
                return
            api = rest.call("GET", f"{PUBLISHER}/apis/{listed[0]['id']}")[0]
            gets = [op for op in api.get("operations", []) if op.get("verb") == "GET"]
            if not gets:
                return
            target = re.sub(r"\{[^}]*\}", "1", gets[0]["target"]).replace("/*", "/x")
            path = f"{api['context']}/{api['version']}{target}"
            status = gateway.status(path)
            if status not in (200, 401):
                logged = self.server.log_grep(f"API {api['name']} ")
                warn(f"a bulk-loaded API is not served: GET {path} on the gateway answers {status} "
                     f"(the server's log: {logged})")
        finally:
            rest.close()
            gateway.close()


def stage_sizes(args):
    """The target sizes of the stages after the empty configuration."""
    if args.sizes:
        api_counts = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    else:
        api_counts = [10 ** k for k in range(1, 8) if 10 ** k <= args.max_apis]
        if args.max_apis not in api_counts and args.max_apis >= 1:
            api_counts.append(args.max_apis)
    sizes = []
    for apis in api_counts:
        apps = max(1, min(apis * args.apps_per_api, args.max_apps))
        subs = max(1, min(apis * args.subs_per_api, args.max_subs, apps * apis))
        sizes.append(Size(apis, apps, subs))
    return sizes


# ---------------------------------------------------------------------------------------------
# Measurements


class PropagationLog:
    """For each kind of write: the time from its answer until the gateway enforces it, and whether
    the first probe was already enough; and the time of the same request sent once more right
    after (what that request costs when nothing has just changed)."""

    def __init__(self):
        self.ms = {kind: [] for kind, _ in PROPAGATION_KINDS}
        self.late = {kind: 0 for kind, _ in PROPAGATION_KINDS}
        self.settled_ms = []

    def observe(self, gateway, kind, path, token, expected):
        ms, probes = gateway.wait_for(path, token, expected, kind)
        self.ms[kind].append(ms)
        if probes > 1:
            self.late[kind] += 1
        start = time.perf_counter()
        status = gateway.status(path, token)
        self.settled_ms.append((time.perf_counter() - start) * 1000)
        if status != expected:
            raise BenchError(f"after the {kind}, the gateway answered {expected} and then {status} on GET {path}")


def measure_writes(rest, gateway, backend_url, operations, samples, tag):
    """`samples` rounds of single sequential writes, each checked and timed, with the time until
    the gateway enforces the subscription, the revocation and the deployment. Returns
    (write timings, PropagationLog, created app ids, created API ids)."""
    timings = {kind: [] for kind, _ in WRITE_KINDS}
    propagation = PropagationLog()
    apps, apis = [], []

    for i in range(samples):
        app_id, ms = create_application(rest, f"Measure{tag}x{i}")
        apps.append(app_id)
        timings["app_create"].append(ms)
        keys, ms = generate_keys(rest, app_id)
        timings["keys_generate"].append(ms)

        context = f"/measure{tag}x{i}"
        status_path, secured_path = f"{context}/1.0/status", f"{context}/1.0/resource1/7"
        # The four writes of create_api, one by one: each is timed, and the API must not answer
        # before its deployment.
        api, ms = rest.call("POST", f"{PUBLISHER}/apis", expect=(201,),
                            json_body=api_body(f"Measure{tag}x{i}", context, backend_url, operations))
        api_id = api["id"]
        apis.append(api_id)
        timings["api_create"].append(ms)
        _, ms = rest.call("POST", f"{PUBLISHER}/apis/change-lifecycle?apiId={api_id}&action=Publish")
        timings["api_publish"].append(ms)
        revision, ms = rest.call("POST", f"{PUBLISHER}/apis/{api_id}/revisions", expect=(201,),
                                 json_body={"description": "measured"})
        timings["revision_create"].append(ms)
        expect_status(gateway, status_path, None, 404, "before the deployment")
        _, ms = rest.call("POST", f"{PUBLISHER}/apis/{api_id}/deploy-revision?revisionId={revision['id']}",
                          expect=(201,), json_body=DEPLOYMENT)
        timings["revision_deploy"].append(ms)
        propagation.observe(gateway, "deployment", status_path, None, 200)

        expect_status(gateway, secured_path, keys["token"], 403, "before the subscription")
        timings["subscription_create"].append(subscribe(rest, app_id, api_id))
        propagation.observe(gateway, "subscription", secured_path, keys["token"], 200)

        token = client_credentials_token(rest, keys)
        expect_status(gateway, secured_path, token, 200, "before the revocation")
        timings["token_revoke"].append(revoke(rest, keys, token))
        propagation.observe(gateway, "revocation", secured_path, token, 401)
    return timings, propagation, apps, apis


def expect_status(gateway, path, token, expected, when):
    status = gateway.status(path, token)
    if status != expected:
        raise BenchError(f"{when}, the gateway answers {status} on GET {path} (expected {expected})")


def delete_created(server, app_ids, api_ids, connections):
    """Deletes what the measurements created (applications take their subscriptions along)."""
    run_parallel("clean-up", [("app", a) for a in app_ids] + [("api", a) for a in api_ids],
                 lambda rest, item: (delete_application if item[0] == "app" else delete_api)(rest, item[1]),
                 server.rest, max(1, min(connections, 4)))


def parse_wrk(output):
    """Requests/s, p50 and p99 in ms, and the error counts from `wrk --latency` output."""
    def ms(text):
        number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if not (rps and p50 and p99):
        raise BenchError(f"cannot read wrk's output:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {"rps": float(rps.group(1)), "p50_ms": ms(p50.group(1)), "p99_ms": ms(p99.group(1)),
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(map(int, sockets.groups())) if sockets else 0}


def run_wrk(url, token, seconds, threads, connections):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "-H", f"Authorization: Bearer {token}", url]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr}")
    stats = parse_wrk(result.stdout)
    if stats["non_2xx"]:
        raise BenchError(f"the gateway answered {stats['non_2xx']} requests of wrk with a non-2xx status "
                         f"on {url}:\n{result.stdout}")
    return stats


class BackgroundWriter:
    """One write every `interval` seconds on its own connection, cycling through: create an
    application, generate its keys, subscribe it to the probe API."""

    def __init__(self, server, probe, interval, tag):
        self.rest = server.rest()
        self.probe = probe
        self.interval = interval
        self.tag = tag
        self.stop_event = threading.Event()
        self.timings = []
        self.apps = []
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()
        self.rest.close()
        if self.error is not None and exc[0] is None:
            raise self.error

    def _writes(self):
        n = 0
        while True:
            app_id, ms = create_application(self.rest, f"Load{self.tag}x{n}")
            self.apps.append(app_id)
            yield ms
            yield generate_keys(self.rest, app_id)[1]
            yield subscribe(self.rest, app_id, self.probe.api_id)
            n += 1

    def _run(self):
        writes = self._writes()
        next_at = time.monotonic()
        try:
            while not self.stop_event.wait(max(0.0, next_at - time.monotonic())):
                self.timings.append(next(writes))
                next_at = max(next_at + self.interval, time.monotonic())  # a slow write delays, never bunches
        except BaseException as error:  # noqa: BLE001 - raised again by __exit__
            self.error = error


def measure_gateway(server, probe, args, tag):
    """wrk on the probe API while one write per interval goes on, --rounds times; requests/s and
    the latencies are the medians of the rounds. Returns (stats, created apps)."""
    url = f"http://127.0.0.1:{server.gateway_port}{probe.path}"
    run_wrk(url, probe.token, 1, args.wrk_threads, args.wrk_connections)  # warm-up, no writes
    with BackgroundWriter(server, probe, args.write_interval, tag) as writer:
        rounds = [run_wrk(url, probe.token, args.duration, args.wrk_threads, args.wrk_connections)
                  for _ in range(args.rounds)]
    stats = {key: statistics.median(r[key] for r in rounds) for key in ("rps", "p50_ms", "p99_ms")}
    stats["socket_errors"] = sum(r["socket_errors"] for r in rounds)
    stats["rounds"] = rounds
    stats["writes"] = len(writer.timings)
    stats["write_ms"] = summarize(writer.timings)
    return stats, writer.apps


def measure_startup(server, probe):
    """Stops the server and starts it again on the same data directory. Returns (seconds until
    the ready file, seconds until the gateway answers the probe API with 200)."""
    server.stop()
    ready_s, started_at = server.start()
    gateway = server.gateway()
    try:
        while True:
            try:
                if gateway.status(probe.path, probe.token) == 200:
                    return ready_s, time.perf_counter() - started_at
            except BenchError:
                if not server.running():
                    raise
            if time.perf_counter() - started_at > 300:
                raise BenchError("after a restart, the gateway did not answer the probe API with 200 within 300 s")
            time.sleep(0.002)
    finally:
        gateway.close()


def check_api_count(rest, size):
    """The number of APIs the Publisher lists; a difference from the plan is printed. (Not the
    applications: GET /devportal/v3/applications counts every application's subscriptions by a
    scan of the subscription table, which takes minutes at 10,000 applications.)"""
    apis = rest.call("GET", f"{PUBLISHER}/apis?limit=1")[0]["pagination"]["total"]
    if apis != size.apis:
        warn(f"the server lists {apis} APIs; expected {size.apis}")
    return apis


@dataclass
class StageResult:
    label: str
    size: Size
    fill_s: dict = field(default_factory=dict)
    server_api_count: int = 0
    writes: dict = field(default_factory=dict)
    propagation: dict = field(default_factory=dict)
    late_probes: dict = field(default_factory=dict)
    settled_probe_ms: dict = field(default_factory=dict)
    gateway: dict = field(default_factory=dict)
    rss_after_growth_mb: float = 0.0
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    ready_s: float = 0.0
    startup_s: float = 0.0
    raw_writes_ms: dict = field(default_factory=dict)


def measure_stage(server, probe, args, label, size, fill_s, tag):
    print(f"  measuring {label}: {size.apis} APIs, {size.apps} applications, {size.subs} subscriptions",
          file=sys.stderr, flush=True)
    result = StageResult(label, size, fill_s)
    rest = server.rest()
    try:
        result.server_api_count = check_api_count(rest, size)
    finally:
        rest.close()
    result.rss_after_growth_mb = server.memory_mb()[0]

    result.ready_s, result.startup_s = measure_startup(server, probe)

    rest, gateway = server.rest(), server.gateway()
    try:
        probe.refresh_token(rest)
        result.gateway, load_apps = measure_gateway(server, probe, args, tag)
        timings, propagation, apps, apis = measure_writes(rest, gateway, args.backend_url,
                                                          args.operations_per_api, args.samples, tag)
    finally:
        rest.close()
        gateway.close()
    result.writes = {kind: summarize(values) for kind, values in timings.items()}
    result.propagation = {kind: summarize(values) for kind, values in propagation.ms.items()}
    result.late_probes = propagation.late
    result.settled_probe_ms = summarize(propagation.settled_ms)
    result.raw_writes_ms = timings
    delete_created(server, apps + load_apps, apis, args.fill_connections)
    result.rss_mb, result.peak_rss_mb = server.memory_mb()
    return result


# ---------------------------------------------------------------------------------------------
# Output


def fmt_ms(summary):
    return "-" if summary is None else f"{summary['median']:.1f}/{summary['p99']:.1f}"


def print_table(headers, rows, out=sys.stdout):
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    line = lambda cells: "  ".join(str(c).rjust(w) for c, w in zip(cells, widths))  # noqa: E731
    print(line(headers), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print(line(row), file=out)


def print_results(results, args, out=sys.stdout):
    """The two tables of the stages measured so far."""
    base_rps = results[0].gateway["rps"] if results else None
    print(f"\nWrite latency, ms, median/p99 of {args.samples} sequential writes of each kind, each answered "
          f"once the gateway has it (p99 by nearest rank: below 100 samples, the largest)", file=out)
    print_table(["stage", "APIs", "apps", "subs"] + [title for _, title in WRITE_KINDS],
                [[r.label, r.size.apis, r.size.apps, r.size.subs] + [fmt_ms(r.writes[k]) for k, _ in WRITE_KINDS]
                 for r in results], out)

    print("\nPropagation: ms from a write's answer until the gateway enforces it (one probe: one request's "
          "time), median/max, (samples that needed more than one probe); 'probe again': the same "
          "request sent once more right after, median ms", file=out)
    print(f"Gateway: wrk {args.wrk_threads} threads {args.wrk_connections} connections {args.duration} s on "
          f"the probe API with a token (median of {args.rounds} round(s)), one write every "
          f"{args.write_interval:g} s meanwhile ('writes'); RSS after growing and at the end of the stage; "
          f"a restart: ready file, gateway serving the probe", file=out)
    rows = []
    for r in results:
        prop = [f"{r.propagation[k]['median']:.2f}/{r.propagation[k]['max']:.2f} ({r.late_probes[k]})"
                for k, _ in PROPAGATION_KINDS] + [f"{r.settled_probe_ms['median']:.2f}"]
        g = r.gateway
        fill = sum(r.fill_s.values())
        rows.append([r.label] + prop + [f"{g['rps']:.0f}", f"{g['rps'] / base_rps:.2f}", f"{g['p99_ms']:.2f}",
                                        g["writes"], f"{r.rss_after_growth_mb:.0f}", f"{r.rss_mb:.0f}",
                                        f"{r.ready_s:.2f}", f"{r.startup_s:.2f}", f"{fill:.0f}" if fill else "-"])
    print_table(["stage"] + [f"prop {t}" for _, t in PROPAGATION_KINDS] + ["probe again",
                 "gw req/s", "vs empty", "gw p99 ms", "writes", "RSS grown MB", "RSS MB", "ready s",
                 "serving s", "fill s"], rows, out)


def growth_laws(results):
    """Exponent b of value ~ APIs^b for each measure, over all stages (the empty configuration
    holds the probe: one API) and between the last two stages."""
    measures = {f"write {title} (median)": [(r.size.apis, r.writes[k]["median"]) for r in results]
                for k, title in WRITE_KINDS}
    measures.update({f"propagation {title} (median)": [(r.size.apis, r.propagation[k]["median"]) for r in results]
                     for k, title in PROPAGATION_KINDS})
    measures["gateway req/s"] = [(r.size.apis, r.gateway["rps"]) for r in results]
    measures["gateway p99"] = [(r.size.apis, r.gateway["p99_ms"]) for r in results]
    measures["RSS"] = [(r.size.apis, r.rss_mb) for r in results]
    measures["start to serving"] = [(r.size.apis, r.startup_s) for r in results]
    laws = {}
    for name, points in measures.items():
        laws[name] = {"overall": growth_exponent(points),
                      "last_step": growth_exponent(points[-2:]) if len(points) >= 2 else None}
    return laws


def describe_exponent(b):
    if b is None:
        return "-"
    if abs(b) < 0.15:
        return f"{b:+.2f} (about constant)"
    if abs(b - 1) < 0.2:
        return f"{b:+.2f} (about linear)"
    if abs(b - 2) < 0.3:
        return f"{b:+.2f} (about quadratic)"
    return f"{b:+.2f}"


def print_growth_laws(laws):
    print("\nGrowth law: b in value ~ size^b (size = APIs; applications and subscriptions grow with them); "
          "per 10x the value is multiplied by 10^b")
    print_table(["measure", "b over all stages", "b over the last step"],
                [[name, describe_exponent(v["overall"]), describe_exponent(v["last_step"])]
                 for name, v in laws.items()])


def print_targets(results):
    """The issue's targets, checked at the largest stage measured."""
    if len(results) < 2:
        return
    last, empty = results[-1], results[0]
    worst_median = max(last.writes[k]["median"] for k, _ in WRITE_KINDS)
    worst_p99 = max(last.writes[k]["p99"] for k, _ in WRITE_KINDS)
    worst_prop = max(last.propagation[k]["max"] for k, _ in PROPAGATION_KINDS)
    ratio = last.gateway["rps"] / empty.gateway["rps"]
    checks = [
        ("every write: median < 20 ms", f"{worst_median:.1f} ms (slowest kind)", worst_median < 20),
        ("every write: p99 < 50 ms", f"{worst_p99:.1f} ms (slowest kind)", worst_p99 < 50),
        ("gateway has the write when it is answered",
         f"{sum(last.late_probes.values())} late probes, worst {worst_prop:.2f} ms",
         all(v == 0 for v in last.late_probes.values())),
        ("gateway throughput within 5% of empty", f"{ratio:.2f}", ratio >= 0.95),
        ("start to serving < 5 s", f"{last.startup_s:.2f} s", last.startup_s < 5),
        ("RSS < 1.5 GB", f"{last.rss_mb:.0f} MB", last.rss_mb < 1536),
    ]
    print(f"\nTargets at the largest stage measured ({last.size.apis} APIs, {last.size.apps} applications, "
          f"{last.size.subs} subscriptions; the issue's targets are for 10,000 / 100,000 / 1,000,000)")
    print_table(["target", "measured", "met"], [[t, m, "yes" if ok else "NO"] for t, m, ok in checks])


def write_json(path, args, results, laws):
    document = {"options": vars(args), "stages": [asdict(r) for r in results], "growth_law": laws,
                "warnings": WARNINGS}
    with open(path, "w") as f:
        json.dump(document, f, indent=2)


# ---------------------------------------------------------------------------------------------
# Main


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the header of this file for what is measured.")
    parser.add_argument("--archway", default=os.path.join(here, "..", "build", "release", "archway"),
                        help="the archway binary (default: build/release/archway)")
    parser.add_argument("--loader", choices=["rest", "bulk"], default="rest",
                        help="how the configuration grows: REST calls or `archway bulk-load` (default rest)")
    parser.add_argument("--max-apis", type=int, default=10000, help="largest stage, in APIs (default 10000)")
    parser.add_argument("--max-apps", type=int, default=100000, help="cap on applications (default 100000)")
    parser.add_argument("--max-subs", type=int, default=1000000, help="cap on subscriptions (default 1000000)")
    parser.add_argument("--sizes", help="explicit stages in APIs, e.g. 10,100,300 (default: the decades up "
                                        "to --max-apis, and --max-apis itself)")
    parser.add_argument("--apps-per-api", type=int, default=10, help="applications per API (default 10)")
    parser.add_argument("--subs-per-api", type=int, default=100, help="subscriptions per API (default 100)")
    parser.add_argument("--operations-per-api", type=int, default=5, help="operations of each API (default 5)")
    parser.add_argument("--samples", type=int, default=50, help="sequential writes of each kind per stage (default 50)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per stage (default 10)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="wrk runs per stage, their median reported (default 1; 3 on a noisy machine)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--wrk-connections", type=int, default=20, help="wrk connections (default 20)")
    parser.add_argument("--write-interval", type=float, default=1.0,
                        help="seconds between the writes made during wrk (default 1)")
    parser.add_argument("--fill-connections", type=int, default=8,
                        help="concurrent connections that grow the configuration (default 8)")
    parser.add_argument("--gateway-workers", type=int, default=1, help="gateway.workers (default 1)")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                        help="another server setting (repeatable), e.g. management.threads=4")
    parser.add_argument("--json", help="also write every number to this file")
    parser.add_argument("--keep-data", action="store_true", help="keep the data directory and the server log")
    args = parser.parse_args()
    if min(args.max_apis, args.samples, args.duration, args.rounds, args.fill_connections) < 1:
        parser.error("--max-apis, --samples, --duration, --rounds and --fill-connections must be positive")
    for setting in args.settings:
        if "=" not in setting:
            parser.error(f"--set takes KEY=VALUE: {setting!r}")
    return args


def raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args, work_dir):
    settings = [("gateway.workers", str(args.gateway_workers))] + [tuple(s.split("=", 1)) for s in args.settings]
    # A private copy: a rebuild of the original during the run must not change what is measured.
    binary = os.path.join(work_dir, "archway")
    shutil.copy2(args.archway, binary)
    args.archway_mtime = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(args.archway)))
    server = Archway(binary, os.path.join(work_dir, "data"), work_dir, secrets.token_urlsafe(16), settings)
    if args.loader == "bulk" and server.subcommand_help("bulk-load") is None:
        raise BenchError(f"{server.binary} has no 'bulk-load' subcommand yet (issue 14 adds it); "
                         f"grow through the REST API with --loader rest")
    backend = Backend(work_dir)
    results = []
    try:
        backend.start()
        args.backend_url = backend.url
        server.start()
        rest = server.rest()
        try:
            probe = Probe.create(rest, backend.url)
        finally:
            rest.close()
        grower = (RestGrower(server, backend.url, args.operations_per_api, args.fill_connections)
                  if args.loader == "rest" else BulkGrower(server, args.operations_per_api, backend.url))
        grower.adopt_probe(probe)

        current = Size(1, 1, 1)
        results.append(measure_stage(server, probe, args, "empty", current, {}, "0"))
        print_results(results, args, sys.stderr)
        for n, target in enumerate(stage_sizes(args), start=1):
            if target.apis < current.apis or target.apps < current.apps or target.subs < current.subs:
                raise BenchError(f"stage {target} is smaller than the configuration already grown ({current})")
            print(f"\ngrowing to {target.apis} APIs, {target.apps} applications, {target.subs} subscriptions "
                  f"({grower.name})", file=sys.stderr, flush=True)
            fill_s, current = grower.grow(current, target)
            if current != target:
                print(f"  reached {current.apis} APIs, {current.apps} applications, {current.subs} subscriptions",
                      file=sys.stderr)
            results.append(measure_stage(server, probe, args, str(current.apis), current, fill_s, str(n)))
            print_results(results, args, sys.stderr)
    except (BenchError, OSError):
        if server.process is not None:
            print(f"\n{server.describe_state()}; last lines of its log:\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        server.stop()
        backend.stop()

    print("\n==== Summary ====")
    print(f"archway {args.archway} (built {args.archway_mtime}), loader {args.loader}, "
          f"gateway.workers {args.gateway_workers}, "
          f"backend {backend.kind}, {args.operations_per_api} operations per API")
    print_results(results, args)
    laws = growth_laws(results)
    print_growth_laws(laws)
    print_targets(results)
    if WARNINGS:
        print("\nWarnings:")
        for message in WARNINGS:
            print(f"  - {message}")
    if args.json:
        write_json(args.json, args, results, laws)
        print(f"\nwrote {args.json}")


def main():
    args = parse_args()
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            sys.exit(f"config_scale: '{tool}' is missing (make deps installs it)")
    if not os.access(args.archway, os.X_OK):
        sys.exit(f"config_scale: no archway binary at {args.archway} (build it, or pass --archway)")
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    work_dir = tempfile.mkdtemp(prefix="archway-config-scale-")
    try:
        run(args, work_dir)
    except (BenchError, OSError) as error:
        print(f"\nconfig_scale: aborted: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nconfig_scale: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        if args.keep_data:
            print(f"config_scale: data directory and server log kept in {work_dir}", file=sys.stderr)
        else:
            shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
