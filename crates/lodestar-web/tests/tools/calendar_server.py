"""A calendar server for the busy-calendar tests: serves the files of a folder over HTTP
with an ETag, answers 304 to a matching If-None-Match, and answers with the status a
`<file>.status` file holds (say 500) while that file exists. Prints its port, then serves
until killed.

    python3 calendar_server.py FOLDER
"""

import hashlib
import http.server
import os
import sys

FOLDER = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = os.path.basename(self.path.split("?")[0])
        path = os.path.join(FOLDER, name)
        status_file = path + ".status"
        if os.path.exists(status_file):
            with open(status_file) as f:
                self.send_response(int(f.read().strip()))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not name or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            body = f.read()
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
