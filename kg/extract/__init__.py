"""Extract: concepts, acronyms, proposals, derivations and results from titles and abstracts."""
