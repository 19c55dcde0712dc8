"""A regex tokenizer for scientific abstracts, registered as ``kg_tokenizer_v1``.

spaCy's rule tokenizer (prefix/suffix/infix search per uncached chunk, 1300 special cases) cost
about 1 ms per abstract, more than the whole extraction budget of 2 ms; one compiled regex and
``Doc(words, spaces)`` do the same job in about a fifth of that. Splits follow spaCy's English
conventions where they matter for concept spans: punctuation and parentheses apart, "'s" apart,
decimals, versions and "pass@1" whole. Unlike spaCy, a hyphenated word is one token ("SWE-bench",
"multi-turn"): the linear tagger labels tokens independently and split hyphens left fragments
such as "multi-" at span edges. The text is kept exactly (``doc.text == text``), and also
stored on the Doc so that components need not rebuild it from the tokens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc
from spacy.util import registry

VERSION = 1
TEXT_KEY = "kg_text"

_TOKEN = (
    r"https?://\S+?(?=[.,;:!?)\]]*(?:\s|$))"  # a URL without its trailing punctuation
    r"|(?:[A-Za-z]\.){2,}"  # e.g. i.e. U.S.
    r"|['’]s(?!\w)"  # possessive
    r"|\w+(?:(?:[@&+_-]|[.,](?=\d))\w+)*\+*"  # words, numbers, versions, pass@1, GPT-4, SWE-bench, C++
    r"|\S"  # any other character is a token of its own
)
#: a whitespace run, or a token with the one space after it (its trailing space); the rest of a longer
#: run is a whitespace token of its own (a run takes no space after it: it ends before a non-space). One
#: findall and two list comprehensions: a Python branch per piece cost most of the tokenizer
_PIECES = re.compile(r"(\s+|" + _TOKEN + r")( ?)")


def split_words(text: str) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags with ``"".join(w + " " * s) == text``."""
    pieces = _PIECES.findall(text)
    return [token for token, _ in pieces], [after == " " for _, after in pieces]


class KGTokenizer:
    """Callable text -> Doc with the spaCy tokenizer interface the pipeline needs."""

    #: distinct words whose orth ids are kept (a dict entry each); past this the cache starts afresh
    CACHE_LIMIT = 500_000

    def __init__(self, vocab):
        self.vocab = vocab
        self._orths: dict[str, int] = {}

    def __call__(self, text: str) -> Doc:
        words, spaces = split_words(text)
        vocab = self.vocab
        # a word seen before goes in by its orth id: Doc() then finds its lexeme with one hash-table look-up
        # instead of hashing the string and two StringStore calls per word (about 40 % of building the Doc).
        # Inside a memory zone lexemes made there are dropped at its end: no ids are kept or used then
        if getattr(vocab, "in_memory_zone", False):
            doc = Doc(vocab, words=words, spaces=spaces)
        else:
            orths = self._orths
            keys = list(map(orths.get, words))
            missing = [k for k, key in enumerate(keys) if key is None] if None in keys else []
            for k in missing:
                keys[k] = words[k]  # a new word goes in as its string: spaCy makes its lexeme as usual
            doc = Doc(vocab, words=keys, spaces=spaces)
            if missing:
                if len(orths) > self.CACHE_LIMIT:
                    orths.clear()
                strings = vocab.strings
                for k in missing:
                    orths[words[k]] = strings[words[k]]
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def to_bytes(self, *, exclude=()) -> bytes:
        return json.dumps({"tokenizer": "kg_tokenizer_v1", "version": VERSION}).encode()

    def from_bytes(self, data: bytes, *, exclude=()) -> "KGTokenizer":
        info = json.loads(data)
        if info.get("version", VERSION) > VERSION:
            raise ValueError(f"kg_tokenizer_v1 data version {info.get('version')} is newer than this code")
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path, *, exclude=()) -> "KGTokenizer":
        return self.from_bytes(Path(path).read_bytes())


@registry.tokenizers("kg_tokenizer_v1")
def create_kg_tokenizer():
    def make(nlp):
        return KGTokenizer(nlp.vocab)

    return make


def doc_text(doc: Doc) -> str:
    """The Doc's text: the copy the tokenizer stored, else rebuilt (``doc.text`` joins every token)."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text
