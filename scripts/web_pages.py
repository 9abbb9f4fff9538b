"""Serve the web chat pages (web/) for development and the browser tests.

The pages read the assistant server from config.js (web/config.js is the
deployment's file). Given `--server`, this server answers /config.js with that
origin instead, so `make serve` with another RASA_PORT, and the browser tests with
their servers on free ports, need no edited file. Nothing is read from the pages'
own address.

    python -m scripts.web_pages --port 8080 --server http://localhost:5005
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "web"


def config_script(server: str) -> bytes:
    """The text of config.js pointing the pages at `server`."""
    setting = json.dumps({"server": server})
    return f"window.YidiYibaoConfig = {setting};\n".encode()


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """web/ as static files, with /config.js written for the chosen server."""

    server_url: str | None = None

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.server_url and self.path.split("?")[0] == "/config.js":
            body = config_script(self.server_url)
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        """Quiet: no line per request."""


def make_server(
    port: int, server_url: str | None, host: str = "127.0.0.1"
) -> http.server.ThreadingHTTPServer:
    """A pages server on host:port (port 0 picks a free one)."""
    handler = type("Handler", (PagesHandler,), {"server_url": server_url})
    bound = functools.partial(handler, directory=str(WEB))
    return http.server.ThreadingHTTPServer((host, port), bound)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--server", help="the assistant's Rasa server origin")
    args = parser.parse_args()
    make_server(args.port, args.server, args.host).serve_forever()


if __name__ == "__main__":
    main()
