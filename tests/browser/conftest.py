"""Real browser tests: Debian's Chromium driven by Playwright, against the real
servers and the built web pages (make web) served on loopback."""

import os
import shutil
import threading
from pathlib import Path

import pytest

from bench.servers import free_port
from scripts.web_pages import make_server

WEB = Path(__file__).resolve().parents[2] / "web"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "results" / "screenshots"
# As the machine notes say: no background networking, or Chromium keeps trying
# (and failing) to reach Google's hosts.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def pages(assistant):
    """The web/ folder on a loopback port, its config.js naming the test's
    assistant server (as a deployment's config.js names its own)."""
    if not (WEB / "dist" / "assistant.js").exists():
        pytest.fail("web/dist/assistant.js is missing: run `make web` first")
    server = make_server(free_port(), assistant.url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (Debian's package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
