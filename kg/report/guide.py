"""The Neo4j Browser guide and style (cypher/browser/), and a small HTTP server for them.

Neo4j Browser 5 plays a custom guide from a URL (``:guide URL`` or ``:play URL``). It fetches
it with a cross-origin request, so the server must send CORS headers, and the host must be in
the Browser's allowlist (``browser.remote_content_hostname_whitelist``; compose.yaml allows
localhost). ``serve_browser_files`` is that server.
"""

from __future__ import annotations

import html
import re
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BROWSER_DIR = Path(__file__).resolve().parents[2] / "cypher" / "browser"
GUIDE_FILE = "kg-guide.html"
STYLE_FILE = "kg.grass"

_RUNNABLE = re.compile(r'<pre class="[^"]*\brunnable\b[^"]*">(.*?)</pre>', re.S)


def guide_statements(path: Path = BROWSER_DIR / GUIDE_FILE) -> list[str]:
    """The Cypher statements of the guide's runnable blocks (Browser commands such as :param excluded)."""
    blocks = [html.unescape(b).strip() for b in _RUNNABLE.findall(path.read_text(encoding="utf-8"))]
    return [b for b in blocks if not b.startswith(":")]


def style_rules(path: Path = BROWSER_DIR / STYLE_FILE) -> dict[str, dict[str, str]]:
    """GraSS selectors (``node.Paper``, ``relationship.AUTHORED``) and their properties."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    rules = {}
    for selector, body in re.findall(r"([\w.]+)\s*\{([^}]*)\}", text):
        props = dict(
            (k.strip(), v.strip().strip('"'))
            for k, _, v in (decl.partition(":") for decl in body.split(";"))
            if k.strip()
        )
        rules[selector] = props
    return rules


class _CORSHandler(SimpleHTTPRequestHandler):
    """Static files with the CORS header Neo4j Browser needs to fetch a guide."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


def make_server(host: str = "127.0.0.1", port: int = 8001, directory: Path = BROWSER_DIR) -> ThreadingHTTPServer:
    """An HTTP server for cypher/browser/ (call ``serve_forever()``; port 0 picks a free one)."""
    return ThreadingHTTPServer((host, port), partial(_CORSHandler, directory=str(directory)))
