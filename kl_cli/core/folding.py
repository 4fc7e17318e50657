"""Case- and Danish-letter-insensitive folding, so people can type without æ, ø and å."""

from __future__ import annotations

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
# A decomposed å (a + U+030A COMBINING RING ABOVE) folds like the composed one: the ring is the
# second "a" of "aa", and is dropped with the other accents in the short folding.
_LONG = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "\u030a": "a"})
_SHORT = str.maketrans({"æ": "a", "ø": "o", "å": "a"})


# A character whose compatibility decomposition is longer than this stays as it is (U+FDFA is
# 18 characters decomposed): folding never makes a text more than this many times longer, so
# the search index of a file is bounded by its size, whatever characters it holds.
MAX_EXPANSION = 3


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    import unicodedata  # only for non-ASCII text, after æ, ø and å are folded away

    def nfkd(chars: str) -> str:
        return unicodedata.normalize("NFKD", chars)

    # Decided per character, so a character folds alike alone (a query) and inside a text.
    long = {ch for ch in set(text) if ord(ch) > 0x7F and len(nfkd(ch)) > MAX_EXPANSION}
    decomposed = "".join(ch if ch in long else nfkd(ch) for ch in text) if long else nfkd(text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str, long: bool) -> str:
    """One folding: lowercase, whitespace runs as one space, accents stripped, typographic
    apostrophes as ', and æ, ø, å as ae, oe, aa (`long`) or as a, o, a."""
    base = " ".join(text.translate(_APOSTROPHES).casefold().split())
    return _strip_accents(base.translate(_LONG if long else _SHORT))


def foldings(text: str) -> tuple[str, str]:
    """The two foldings of a text: æ→ae, ø→oe, å→aa and æ→a, ø→o, å→a (accents stripped)."""
    return fold(text, True), fold(text, False)


SEP = "\x00"  # never in knowledge-base text (the loader refuses control characters)


def fold_map(text: str, long: bool) -> tuple[str, list[int]]:
    """`fold(text, long)` and, for each of its characters, the index in `text` it comes from.

    Folding changes lengths (æ→ae, ß→ss, whitespace runs → one space), so a match found in the
    folded text is mapped back through this list. Every step of `fold` works one character at a
    time (translate, casefold, NFKD then dropping combining marks), which is what makes this
    character-by-character version produce exactly the same string.
    """
    import re  # loaded with Typer already

    table = _LONG if long else _SHORT
    out: list[str] = []
    where: list[int] = []
    seen = False  # a non-space character has been seen: leading whitespace is dropped
    space = -1  # index of the first character of a pending whitespace run
    # A run of printable ASCII (no space) folds character for character to itself in lower
    # case, apostrophes as ': taken whole, it needs no step of its own per character. That is
    # most of every text, so a hit's map costs a few steps a word, not a few per character.
    for piece in re.finditer(r"[!-~]+|[\s\S]", text):  # compiled on first use
        i = piece.start()
        chars = piece.group()
        if len(chars) > 1 or "!" <= chars <= "~":
            if space >= 0:
                out.append(" ")
                where.append(space)
                space = -1
            seen = True
            out.append(chars.translate(_APOSTROPHES).lower())
            where.extend(range(i, piece.end()))
            continue
        c = chars.translate(_APOSTROPHES).casefold()
        if c.isspace():
            if seen and space < 0:
                space = i
            continue
        if space >= 0:
            out.append(" ")
            where.append(space)
            space = -1
        seen = True
        folded = _strip_accents(c.translate(table))
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where
