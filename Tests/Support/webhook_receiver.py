"""A webhook receiver for cxd's tests.

Listens on 127.0.0.1 (an ephemeral port, printed as the first line of stdout), verifies every
request with the independent `standardwebhooks` package, records it as one JSON line, and
answers from a script, one entry per request in turn:

    200 / 410 / 500 ...   answer with that status
    429:2                 answer 429 with `Retry-After: 2`
    slow:3                wait 3 s, then answer 503 (a client with a shorter timeout gave up)
    trickle:10            answer 200 at once, then send the body one byte at a time over 10 s
    drop                  close the connection without answering

Once the script runs out every request gets 200. Stops when stdin closes or after --lifetime
seconds, whichever comes first. With --cert and --key it speaks HTTPS. Each request's line
records the client's port (`peer_port`): requests over one kept-alive connection share it.

Usage: webhook_receiver.py --log FILE [--script 500,429:2,...] [--secret whsec_... ...]
                           [--cert CERT.pem --key KEY.pem]
"""

import argparse
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--script", default="")
    parser.add_argument("--secret", action="append", default=[])
    parser.add_argument("--lifetime", type=float, default=60)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()

    script = [entry.strip() for entry in args.script.split(",") if entry.strip()]
    webhooks = [Webhook(secret) for secret in args.secret]
    lock = threading.Lock()
    state = {"next": 0}

    def next_answer():
        with lock:
            index = state["next"]
            state["next"] += 1
        return script[index] if index < len(script) else "200"

    def record(entry):
        with lock, open(args.log, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            log.flush()

    def verify(body, headers):
        """Which secrets verify the request (by index), and for each signature in the header
        the index of the secret that verifies it alone (None when none does)."""
        verified_by = []
        for index, webhook in enumerate(webhooks):
            try:
                webhook.verify(body, headers)
                verified_by.append(index)
            except Exception:
                pass
        per_signature = []
        for signature in headers.get("webhook-signature", "").split(" "):
            if not signature:
                continue
            single = dict(headers, **{"webhook-signature": signature})
            match = None
            for index, webhook in enumerate(webhooks):
                try:
                    webhook.verify(body, single)
                    match = index
                    break
                except Exception:
                    pass
            per_signature.append(match)
        return verified_by, per_signature

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            body = raw.decode("utf-8", errors="replace")
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = next_answer()
            verified_by, per_signature = verify(body, headers)
            status = None
            if answer.isdigit():
                status = int(answer)
            elif answer.startswith("429:"):
                status = 429
            elif answer.startswith("trickle:"):
                status = 200
            record({
                "webhook_id": headers.get("webhook-id"),
                "answer": answer,
                "status": status,
                "verified": 0 in verified_by,
                "verified_by": verified_by,
                "signature_matches": per_signature,
                "headers": headers,
                "path": self.path,
                "peer_port": self.client_address[1],
                "body": body,
            })
            if answer == "drop":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if answer.startswith("trickle:"):
                self.trickle(float(answer.split(":", 1)[1]))
                return
            extra = {}
            if answer.startswith("slow:"):
                time.sleep(float(answer.split(":", 1)[1]))
                status = 503
            elif answer.startswith("429:"):
                extra["Retry-After"] = answer.split(":", 1)[1]
            reply = json.dumps({"answer": answer}).encode()
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except OSError:
                self.close_connection = True

        def trickle(self, seconds):
            """Headers at once, then the body a byte at a time: every read gets data soon, only
            a deadline on the whole exchange stops the client."""
            body = b"x" * 50
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.flush()
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(seconds / len(body))
            except OSError:
                self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        # The handshake happens in the request's thread, so a client that refuses the
        # certificate does not hold up the others.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)

    def stop_when_stdin_closes():
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
