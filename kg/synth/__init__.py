"""Synth: reproducible synthetic listings and JSON Lines at any size, for benchmarks and fuzzing."""
