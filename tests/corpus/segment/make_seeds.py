#!/usr/bin/env python3
"""Writes the seeds of tests/fuzz/segment_fuzz.cc into this directory (run it from here).

A seed's first byte picks the target's mode: 0 for a segment's bytes (the layout in
src/analytics/segment.h), 1 for field values the target encodes itself."""

import os


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def signed(v):
    return varint((v << 1) ^ (v >> 63) if v < 0 else v << 1)


def segment(events, base=None):
    """events: dicts with time, status, code, category, key_type, flags, total, backend, req, resp
    and texts (field index -> string)."""
    dictionary = [""]
    previous = [""] * 18
    body = bytearray()
    base = events[0]["time"] if base is None else base
    prev_time = base
    for e in events:
        mask, refs = 0, []
        for f in range(18):
            s = e.get("texts", {}).get(f, "")
            if s == previous[f]:
                continue
            mask |= 1 << f
            if s not in dictionary:
                dictionary.append(s)
            refs.append(dictionary.index(s))
            previous[f] = s
        body += varint(mask) + signed(e["time"] - prev_time) + varint(e.get("status", 200))
        body += signed(e.get("code", 0))
        body += bytes([e.get("category", 0), e.get("key_type", 1), e.get("flags", 2)])
        for k in ("total", "backend", "req", "resp"):
            body += signed(e.get(k, 0))
        for r in refs:
            body += varint(r)
        prev_time = e["time"]
    head = bytes([1]) + varint(len(events)) + signed(base) + varint(len(dictionary) - 1)
    for s in dictionary[1:]:
        b = s.encode()
        head += varint(len(b)) + b
    return head + bytes(body)


API = {0: "api-1", 1: "Pets", 2: "1.0.0", 3: "/pets/1.0.0", 4: "GET", 5: "/pets/{id}",
       6: "app-1", 7: "Shop", 8: "alice", 9: "alice", 10: "oauth2", 11: "10.0.0.7",
       12: "curl/8.5", 14: "http://127.0.0.1:9000", 17: "Production"}
T = 1796587200000  # an afternoon in December 2026, in ms

seeds = {
    "one-event": segment([dict(time=T, total=1500, backend=900, req=0, resp=512, texts=API)]),
    "three-events-shared-strings": segment([
        dict(time=T, total=1500, backend=900, resp=512, texts=API),
        dict(time=T + 20, total=800, backend=500, resp=64, texts=API),
        dict(time=T + 5, status=404, code=0, category=3, flags=0, total=90,
             texts={**API, 5: "/pets/unknown", 0: "", 1: ""}),
    ]),
    "throttled-and-auth-error": segment([
        dict(time=T, status=429, code=900800, category=2, flags=1, total=40,
             texts={**API, 13: "10PerMin"}),
        dict(time=T + 1, status=401, code=900901, category=1, key_type=0, flags=0, total=30,
             texts={4: "POST", 11: "10.0.0.9", 17: "Production"}),
    ]),
    "product-call": segment([
        dict(time=T, total=2000, backend=1500, req=128, resp=256,
             texts={**API, 15: "prod-1", 16: "Bundle"})]),
    "bad-truncated": segment([dict(time=T, total=1500, texts=API)])[:-3],
    "bad-count-too-high": bytes([1]) + varint(5) + segment([dict(time=T, texts=API)])[2:],
    "bad-huge-time": segment([dict(time=1 << 60, texts=API)]),
}
for name, data in seeds.items():
    with open(name, "wb") as f:
        f.write(bytes([0]) + data)
# Field values for the round trip (mode 1): the target reads whatever bytes follow.
with open("roundtrip-values", "wb") as f:
    f.write(bytes([1]) + bytes(range(7, 250, 3)) * 2)
with open("roundtrip-extremes", "wb") as f:
    f.write(bytes([1]) + b"\x03\xff\xff\xff\xff\xff\xff\xff\x7f" * 8 + b"\x02\x00" * 40)
