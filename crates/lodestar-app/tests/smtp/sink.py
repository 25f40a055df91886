"""A real SMTP server for tests and benchmarks (aiosmtpd), independent of Lodestar's code.

    python3 sink.py --port PORT [--folder DIR]

Accepts every message. With --folder, writes each as NNNNNN.eml (written under a temporary
name, then renamed, so a reader never sees half a message); without, discards it. Prints
"ready" once it listens, and on SIGTERM or SIGINT prints the number of messages received.
"""

import argparse
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        if self.folder:
            data = envelope.original_content or envelope.content
            if isinstance(data, str):
                data = data.encode("utf-8")
            partial = os.path.join(self.folder, f".{n:06d}.partial")
            with open(partial, "wb") as f:
                f.write(data)
            os.rename(partial, os.path.join(self.folder, f"{n:06d}.eml"))
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.folder:
        os.makedirs(args.folder, exist_ok=True)
    sink = Sink(args.folder)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port, decode_data=False)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()
    print(sink.count, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
