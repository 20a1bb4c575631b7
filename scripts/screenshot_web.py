"""Take the README's picture of the web view (docs/img/web-cases.png) in a real browser.

    pip install -e '.[web]'                      # Datasette
    apt-get install -y chromium fonts-noto-cjk   # headless Chromium, Japanese glyphs
    python scripts/screenshot_web.py [--browser PATH] [--query 移住]

It runs `kasegeru serve` on a free local port (the bundled dataset, no cache),
waits for it to answer, has headless Chromium load the cases page with a
search and the default facets, saves the PNG and stops the server. Not part of
the test suite: CI has no browser. Rerun it after changing the web view.
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

OUT = Path(__file__).resolve().parents[1] / "docs" / "img" / "web-cases.png"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
COLUMNS = ("name", "name_en", "types", "prefectures", "topics", "operator_kinds", "started")


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
    parser.add_argument("--output", type=Path, default=OUT)
    parser.add_argument("--size", default="1440,1100", help="window width,height")
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
                                        *(("_col", c) for c in COLUMNS)])
        url = f"{base}/cases/cases?{query}"
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", f"--user-data-dir={profile}",
                            f"--window-size={args.size}", f"--screenshot={args.output}",
                            url], check=True, timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        server.terminate()
        server.wait(timeout=30)
    sys.stdout.write(f"wrote {args.output} ({url})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
