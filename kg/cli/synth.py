"""`kg synth`: write a reproducible synthetic corpus (listings in the four layouts and JSON Lines)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from kg.cli import main
from kg.synth import SynthConfig, parse_formats, write_corpus


@main.command("synth")
@click.argument("n", type=click.IntRange(min=0))
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same bytes.")
@click.option("--out", "out", type=click.Path(file_okay=False), default="synth", show_default=True,
              help="Directory to write, created with its parents when missing (it must not already hold a "
                   "synthetic corpus).")
@click.option("--formats", default="listings,jsonl", show_default=True,
              help="Comma-separated: listings (the four listing layouts), jsonl (JSON Lines records).")
@click.option("--per-file", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Listing entries per file (JSON Lines files hold ten times as many).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def synth(n: int, seed: int, out: str, formats: str, per_file: int, as_json: bool) -> None:
    """Write N synthetic papers as listings and JSON Lines, reproducibly.

    Authors, labs, organisations and concepts are coined and Zipf-distributed; abstracts come
    from sentence templates that propose, extend and report results, so every stage has work.

    Example: kg synth 10000 --seed 1 --out data/synth-10k --formats listings
    """
    config = SynthConfig(n=n, seed=seed)
    with click.progressbar(length=n, label="synth", file=sys.stderr) as bar:
        last = [0]

        def progress(done: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        report = write_corpus(config, out, formats=parse_formats(formats), per_file=per_file, progress=progress)
        bar.update(n - last[0])
    data = asdict(report)
    data["out"] = out
    data["files"] = len(report.files)
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(
            f"wrote {report.papers} papers ({report.entries} listing entries, {report.duplicates} re-listed; "
            f"{report.jsonl_records} JSON Lines records) in {len(report.files)} files under {out}"
        )
