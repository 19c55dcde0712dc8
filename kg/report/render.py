"""Render a Report as terminal tables (rich), Markdown or JSON; HTML lives in kg/report/html.py."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from kg.report.data import Report

if TYPE_CHECKING:
    from rich.text import Text

FORMATS = ("text", "markdown", "json", "html")


def to_json(report: Report) -> str:
    """The report's data (the query rows), as indented JSON."""
    payload = {"report": report.kind, "title": report.title, **report.data}
    return json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def to_markdown(report: Report) -> str:
    """GitHub-flavoured Markdown: a heading per table, pipe tables."""
    out = [f"# {report.title}", ""]
    if report.subtitle:
        out += [report.subtitle, ""]
    for t in report.tables:
        out += [f"## {t.title}", ""]
        if not t.rows:
            out += ["_none_", ""]
        else:
            out.append("| " + " | ".join(t.columns) + " |")
            out.append("|" + "|".join(" --- " for _ in t.columns) + "|")
            for row in t.rows:
                out.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
            out.append("")
        if t.note:
            out += [t.note, ""]
    return "\n".join(out)


#: characters a terminal acts on (ESC opens colour, cursor and window-title sequences); \t and \n stay
_TERMINAL_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value, style: str = "") -> Text:
    """A value from the graph as rich Text taken literally: rich markup in it (``[/]``, ``[link=...]``)
    is neither applied nor a MarkupError, and control characters show as U+FFFD, not act."""
    from rich.text import Text

    return Text(_TERMINAL_CONTROL_RE.sub("\ufffd", "" if value is None else str(value)), style=style)


def to_text(report: Report, *, width: int | None = None, color: bool = False) -> str:
    """Rich tables as text (``color`` keeps the terminal styling)."""
    from rich.console import Console
    from rich.table import Table as RichTable

    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, force_terminal=color, color_system="auto" if color else None)
    console.print(plain(report.title, "bold"))
    if report.subtitle:
        console.print(plain(report.subtitle))
    for t in report.tables:
        rt = RichTable(title=plain(t.title), title_justify="left")
        for c in t.columns:
            rt.add_column(plain(c), overflow="fold")
        for row in t.rows:
            rt.add_row(*(plain(v) for v in row))
        if not t.rows:
            rt.add_row(*(["(none)"] + [""] * (len(t.columns) - 1)))
        console.print()
        console.print(rt)
        if t.note:  # a line of its own: as a caption it wrapped to the table's width ("not counted: 6 of" / ...)
            console.print(plain(t.note))
    return buffer.getvalue()


def render(report: Report, fmt: str, **options) -> str:
    """The report in ``fmt`` (text, markdown, json or html)."""
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "html":
        from kg.report.html import to_html

        return to_html(report)
    return to_text(report, **options)


def _md_cell(v) -> str:
    text = "" if v is None else str(v)
    return text.replace("|", "\\|").replace("\n", " ")


def _json_default(v):
    if isinstance(v, Decimal):
        return float(v)
    return str(v)
