#!/usr/bin/python3
"""A TLS peer built on Python's ssl module (OpenSSL underneath) for the interop tests.

  server: listens on 127.0.0.1:0, prints "PORT <n>", then for each of --connections connections
          prints what it negotiated and echoes until the peer's close_notify, then closes too.
  client: connects to 127.0.0.1:--port (SNI and verified name "localhost"), streams --bytes
          pseudo-random bytes (seeded by --seed) through the echo and checks every byte; with
          --resume it connects twice, the second time resuming the first one's session.

Every connection prints, one per line, flushed:
  VERSION TLSv1.3 / CIPHER TLS_AES_128_GCM_SHA256 / RESUMED 0|1 / PEER_CERT <subject CN>|none,
then ECHOED <n> (server) or CHECKED <n> (client) and DONE.
Errors go to stderr and end the program with exit code 1.
"""
import argparse
import random
import socket
import ssl
import sys

CHUNK = 16 * 1024
WINDOW = 64 * 1024


def say(*words):
    print(*words, flush=True)


def versions(ctx, args):
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion[args.max_version]
    if args.curve:
        # One group (OpenSSL's SSL_CTX_set_tmp_ecdh sets the group list): for HelloRetryRequest.
        ctx.set_ecdh_curve(args.curve)


def describe(conn):
    say("VERSION", conn.version())
    say("CIPHER", conn.cipher()[0])
    say("RESUMED", int(conn.session_reused))
    cert = conn.getpeercert()
    cn = "none"
    if cert:
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    cn = value
    say("PEER_CERT", cn)


def test_data(size, seed):
    return random.Random(seed).randbytes(size)


def serve(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    versions(ctx, args)
    ctx.load_cert_chain(args.cert, args.key)
    if args.ca:
        ctx.load_verify_locations(args.ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(30)
        say("PORT", listener.getsockname()[1])
        for _ in range(args.connections):
            raw, _ = listener.accept()
            raw.settimeout(30)
            with ctx.wrap_socket(raw, server_side=True) as conn:
                describe(conn)
                echoed = 0
                while True:
                    data = conn.recv(65536)
                    if not data:  # the peer's close_notify
                        break
                    conn.sendall(data)
                    echoed += len(data)
                say("ECHOED", echoed)
                conn.unwrap()  # our close_notify
                say("DONE")


def connect(ctx, args, session, seed):
    raw = socket.create_connection(("127.0.0.1", args.port), timeout=30)
    with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as conn:
        describe(conn)
        data = test_data(args.bytes, seed)
        sent = 0
        back = bytearray()
        while len(back) < len(data):
            while sent < len(data) and sent - len(back) + CHUNK <= WINDOW:
                conn.sendall(data[sent:sent + CHUNK])
                sent += CHUNK
            got = conn.recv(65536)
            if not got:
                break
            back += got
        if bytes(back) != data:
            sys.exit("echo differs: sent %d bytes, got %d back" % (len(data), len(back)))
        say("CHECKED", len(back))
        # TLS 1.3 tickets came before the echo: the session can be resumed now.
        session = conn.session
        conn.unwrap()
        say("DONE")
        return session


def client(args):
    ctx = ssl.create_default_context(cafile=args.ca)
    versions(ctx, args)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    session = connect(ctx, args, None, args.seed)
    if args.resume:
        connect(ctx, args, session, args.seed + 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["server", "client"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--ca", help="server: require client certificates from this CA")
    parser.add_argument("--max-version", default="TLSv1_3", choices=["TLSv1_2", "TLSv1_3"])
    parser.add_argument("--curve", help="the only ECDHE group, e.g. prime256v1")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--port", type=int)
    parser.add_argument("--bytes", type=int, default=64 * 1024)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    try:
        serve(args) if args.role == "server" else client(args)
    except (OSError, ssl.SSLError) as e:
        sys.exit("%s: %s" % (args.role, e))


if __name__ == "__main__":
    main()
