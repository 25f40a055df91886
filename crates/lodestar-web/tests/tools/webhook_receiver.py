"""An independent receiver for the webhook tests: checks each POST's Lodestar-Signature
with Python's own hmac and hashlib, answers, and records what it saw.

    python3 webhook_receiver.py FOLDER

Prints its port, then serves until killed. On every request it reads, from FOLDER:
- `secret`: the endpoint's secret, used as the HMAC-SHA256 key exactly as written;
- `fail_first` (optional): a number N; the first N requests are answered 500.
It appends one JSON line per request to FOLDER/received.jsonl: the `Lodestar-Event` and
`Lodestar-Delivery` headers, the content type, whether the signature is valid, why not,
the status answered, and the body as parsed JSON. A request whose signature is not valid
is answered 401.

The signature header is `t=<unix seconds>,v1=<hex digest>`, the digest being
HMAC-SHA256(secret, "<t>.<raw body>"); a `t` more than five minutes away from now is
refused, as a receiver guarding against replays would.
"""

import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

FOLDER = sys.argv[1]
TOLERANCE_S = 300
lock = threading.Lock()
count = 0


def read(name, default=""):
    try:
        with open(os.path.join(FOLDER, name)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def verify(header, body, secret):
    """(valid, reason) of a Lodestar-Signature header for this raw body."""
    parts = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    if "t" not in parts or "v1" not in parts:
        return False, "no t or v1"
    try:
        t = int(parts["t"][0])
    except ValueError:
        return False, "t is not a number"
    if abs(time.time() - t) > TOLERANCE_S:
        return False, "t is too far from now"
    signed = str(t).encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if any(hmac.compare_digest(expected, v) for v in parts["v1"]):
        return True, ""
    return False, "digest does not match"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        valid, why = verify(
            self.headers.get("Lodestar-Signature", ""), body, read("secret")
        )
        with lock:
            count += 1
            failing = count <= int(read("fail_first", "0") or "0")
            status = 500 if failing else (200 if valid else 401)
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            record = {
                "event": self.headers.get("Lodestar-Event"),
                "delivery": self.headers.get("Lodestar-Delivery"),
                "content_type": self.headers.get("Content-Type"),
                "valid": valid,
                "why": why,
                "status": status,
                "body": parsed,
            }
            with open(os.path.join(FOLDER, "received.jsonl"), "a") as f:
                f.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
