"""The HTML report is one self-contained file that headless Chromium displays offline, without errors."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.fixtures.graph import fixture_store
from tests.fixtures.graph_browser import chromium, render


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    store = fixture_store(tmp / "graph.lbdb")
    out = tmp / "report.html"
    result = CliRunner().invoke(main, ["report", "overview", "--store", store, "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_html_report_is_self_contained(report_html):
    text = report_html.read_text(encoding="utf-8")
    # nothing is fetched: no external scripts, styles, images or fonts
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(http" not in text
    assert "<script" not in text
    # three inline SVG plots: mentions over time, communities, lineage
    assert text.count("<svg") == 3
    assert "Mentions over time" in text or "Mentions over time" in re.sub(r"<[^>]+>", "", text)


def test_html_report_renders_in_headless_chromium(report_html, tmp_path):
    chromium()
    shown = render(report_html, tmp_path)
    assert shown.page_errors == []
    assert "<h1>Knowledge graph overview</h1>" in shown.dom
    assert shown.dom.count("<svg") == 3
    for heading in ("Co-authorship communities", "Concept lineage", "Trending in 2025"):
        assert heading in shown.dom
    assert "Group Relative Policy Optimization" in shown.dom
    png = shown.screenshot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a blank page is a few kB
