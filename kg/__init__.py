"""kg: paper listings in, a knowledge graph of papers, authors and concepts out."""

__version__ = "0.1.0"
