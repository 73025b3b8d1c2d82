"""A stand-in for the background map's tile server (OpenStreetMap's), for the browser
benches: answers every `/{z}/{x}/{y}.png` with the same small picture, from a process of
its own on a loopback port, as another host would.

    python bench/stand_in_tiles.py PORT

The map page loads some twenty background tiles from another host; Playwright's request
interception (`context.route`) could answer them instead, but it then holds every request
of the page, Tissage's own included, until the bench's Python answers it: about 100 ms
more per load on two cores (docs/performance.md, "The map in the browser").
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# 1x1 transparent PNG.
EMPTY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class StandIn(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # kept alive, as a tile server's connections are

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(EMPTY_PNG)))
        self.send_header("Cache-Control", "max-age=86400")
        self.end_headers()
        self.wfile.write(EMPTY_PNG)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser context closed with tiles under way resets its connections: the
        # bench's business, not an error to print.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def main() -> None:
    Server(("127.0.0.1", int(sys.argv[1])), StandIn).serve_forever()


if __name__ == "__main__":
    main()
