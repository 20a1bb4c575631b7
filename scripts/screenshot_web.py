"""Take the README's pictures of the web view (docs/img/web-*.png) in a real browser.

    pip install -e '.[web]'                      # Datasette
    apt-get install -y chromium fonts-noto-cjk   # headless Chromium, Japanese glyphs
    python scripts/screenshot_web.py [--browser PATH] [--query 移住] [--output DIR]

It runs `kasegeru serve` on a free local port (the bundled dataset, no cache),
waits for it to answer, has headless Chromium load the front page, a case page
(co-ba) and the cases table (a search, filtered by a topic), each at 1280×900
(a laptop) and 390×844 (a phone), and the table also at 1280×1800 to show its
rows below the facets; saves the PNGs (web-front.png, web-front-phone.png,
web-case.png, …, web-cases-tall.png), smaller through pngquant where it is
installed, and stops the server. Not part of the test
suite: CI has no browser. Rerun it after changing the web view.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "img"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SIZES = {"": "1280,900", "-phone": "390,844"}
"""File name suffix → window width,height."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--browser", help="Chromium's executable (default: found on PATH)")
    parser.add_argument("--query", default="移住", help="the search shown (default: 移住)")
    parser.add_argument("--output", type=Path, default=OUT, help="directory of the PNGs")
    args = parser.parse_args()
    browser = args.browser or next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        sys.stderr.write("No Chromium found: apt-get install -y chromium (or --browser PATH)\n")
        return 1
    port = free_port()
    env = {**os.environ, "KASEGERU_NO_CACHE": "1"}
    env.pop("KASEGERU_DATA", None)
    server = subprocess.Popen([sys.executable, "-m", "kasegeru_cli", "serve", "--port",
                               str(port)], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/-/versions.json")
        query = urllib.parse.urlencode([("_search", args.query),
                                        ("topics__arraycontains", "relocation")])
        # The table's top: search, filters and facets. (The front page's links open
        # it at its rows, #rows, but headless Chromium shoots a scrolled page blank.)
        pages = {"web-front": f"{base}/", "web-case": f"{base}/cases/cases/co-ba",
                 "web-cases": f"{base}/cases/cases?{query}"}
        args.output.mkdir(parents=True, exist_ok=True)
        for name, url in pages.items():
            sizes = {**SIZES, **({"-tall": "1280,1800"} if name == "web-cases" else {})}
            for suffix, size in sizes.items():
                out = args.output / f"{name}{suffix}.png"
                shoot(browser, url, size, out)
                if shutil.which("pngquant"):  # a third of the size, same look
                    subprocess.run(["pngquant", "--force", "--skip-if-larger",
                                    "--output", str(out), str(out)], check=False)
                sys.stdout.write(f"wrote {out} ({url}, {size})\n")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


def shoot(browser: str, url: str, size: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--window-size={size}",
                        f"--screenshot={out}", url], check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    raise SystemExit(main())
