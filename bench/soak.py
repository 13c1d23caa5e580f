#!/usr/bin/env python3
"""Soak run: mixed gateway traffic for a long time while the management plane churns, with the
gateway process's resident memory, open descriptors and threads sampled at a fixed interval.

Started by bench/soak.sh, which starts the backend (nginx) and `archway serve` and passes their
addresses. Traffic (wrk, one Lua script rotating four requests): an unsecured route, a route with
an access token and a subscription, a route whose tier refuses most calls (429s), and a 2 KB JSON
POST through a jsonToXML payload policy. Churn (this script, one cycle every CHURN_S seconds): an
API created, deployed and called; an application created, keyed, subscribed and called; its token
revoked and refused by the gateway; then the subscription, the application and the API deleted.

After WARMUP_S the first samples are the baseline; the run fails when the mean of the last three
samples exceeds it by more than the bounds (RSS_GROWTH_MB, FD_GROWTH, THREAD_GROWTH), or when a
churn step answered unexpectedly. Prints one CSV line per sample and a summary.
"""
import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

env = os.environ
MGMT, GW, BACKEND, PID = env["SOAK_MGMT"], env["SOAK_GW"], env["SOAK_BACKEND"], int(env["SOAK_PID"])
WORK = env["SOAK_WORK"]
DURATION_S = int(env.get("DURATION_S", "1800"))
WARMUP_S = int(env.get("WARMUP_S", "300"))
SAMPLE_S = int(env.get("SAMPLE_S", "10"))
CHURN_S = float(env.get("CHURN_S", "2"))
CONNECTIONS = env.get("CONNECTIONS", "16")
RSS_GROWTH_MB = float(env.get("RSS_GROWTH_MB", "32"))
FD_GROWTH = int(env.get("FD_GROWTH", "32"))
THREAD_GROWTH = int(env.get("THREAD_GROWTH", "2"))

ADMIN = "Basic " + base64.b64encode(b"admin:soak").decode()
PUB = f"http://127.0.0.1:{MGMT}/api/am/publisher/v4"
DEV = f"http://127.0.0.1:{MGMT}/api/am/devportal/v3"
ADM = f"http://127.0.0.1:{MGMT}/api/am/admin/v4"


def call(method, url, body=None, headers=None, form=False):
    data = None
    h = {"Authorization": ADMIN}
    if headers:
        h.update(headers)
    if body is not None:
        if form:
            data = body.encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        else:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw and raw[:1] in b"{[" else raw)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw


def must(expected, result, what):
    status, body = result
    if status != expected:
        raise RuntimeError(f"{what}: expected {expected}, got {status}: {body}")
    return body


def gateway(path, token=None):
    h = {"Authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(f"http://127.0.0.1:{GW}{path}", headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code


def until(path, status, token=None, tries=500):
    for _ in range(tries):
        if gateway(path, token) == status:
            return True
        time.sleep(0.01)
    return False


def endpoint():
    return {"endpoint_type": "http", "production_endpoints": {"url": f"http://127.0.0.1:{BACKEND}"}}


def deployed_api(name, context, extra):
    body = {"name": name, "context": context, "version": "1.0", "endpointConfig": endpoint(), "policies": ["Unlimited"]}
    body.update(extra)
    api = must(201, call("POST", f"{PUB}/apis", body), f"create API {name}")
    must(200, call("POST", f"{PUB}/apis/change-lifecycle?apiId={api['id']}&action=Publish"), "publish")
    rev = must(201, call("POST", f"{PUB}/apis/{api['id']}/revisions", {"description": "soak"}), "revision")
    must(201, call("POST", f"{PUB}/apis/{api['id']}/deploy-revision?revisionId={rev['id']}",
                   [{"name": "Default", "vhost": "localhost"}]), "deploy")
    return api["id"], rev["id"]


def app_with_token(name, api_id, tier):
    app = must(201, call("POST", f"{DEV}/applications", {"name": name, "throttlingPolicy": "Unlimited"}), "app")
    keys = must(200, call("POST", f"{DEV}/applications/{app['applicationId']}/generate-keys",
                          {"keyType": "PRODUCTION", "grantTypesToBeSupported": ["client_credentials"]}), "keys")
    sub = must(201, call("POST", f"{DEV}/subscriptions",
                         {"applicationId": app["applicationId"], "apiId": api_id, "throttlingPolicy": tier}), "subscribe")
    return app["applicationId"], sub["subscriptionId"], keys


def setup():
    """The fixed routes the traffic uses, and the wrk script that rotates over them."""
    # The tier that refuses most calls of the limited route.
    must(201, call("POST", f"{ADM}/throttling/policies/subscription",
                   {"policyName": "SoakLow", "defaultLimit": {"type": "REQUESTCOUNTLIMIT",
                    "requestCount": {"timeUnit": "min", "unitTime": 1, "requestCount": 30}}}), "SoakLow tier")
    # The Unauthenticated tier (per client IP) out of reach: wrk is one client.
    tiers = must(200, call("GET", f"{ADM}/throttling/policies/subscription"), "tiers")["list"]
    unauth = [t["policyId"] for t in tiers if t["policyName"] == "Unauthenticated"][0]
    must(200, call("PUT", f"{ADM}/throttling/policies/subscription/{unauth}",
                   {"policyName": "Unauthenticated", "defaultLimit": {"type": "REQUESTCOUNTLIMIT",
                    "requestCount": {"timeUnit": "min", "unitTime": 1, "requestCount": 2000000000}}}), "Unauthenticated")
    deployed_api("SoakOpen", "/open", {"operations": [{"target": "/*", "verb": "GET", "authType": "None"}]})
    secure, _ = deployed_api("SoakSecure", "/secure", {"operations": [{"target": "/*", "verb": "GET"}]})
    limited, _ = deployed_api("SoakLimited", "/limited", {"policies": ["SoakLow"],
                                                          "operations": [{"target": "/*", "verb": "GET"}]})
    deployed_api("SoakXml", "/xml", {"operations": [
        {"target": "/*", "verb": "POST", "authType": "None", "operationPolicies": {
            "request": [{"policyName": "jsonToXML", "parameters": {"rootElement": "order"}}]}}]})
    app_id, _, keys = app_with_token("SoakTraffic", secure, "Unlimited")
    token = keys["token"]["accessToken"]
    must(201, call("POST", f"{DEV}/subscriptions",
                   {"applicationId": app_id, "apiId": limited, "throttlingPolicy": "SoakLow"}), "subscribe limited")
    if not until("/open/1.0/1k", 200) or not until("/secure/1.0/1k", 200, token) or not until("/limited/1.0/1k", 200, token):
        raise RuntimeError("the soak routes do not answer 200")
    order = json.dumps({"id": "A-1", "items": [{"sku": f"p{i:05d}", "qty": i % 7, "price": i * 1.25}
                                               for i in range(40)]})
    lua = f"""
-- Built in init: wrk sets the Host header only after the script's top level has run.
local reqs
init = function(args)
  reqs = {{
  wrk.format("GET", "/open/1.0/1k"),
  wrk.format("GET", "/secure/1.0/1k", {{["Authorization"] = "Bearer {token}"}}),
  wrk.format("GET", "/limited/1.0/1k", {{["Authorization"] = "Bearer {token}"}}),
  wrk.format("POST", "/xml/1.0/accept", {{["Content-Type"] = "application/json"}}, [==[{order}]==]),
}}
end
local i = 0
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
"""
    with open(f"{WORK}/soak.lua", "w") as f:
        f.write(lua)


def churn(n):
    """One cycle of management writes whose effects the gateway must see."""
    api_id, rev = deployed_api(f"Churn{n}", f"/churn{n}", {"operations": [{"target": "/*", "verb": "GET"}]})
    app_id, sub_id, keys = app_with_token(f"ChurnApp{n}", api_id, "Unlimited")
    token = keys["token"]["accessToken"]
    if not until(f"/churn{n}/1.0/1k", 200, token):
        raise RuntimeError(f"cycle {n}: the new API never answered 200")
    basic = base64.b64encode(f"{keys['consumerKey']}:{keys['consumerSecret']}".encode()).decode()
    must(200, call("POST", f"http://127.0.0.1:{MGMT}/oauth2/revoke", f"token={token}",
                   {"Authorization": f"Basic {basic}"}, form=True), "revoke")
    if not until(f"/churn{n}/1.0/1k", 401, token):
        raise RuntimeError(f"cycle {n}: a revoked token was still accepted")
    must(200, call("DELETE", f"{DEV}/subscriptions/{sub_id}"), "unsubscribe")
    must(200, call("DELETE", f"{DEV}/applications/{app_id}"), "delete application")
    must(201, call("POST", f"{PUB}/apis/{api_id}/undeploy-revision?revisionId={rev}",
                   [{"name": "Default", "vhost": "localhost"}]), "undeploy")
    must(200, call("DELETE", f"{PUB}/apis/{api_id}"), "delete API")
    if not until(f"/churn{n}/1.0/1k", 404):
        raise RuntimeError(f"cycle {n}: a deleted API was still served")


def sample():
    status = {}
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    fds = len(os.listdir(f"/proc/{PID}/fd"))
    return int(status["VmRSS"].split()[0]) / 1024.0, fds, int(status["Threads"])


def main():
    setup()
    wrk = subprocess.Popen(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--timeout", "10s",
                            "-s", f"{WORK}/soak.lua", f"http://127.0.0.1:{GW}"],
                           stdout=open(f"{WORK}/wrk.out", "w"), stderr=subprocess.STDOUT)
    start = time.monotonic()
    samples, cycles, next_sample, next_churn = [], 0, start, start
    print("elapsed_s,rss_mb,fds,threads,churn_cycles", flush=True)
    while time.monotonic() - start < DURATION_S:
        now = time.monotonic()
        if now >= next_sample:
            rss, fds, threads = sample()
            samples.append((now - start, rss, fds, threads))
            print(f"{now - start:.0f},{rss:.1f},{fds},{threads},{cycles}", flush=True)
            next_sample += SAMPLE_S
        if now >= next_churn:
            churn(cycles)
            cycles += 1
            next_churn = time.monotonic() + CHURN_S
        time.sleep(0.05)
    wrk.wait()
    print(open(f"{WORK}/wrk.out").read())
    after = [s for s in samples if s[0] >= WARMUP_S]
    if len(after) < 6:
        print(f"soak: too few samples after the warm-up ({len(after)}); run longer than WARMUP_S")
        return 1
    base = [sum(s[i] for s in after[:3]) / 3 for i in (1, 2, 3)]
    last = [sum(s[i] for s in after[-3:]) / 3 for i in (1, 2, 3)]
    growth = [last[i] - base[i] for i in range(3)]
    print(f"soak: {cycles} churn cycles; after warm-up RSS {base[0]:.1f} -> {last[0]:.1f} MB, "
          f"fds {base[1]:.0f} -> {last[1]:.0f}, threads {base[2]:.0f} -> {last[2]:.0f}")
    failed = growth[0] > RSS_GROWTH_MB or growth[1] > FD_GROWTH or growth[2] > THREAD_GROWTH
    print("soak: " + ("FAILED: growth beyond the bounds" if failed else "passed") +
          f" (bounds: RSS +{RSS_GROWTH_MB} MB, fds +{FD_GROWTH}, threads +{THREAD_GROWTH})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
