"""Synth: reproducible synthetic listings and JSON Lines at any size, for benchmarks and fuzzing.

>>> from kg.synth import SynthConfig, write_corpus
>>> report = write_corpus(SynthConfig(n=100, seed=7), "/tmp/synth-100")  # doctest: +SKIP
"""

from kg.synth.generate import LAYOUTS, SynthConcept, SynthConfig, SynthPaper, entries, generate, make_paper, zipf_rank
from kg.synth.write import FORMATS, SynthReport, format_entry, jsonl_record, parse_formats, write_corpus

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "SynthConcept",
    "SynthConfig",
    "SynthPaper",
    "SynthReport",
    "entries",
    "format_entry",
    "generate",
    "jsonl_record",
    "make_paper",
    "parse_formats",
    "write_corpus",
    "zipf_rank",
]
