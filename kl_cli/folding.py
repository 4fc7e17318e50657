"""Case- and Danish-letter-insensitive folding, so people can type without æ, ø and å."""

from __future__ import annotations

import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_LONG = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_SHORT = str.maketrans({"æ": "a", "ø": "o", "å": "a"})


def _base(text: str) -> str:
    text = text.translate(_APOSTROPHES).casefold()
    return " ".join(text.split())


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def foldings(text: str) -> tuple[str, str]:
    """The two foldings of a text: æ→ae, ø→oe, å→aa and æ→a, ø→o, å→a (accents stripped).

    Both keep the text's length relation simple enough for snippets; each is lowercase.
    """
    base = _base(text)
    return _strip_accents(base.translate(_LONG)), _strip_accents(base.translate(_SHORT))


def matches(query: str, text: str) -> bool:
    """True if either folding of the query occurs in either folding of the text."""
    qs = foldings(query)
    ts = foldings(text)
    return any(q in t for q in qs for t in ts)
