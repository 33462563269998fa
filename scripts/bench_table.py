#!/usr/bin/env python3
"""Summarises a tls12_bench JSON file (Google Benchmark) as one markdown table set.

    scripts/bench_table.py bench/results/latest.json [--examples latest_examples.json]
                           [--load latest_load.json] [--markdown bench/results/latest.md]

Prints to stdout and, with --markdown, writes the same text to that file. Standard library only.
"""
import argparse
import json
import os
import statistics
import sys

SUITES = ["aes128gcm", "aes256gcm", "chacha20poly1305"]
OPS = ["seal", "open", "seal_open"]
SIZES = [64, 1024, 16384]
KXS = ["ecdhe_x25519", "rsa"]
# The server's private-key operation per key exchange: the bound on its handshake rate.
BOUNDS = {"ecdhe_x25519": "crypto/rsa2048/sign_pss_sha256", "rsa": "crypto/rsa2048/decrypt_premaster"}
# The rest of the server's unavoidable public-key work per key exchange: with the bound, what the
# primitives alone allow (the ceiling), measured in the same run.
CEILING_EXTRA = {"ecdhe_x25519": ["crypto/x25519/keygen_agree"], "rsa": []}
# TLS 1.3 full handshakes (x25519 always), by server certificate: the server's signature is the
# bound, the signature plus its x25519 key pair and agreement the ceiling.
CERTS13 = ["rsa2048", "ecdsa_p256"]
BOUNDS13 = {"rsa2048": "crypto/rsa2048/sign_pss_sha256", "ecdsa_p256": "crypto/ecdsa_p256/sign"}
CEILING_EXTRA13 = ["crypto/x25519/keygen_agree"]
SUITES13 = {"aes128gcm": "TLS_AES_128_GCM_SHA256", "aes256gcm": "TLS_AES_256_GCM_SHA384",
            "chacha20poly1305": "TLS_CHACHA20_POLY1305_SHA256"}
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def normalise(name):
    """Drops Google Benchmark's decorations and a size repeated by ->Arg() ("seal/64/64")."""
    parts = [p for p in name.split("/") if not p.startswith(("iterations:", "min_time:", "repeats:"))
             and p not in ("real_time", "manual_time")]
    if len(parts) >= 2 and parts[-1].isdigit() and parts[-1] == parts[-2]:
        parts.pop()
    return "/".join(parts)


def load(path):
    with open(path) as f:
        data = json.load(f)
    runs = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        runs.setdefault(normalise(b.get("run_name", b["name"])), []).append(b)
    return data.get("context", {}), runs


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def field(runs, name, key):
    return median([b.get(key) for b in runs.get(name, [])])


def worst(runs, name, key):
    """The largest value over the repetitions (allocations: any repetition that allocates shows)."""
    values = [b.get(key) for b in runs.get(name, []) if b.get(key) is not None]
    return max(values) if values else None


def mbps(runs, name):
    """Throughput of the best repetition. On a shared machine a repetition is only ever slowed
    down (a neighbour, a descheduled vCPU), and here whole repetitions land in a slow mode, so the
    median can be a slow one; the same rule applies to ours, OpenSSL and the limit."""
    values = [b.get("bytes_per_second") for b in runs.get(name, [])]
    values = [v for v in values if v is not None]
    return max(values) / 1e6 if values else None


def rate(runs, name):
    """Operations per second of the best repetition (see mbps): items_per_second when set, else
    1 / time per iteration."""
    for key in ("items_per_second", "ops/s"):
        values = [b.get(key) for b in runs.get(name, []) if b.get(key) is not None]
        if values:
            return max(values)
    times = [b["cpu_time"] * UNIT_NS[b.get("time_unit", "ns")] for b in runs.get(name, [])]
    return 1e9 / min(times) if times else None


def ratio(a, b):
    return a / b if a is not None and b else None


def ceiling(runs, kx, names=None):
    """Handshakes/s if the server did nothing but its public-key operations, one after another
    (those of a TLS 1.2 key exchange kx, or the benchmarks named)."""
    rates = [rate(runs, name) for name in (names or [BOUNDS[kx]] + CEILING_EXTRA[kx])]
    if any(not r for r in rates):
        return None
    return 1 / sum(1 / r for r in rates)


def fmt(v, digits=0, suffix=""):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}{suffix}"


def fmt_ratio(v):
    return "–" if v is None else f"{v:.2f}x"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def machine(context):
    model, flags, cores = "unknown", set(), os.cpu_count()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model == "unknown":
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    wanted = ["aes", "pclmulqdq", "vaes", "vpclmulqdq", "avx2", "avx512f", "sha_ni"]
    present = " ".join(f"{w}{'+' if w in flags else '-'}" for w in wanted)
    lines = [
        f"- CPU: {model}, {cores} cores ({context.get('num_cpus', '?')} seen by the benchmark, "
        f"{context.get('mhz_per_cpu', '?')} MHz)",
        f"- CPU flags: {present}",
        f"- Run: {context.get('date', '?')}, tls12 build {context.get('tls12_build_type', '?')}"
        + (f", {context['openssl']}" if "openssl" in context else ""),
    ]
    if context.get("cpu_scaling_enabled"):
        lines.append("- CPU frequency scaling is enabled: figures are noisier")
    return lines


def record_rows(runs, prefix):
    """One row per suite, size and op of the record/ (TLS 1.2) or record13/ (TLS 1.3) benchmarks."""
    rows = []
    for suite in SUITES:
        for size in SIZES:
            for op in OPS:
                ours = mbps(runs, f"{prefix}/ours/{suite}/{op}/{size}")
                ossl = mbps(runs, f"{prefix}/openssl/{suite}/{op}/{size}")
                limit = mbps(runs, f"{prefix}/aead_limit/{suite}/{op}/{size}")
                allocs = worst(runs, f"{prefix}/ours/{suite}/{op}/{size}", "allocs_per_record")
                ossl_allocs = worst(runs, f"{prefix}/openssl/{suite}/{op}/{size}", "allocs_per_record")
                rows.append([SUITES13[suite] if prefix == "record13" else suite, size, op, fmt(ours),
                             fmt(ossl), fmt(limit), fmt_ratio(ratio(ours, ossl)),
                             fmt_ratio(ratio(ours, limit)), fmt(allocs, 2), fmt(ossl_allocs, 2)])
    return rows


def record_section(runs):
    rows = record_rows(runs, "record")
    return ["## Record throughput (MB/s of application data, 1 MB = 10^6 bytes)", ""] + table(
        ["suite", "bytes", "op", "ours", "OpenSSL", "AEAD limit", "ours/OpenSSL", "ours/limit",
         "allocs/record (ours)", "allocs/record (OpenSSL)"], rows) + [
        "", "seal: `send()` of one write + taking its record from the output buffer (OpenSSL: "
        "`SSL_write` into a BIO pair, record consumed in place); open: `feed()` of one pre-sealed "
        "record + reading its plaintext in place with `received_data()`/`consume_received()` (`receive()` "
        "copies it out, like `SSL_read`; OpenSSL: `SSL_read`, read_ahead on, which has no in-place form); "
        "seal_open: both. CPU time, one "
        "thread, best of the repetitions (TLS12_BENCH_REPETITIONS, interleaved at random). AEAD limit: the bare cipher through crypto/ (Crypto++), same sizes, 13-byte AAD. "
        "allocs/record: malloc-level heap calls per record in the timed region."]


def handshake_section(runs):
    rows = []
    for kx in KXS:
        bound = rate(runs, BOUNDS[kx])
        top = ceiling(runs, kx)
        for side in ["", "/client", "/server"]:
            ours = rate(runs, f"handshake/ours/{kx}{side}")
            ossl = rate(runs, f"handshake/openssl/{kx}{side}")
            server = side == "/server"
            rows.append([kx, side.strip("/") or "both", fmt(ours), fmt(ossl),
                         fmt_ratio(ratio(ours, ossl)),
                         fmt(bound) if server else "",
                         fmt_ratio(ratio(ours, bound)) if server else "",
                         fmt(top) if server else "",
                         fmt_ratio(ratio(top, bound)) if server else "",
                         fmt_ratio(ratio(ours, top)) if server else ""])
    return ["## Full handshakes per second (in memory, RSA-2048 certificate, one core)", "",
            "Each side's share is the time spent inside its own calls (one thread, monotonic clock); both = the sum; "
            "best of the repetitions, like the bound. "
            "AES-128-GCM, x25519, rsa_pss_rsae_sha256, client verifies the chain; no resumption.",
            ""] + table(
        ["key exchange", "side", "ours/s", "OpenSSL/s", "ours/OpenSSL", "bound (RSA op/s)",
         "ours/bound", "ceiling/s", "ceiling/bound", "ours/ceiling"], rows) + [
        "", "Bound: the server's RSA-2048 private-key operation per handshake "
        f"(`{BOUNDS['ecdhe_x25519']}` for ECDHE, `{BOUNDS['rsa']}` for RSA key exchange). "
        "Ceiling: the bound plus the rest of the server's public-key work, one after the other "
        f"(ECDHE: `{CEILING_EXTRA['ecdhe_x25519'][0]}`, an ephemeral key pair and one agreement), "
        "all through crypto/ in the same run: what a server doing nothing else could reach."]


def resumed_section(runs):
    rows = []
    for kind in ["resumed_ticket", "resumed_id"]:
        for side in ["", "/client", "/server"]:
            ours = rate(runs, f"handshake/ours/{kind}{side}")
            ossl = rate(runs, f"handshake/openssl/{kind}{side}")
            rows.append([kind, side.strip("/") or "both", fmt(ours), fmt(ossl),
                         fmt_ratio(ratio(ours, ossl))])
    return ["## Resumed handshakes per second (in memory, one core)", "",
            "Abbreviated handshakes of an ECDHE-RSA-AES128-GCM-SHA256 session: RFC 5077 ticket, or "
            "the server's session-ID cache; timed like the full handshakes above.", ""] + table(
        ["resumption", "side", "ours/s", "OpenSSL/s", "ours/OpenSSL"], rows)


def record13_section(runs):
    rows = record_rows(runs, "record13")
    if not any(r[3] != "–" for r in rows):
        return []
    return ["## TLS 1.3 record throughput (MB/s of application data)", "",
            "The record benchmarks above over TLS 1.3 (both libraries pinned to TLS 1.3, the same "
            "certificate and x25519, no tickets), measured the same way. AEAD limit: the bare "
            "cipher on a TLS 1.3 record: the content and its type byte (n + 1 bytes), the 5-byte "
            "record header as AAD.", ""] + table(
        ["suite", "bytes", "op", "ours", "OpenSSL", "AEAD limit", "ours/OpenSSL", "ours/limit",
         "allocs/record (ours)", "allocs/record (OpenSSL)"], rows)


def handshake13_section(runs):
    rows = []
    for cert in CERTS13:
        bound = rate(runs, BOUNDS13[cert])
        top = ceiling(runs, None, [BOUNDS13[cert]] + CEILING_EXTRA13)
        for side in ["", "/client", "/server"]:
            ours = rate(runs, f"handshake13/ours/{cert}{side}")
            ossl = rate(runs, f"handshake13/openssl/{cert}{side}")
            server = side == "/server"
            rows.append([cert, side.strip("/") or "both", fmt(ours), fmt(ossl),
                         fmt_ratio(ratio(ours, ossl)),
                         fmt(bound) if server else "",
                         fmt_ratio(ratio(ours, bound)) if server else "",
                         fmt(top) if server else "",
                         fmt_ratio(ratio(ours, top)) if server else ""])
    resumed = []
    for side in ["", "/client", "/server"]:
        ours = rate(runs, f"handshake13/ours/resumed_ticket{side}")
        ossl = rate(runs, f"handshake13/openssl/resumed_ticket{side}")
        resumed.append(["resumed_ticket (psk_dhe_ke)", side.strip("/") or "both", fmt(ours),
                        fmt(ossl), fmt_ratio(ratio(ours, ossl))])
    if not any(r[2] != "–" or r[3] != "–" for r in rows + resumed):
        return []
    return ["## TLS 1.3 handshakes per second (in memory, one core)", "",
            "Timed like the TLS 1.2 handshakes above, both libraries pinned to TLS 1.3: "
            "TLS_AES_128_GCM_SHA256, x25519, the client verifies the chain. Full: no tickets; the "
            "server signs with rsa_pss_rsae_sha256 (RSA-2048) or ecdsa_secp256r1_sha256 (P-256).",
            ""] + table(
        ["certificate", "side", "ours/s", "OpenSSL/s", "ours/OpenSSL", "bound (sign op/s)",
         "ours/bound", "ceiling/s", "ours/ceiling"], rows) + [
        "", f"Bound: the server's signature (`{BOUNDS13['rsa2048']}`, `{BOUNDS13['ecdsa_p256']}`); "
        f"ceiling: the signature plus `{CEILING_EXTRA13[0]}`, through crypto/ in the same run.", ""] + table(
        ["resumption", "side", "ours/s", "OpenSSL/s", "ours/OpenSSL"], resumed) + [
        "", "Resumed: the PSK of the previous connection's NewSessionTicket with psk_dhe_ke (a new "
        "x25519 exchange, no certificate or signature); the server keeps its tickets in its session "
        "cache, single-use (OpenSSL: stateful tickets, `SSL_OP_NO_TICKET` with the server cache on), "
        "one ticket per handshake, which the client reads (its own time) and offers next."]


def load_result(load, name):
    for entry in load:
        if entry.get("name") == name:
            result = dict(entry.get("result") or {})
            if "server_cores" in entry:
                result["server_cores"] = entry["server_cores"]
            return result
    return {}


def load_section(runs, load):
    if not load:
        return []
    rows = []
    sign = rate(runs, BOUNDS["ecdhe_x25519"])
    for server in ["echo_server", "nginx"]:
        full = load_result(load, f"load/{server}/full")
        ticket = load_result(load, f"load/{server}/ticket")
        sid = load_result(load, f"load/{server}/id")
        echo = load_result(load, f"load/{server}/echo")
        idle = load_result(load, f"load/{server}/idle")
        silent = load_result(load, f"load/{server}/silent")
        failures = sum(r.get("failures", 0) + r.get("wrong_bytes", 0)
                       for r in (full, ticket, sid, echo, idle, silent))
        rows.append([server, fmt(full.get("handshakes_per_second")), fmt(full.get("server_cores"), 2),
                     fmt(full.get("p50_ms"), 2), fmt(full.get("p99_ms"), 2),
                     fmt(ticket.get("handshakes_per_second")), fmt(sid.get("handshakes_per_second")),
                     fmt(ticket.get("p99_ms"), 2), fmt(echo.get("mb_per_second")),
                     fmt(idle.get("connections")), fmt(idle.get("kib_per_connection"), 1),
                     fmt(silent.get("new_client_ms"), 1), str(failures)])
    return ["## Serving at scale (tls12_loadgen, OpenSSL clients, loopback)", "",
            "Same certificate (RSA-2048), ECDHE-RSA-AES128-GCM-SHA256 over x25519, tickets and a "
            "session-ID cache on both; echo_server with one event loop per core, nginx with as many "
            "worker processes. 64 connections in flight for handshakes, each echoing one message "
            "and closing with close_notify; bulk echo: lock-step 16 KiB chunks, one connection per "
            "loop; idle: established connections held, then every one echoes again (RSS growth of "
            "the server, one worker for nginx); silent: 5,000 TCP connections that never send a "
            "byte, then one new client's handshake and echo.", ""] + table(
        ["server", "full/s", "server cores (full)", "full p50 ms", "full p99 ms", "ticket/s", "session ID/s",
         "ticket p99 ms", "echo MB/s", "idle connections", "KiB RSS per connection",
         "new client among silent (ms)", "lost or wrong"], rows) + [
        "", f"RSA-2048 signing rate per core in the same run: {fmt(sign)}/s (the bound for full "
        "handshakes: x cores in use). Server cores: the server's CPU time (all its threads, or "
        "nginx's master and workers) over the run's wall time; the load generator runs on the "
        "same machine, so the server does not get every core."]


def memory_section(runs):
    rows = []
    for lib in ["ours", "openssl"]:
        name = f"memory/{lib}"
        rows.append([lib, fmt(field(runs, name, "bytes_per_endpoint")),
                     fmt(field(runs, name, "client_bytes")), fmt(field(runs, name, "server_bytes")),
                     fmt(field(runs, name, "bytes_per_endpoint_busy")),
                     fmt(field(runs, name, "blocks_per_endpoint"), 1),
                     fmt(field(runs, name, "connections"))])
    return ["## Memory per established idle connection (heap bytes per endpoint)", ""] + table(
        ["library", "per endpoint (idle)", "client", "server", "per endpoint (not shrunk)",
         "heap blocks per endpoint", "connections"], rows) + [
        "", "Idle: after `shrink_to_fit()` (ours) / with `SSL_MODE_RELEASE_BUFFERS` (OpenSSL); "
        "not shrunk: same connections without it. OpenSSL's BIO-pair transport is subtracted."]


def loopback_section(runs, examples):
    rows = []
    ex = {e["name"]: e for e in examples}
    for suite in SUITES:
        ours = mbps(runs, f"loopback/ours/{suite}")
        ossl = mbps(runs, f"loopback/openssl/{suite}")
        e = ex.get(f"loopback/examples/{suite}")
        ex_mbps = e["bytes"] / e["seconds"] / 1e6 if e and e.get("seconds") else None
        bytes_ = next((b.get("bytes_per_second", 0) * b["real_time"] * UNIT_NS[b["time_unit"]] / 1e9
                       for b in runs.get(f"loopback/ours/{suite}", [])), None)
        rows.append([suite, fmt(ours), fmt(ossl), fmt_ratio(ratio(ours, ossl)), fmt(ex_mbps),
                     fmt(bytes_ / 2**20 if bytes_ else None, 0, " MiB")])
    return ["## Loopback TCP echo (MB/s of payload echoed, lock-step 16 KiB writes)", ""] + table(
        ["suite", "ours (net::Stream)", "OpenSSL (libssl)", "ours/OpenSSL",
         "examples echo_client→echo_server", "bytes"], rows) + [
        "", "Wall time, client and server threads in one process (examples: two processes, timed "
        "from the client's start to its exit, so process start-up and certificate loading count)."]


def targets_section(runs, load=()):
    lines = ["## Targets", ""]

    def check(label, value, target, fmt_value):
        if value is None:
            status = "not measured"
        else:
            status = "met" if value >= target else "MISSED"
        lines.append(f"- {label}: {fmt_value(value) if value is not None else '–'} "
                     f"(target {fmt_value(target)}): {status}")

    for suite in ["aes128gcm", "aes256gcm"]:
        ours = mbps(runs, f"record/ours/{suite}/seal_open/16384")
        check(f"{suite} seal+open 16 KiB vs raw AEAD", ratio(ours, mbps(runs, f"record/aead_limit/{suite}/seal_open/16384")), 0.95, lambda v: f"{v:.1%}")
        check(f"{suite} seal+open 16 KiB vs OpenSSL", ratio(ours, mbps(runs, f"record/openssl/{suite}/seal_open/16384")), 1.0, lambda v: f"{v:.2f}x")
        for size in [64, 1024]:
            check(f"{suite} seal+open {size} B vs OpenSSL",
                  ratio(mbps(runs, f"record/ours/{suite}/seal_open/{size}"),
                        mbps(runs, f"record/openssl/{suite}/seal_open/{size}")), 1.3, lambda v: f"{v:.2f}x")
    for size in SIZES:
        check(f"chacha20poly1305 seal+open {size} B vs raw AEAD",
              ratio(mbps(runs, f"record/ours/chacha20poly1305/seal_open/{size}"),
                    mbps(runs, f"record/aead_limit/chacha20poly1305/seal_open/{size}")), 0.95, lambda v: f"{v:.1%}")
    record13_targets(runs, check)
    check("ECDHE x25519 server handshakes vs RSA-2048 signing",
          ratio(rate(runs, "handshake/ours/ecdhe_x25519/server"), rate(runs, BOUNDS["ecdhe_x25519"])),
          0.90, lambda v: f"{v:.1%}")
    top = ceiling(runs, "ecdhe_x25519")
    if top:
        lines.append(
            f"  - ceiling from the primitives alone (RSA sign + X25519, same run): "
            f"{fmt_ratio(ratio(top, rate(runs, BOUNDS['ecdhe_x25519'])))} of the signing rate; "
            f"ours reaches {fmt_ratio(ratio(rate(runs, 'handshake/ours/ecdhe_x25519/server'), top))} of the ceiling")
    for kind in ["resumed_ticket", "resumed_id"]:
        for side in ["/client", "/server"]:
            check(f"{kind}{side} in memory vs OpenSSL",
                  ratio(rate(runs, f"handshake/ours/{kind}{side}"),
                        rate(runs, f"handshake/openssl/{kind}{side}")), 1.5, lambda v: f"{v:.2f}x")
    check("full handshake, client side, vs OpenSSL's client",
          ratio(rate(runs, "handshake/ours/ecdhe_x25519/client"),
                rate(runs, "handshake/openssl/ecdhe_x25519/client")), 0.5, lambda v: f"{v:.2f}x")
    if load:
        ours = {m: load_result(load, f"load/echo_server/{m}") for m in ["full", "ticket", "id", "idle", "silent"]}
        nginx = {m: load_result(load, f"load/nginx/{m}") for m in ["ticket", "id"]}
        cores = ours["full"].get("server_cores") or os.cpu_count() or 1
        check(f"full handshakes under load vs RSA-2048 signing x {fmt(cores, 2)} cores in use",
              ratio(ours["full"].get("handshakes_per_second"),
                    (rate(runs, BOUNDS["ecdhe_x25519"]) or 0) * cores), 0.90, lambda v: f"{v:.1%}")
        nginx_full = load_result(load, "load/nginx/full")
        if nginx_full.get("server_cores"):
            nginx_ratio = ratio(nginx_full.get("handshakes_per_second"),
                                (rate(runs, BOUNDS["ecdhe_x25519"]) or 0) * nginx_full["server_cores"])
            lines.append("  - nginx in the same run: "
                         + ("–" if nginx_ratio is None else f"{nginx_ratio:.1%}")
                         + f" of that signing rate x its {fmt(nginx_full['server_cores'], 2)} cores "
                         "in use (its RSA is OpenSSL's, faster than Crypto++'s)")
        for m in ["ticket", "id"]:
            check(f"resumed ({m}) handshakes under load vs nginx",
                  ratio(ours[m].get("handshakes_per_second"), nginx[m].get("handshakes_per_second")),
                  1.0, lambda v: f"{v:.2f}x")
        kib = ours["idle"].get("kib_per_connection")
        lines.append(f"- idle connections held: {fmt(ours['idle'].get('connections'))} at {fmt(kib, 1)} KiB "
                     "RSS each (target 10,000 at <= 6 KiB): "
                     + ("not measured" if kib is None else "met" if kib <= 6 and ours['idle'].get('connections', 0) >= 10000 else "MISSED"))
        ms = ours["silent"].get("new_client_ms")
        lines.append(f"- new client among 5,000 silent connections: {fmt(ms, 1)} ms (target < 1,000 ms): "
                     + ("not measured" if ms is None else "met" if ms < 1000 else "MISSED"))
    mem = field(runs, "memory/ours", "bytes_per_endpoint")
    lines.append(f"- memory per idle endpoint: {fmt(mem)} bytes (target <= 12,288): "
                 + ("not measured" if mem is None else "met" if mem <= 12288 else "MISSED"))
    for prefix, label in [("record", ""), ("record13", "TLS 1.3 ")]:
        allocs = [worst(runs, f"{prefix}/ours/{s}/{op}/{n}", "allocs_per_record")
                  for s in SUITES for op in OPS for n in SIZES]
        allocs = [a for a in allocs if a is not None]
        most = max(allocs) if allocs else None
        if most is None and prefix == "record13":
            continue
        lines.append(f"- {label}heap allocations per record (worst {label}record benchmark): "
                     f"{fmt(most, 2)} (target 0): "
                     + ("not measured" if most is None else "met" if most == 0 else "MISSED"))
    return lines


def record13_targets(runs, check):
    """TLS 1.2's record and handshake targets, for the TLS 1.3 benchmarks that ran."""
    if not any(k.startswith(("record13/ours/", "handshake13/ours/")) for k in runs):
        return
    for suite in ["aes128gcm", "aes256gcm"]:
        name = SUITES13[suite]
        ours = mbps(runs, f"record13/ours/{suite}/seal_open/16384")
        check(f"TLS 1.3 {name} seal+open 16 KiB vs raw AEAD",
              ratio(ours, mbps(runs, f"record13/aead_limit/{suite}/seal_open/16384")), 0.95, lambda v: f"{v:.1%}")
        check(f"TLS 1.3 {name} seal+open 16 KiB vs OpenSSL",
              ratio(ours, mbps(runs, f"record13/openssl/{suite}/seal_open/16384")), 1.0, lambda v: f"{v:.2f}x")
        for size in [64, 1024]:
            check(f"TLS 1.3 {name} seal+open {size} B vs OpenSSL",
                  ratio(mbps(runs, f"record13/ours/{suite}/seal_open/{size}"),
                        mbps(runs, f"record13/openssl/{suite}/seal_open/{size}")), 1.3, lambda v: f"{v:.2f}x")
    for size in SIZES:
        check(f"TLS 1.3 {SUITES13['chacha20poly1305']} seal+open {size} B vs raw AEAD",
              ratio(mbps(runs, f"record13/ours/chacha20poly1305/seal_open/{size}"),
                    mbps(runs, f"record13/aead_limit/chacha20poly1305/seal_open/{size}")), 0.95, lambda v: f"{v:.1%}")
    for cert in CERTS13:
        check(f"TLS 1.3 full server handshakes ({cert}) vs its signing rate",
              ratio(rate(runs, f"handshake13/ours/{cert}/server"), rate(runs, BOUNDS13[cert])),
              0.90, lambda v: f"{v:.1%}")
    for side in ["/client", "/server"]:
        check(f"TLS 1.3 resumed_ticket{side} in memory vs OpenSSL",
              ratio(rate(runs, f"handshake13/ours/resumed_ticket{side}"),
                    rate(runs, f"handshake13/openssl/resumed_ticket{side}")), 1.5, lambda v: f"{v:.2f}x")
    check("TLS 1.3 full handshake (rsa2048), client side, vs OpenSSL's client",
          ratio(rate(runs, "handshake13/ours/rsa2048/client"),
                rate(runs, "handshake13/openssl/rsa2048/client")), 0.5, lambda v: f"{v:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json")
    parser.add_argument("--examples", help="JSON list of {name, bytes, seconds} from scripts/bench")
    parser.add_argument("--load", help="JSON list of {name, result} from tls12_loadgen runs")
    parser.add_argument("--markdown", help="also write the summary to this file")
    args = parser.parse_args()

    context, runs = load(args.json)
    examples = []
    if args.examples and os.path.exists(args.examples):
        with open(args.examples) as f:
            examples = json.load(f)

    # Not named `load`: that would make the function load() above local to main() (unbound).
    load_runs = []
    if args.load and os.path.exists(args.load):
        with open(args.load) as f:
            load_runs = json.load(f)

    lines = ["# tls12 benchmarks: ours vs OpenSSL 3 vs the raw AEAD", ""]
    lines += machine(context) + [""]
    for section in (record_section(runs), handshake_section(runs), resumed_section(runs),
                    record13_section(runs), handshake13_section(runs),
                    memory_section(runs), loopback_section(runs, examples),
                    load_section(runs, load_runs), targets_section(runs, load_runs)):
        if section:  # a section with nothing measured is left out
            lines += section + [""]
    text = "\n".join(lines)
    sys.stdout.write(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
