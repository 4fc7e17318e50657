"""Finding, loading and querying the knowledge base (cached by kl_cli/cache.py). Raises typed
errors, never prints."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kl_cli import __version__
from kl_cli.folding import foldings
from kl_cli.models import Body, KnowledgeBase, Paragraph, Value
from kl_cli.record import Record

if TYPE_CHECKING:
    from kl_cli.cache import Cache
    from kl_cli.schema import Problem
    from kl_cli.search import SearchIndex

# The YAML parser, the schema validator and the cache (with its hashing) are imported where
# they are used: the bundled knowledge base needs none of them, and every call pays for imports.

T = TypeVar("T")
KB_YAML = "kl.yaml"
KB_COMPILED = "kl.json"
KB_INDEX = "kl.search.json"  # the bundled search index, compiled like kl.json
# How many schema problems are collected before kl stops looking: `kl validate` lists this
# many, and a --data file shows the first (and how many more, up to this bound).
MAX_PROBLEMS = 100


class LookupFailed(Exception):
    """Nothing (or more than one thing) matches what the user asked for; exit 1."""

    def __init__(self, message: str, candidates: Sequence[str] = ()):
        self.message = message
        self.candidates = tuple(candidates)
        super().__init__(message)


class InvalidKB(Exception):
    """A knowledge base that does not fit the schema; `problems` are the problems found, and
    `truncated` says there are more than those (the search stopped at a bound)."""

    def __init__(self, name: str, problems: list[Problem], truncated: bool = False):
        self.name = name
        self.problems = problems
        self.truncated = truncated
        super().__init__(problems[0].format(name))


class Loaded(Record):
    """A knowledge base and where it came from (None: the bundled one)."""

    kb: KnowledgeBase
    path: str | None = None


def data_dir() -> Path:
    """The bundled data/: inside the package in a wheel, beside it in a checkout or editable."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / KB_COMPILED).is_file():
            return candidate
    return here.parent / "data"


def bundled_yaml() -> Path:
    """The bundled knowledge base's source YAML (what `kl validate` checks by default)."""
    return data_dir() / KB_YAML


def load_bundled() -> KnowledgeBase:
    """The bundled knowledge base, from its compiled JSON form (checked fresh by the tests)."""
    from kl_cli.compiled import loads

    with open(data_dir() / KB_COMPILED, encoding="utf-8") as f:
        return loads(f.read())


def load(data: str | None) -> Loaded:
    """The knowledge base in use: `data` (from --data or KL_DATA) or the bundled one."""
    if data is None:
        return Loaded(load_bundled())
    return Loaded(load_file(data), data)


def _build(
    raw: bytes, display: str, *, pure: bool = False, max_problems: int | None = None
) -> KnowledgeBase:
    """Decode, parse and validate the bytes of a knowledge-base file.

    InvalidKB lists every problem, or the first `max_problems` (and is then `truncated`).
    """
    from kl_cli.schema import SchemaError, build_kb
    from kl_cli.yamlsafe import decode, parse

    tree = parse(decode(raw, display), display, pure=pure)
    try:
        return build_kb(tree, max_problems=max_problems)[0]
    except SchemaError as e:
        raise InvalidKB(display, e.problems, e.truncated) from None


def _cached(raw: bytes) -> tuple[Cache, str]:
    """The user's cache and the key of `raw` in it (its hash and kl's version)."""
    from kl_cli.cache import Cache, key

    return Cache.for_user(), key(raw, __version__)


def load_file(path: str) -> KnowledgeBase:
    """Read, bound, parse and validate a user knowledge base, using the cache when allowed."""
    from kl_cli.yamlsafe import read_bytes

    raw = read_bytes(path, path)
    return _load_bytes(raw, path, *_cached(raw))


def _load_bytes(raw: bytes, path: str, cache: Cache, key: str) -> KnowledgeBase:
    """The knowledge base in `raw` (read once from `path`), cached under `key` in `cache`.

    A cached entry is a hint: it is checked as it is revived (kl_cli/compiled.py), and one that
    fails any check is rebuilt from `raw` and replaced.
    """
    from kl_cli.compiled import dumps, loads_checked

    name = f"{key}.json"
    kb = cache.get(name, loads_checked)
    if kb is None:
        try:
            kb = _build(raw, path, max_problems=MAX_PROBLEMS)
        except InvalidKB as e:
            if e.truncated:  # "and 99 more" would understate it: show the first one alone
                raise InvalidKB(path, e.problems[:1], truncated=True) from None
            raise
        cache.put(name, dumps(kb))
    return kb


def load_search_index(data: str | None) -> tuple[SearchIndex, str | None]:
    """The search index of the knowledge base in use, and its path (None: the bundled one).

    For a user knowledge base the index (every text with both foldings) is cached beside the
    knowledge base itself, so searching a large one folds nothing and builds no records.
    """
    from kl_cli.search import build_index, index_from_json, index_to_json

    if data is None:  # precompiled beside data/kl.json (a test checks that it is fresh)
        with open(data_dir() / KB_INDEX, encoding="utf-8") as f:
            return index_from_json(f.read()), None
    from kl_cli.yamlsafe import read_bytes

    # Read once: the index is cached under the hash of the very bytes it is built from, even
    # if the file changes meanwhile.
    raw = read_bytes(data, data)
    cache, key = _cached(raw)
    name = f"{key}.search.json"
    index = cache.get(name, index_from_json)
    if index is None:
        index = build_index(_load_bytes(raw, data, cache, key))
        cache.put(name, index_to_json(index))
    return index, data


def validate_bytes(
    raw: bytes, display: str, *, pure: bool = False, limit: int | None = None
) -> list[str]:
    """Every problem in a knowledge-base file as `FILE:LINE:COLUMN: message` lines (no cache),
    or only the first `limit` of them: checking stops there, whatever the file holds."""
    from kl_cli.yamlsafe import KBFileError

    try:
        _build(raw, display, pure=pure, max_problems=limit)
    except InvalidKB as e:
        return [p.format(display) for p in e.problems]
    except KBFileError as e:
        return [str(e)]
    return []


def compile_yaml(path: Path) -> str:
    """The compiled (JSON) form of a knowledge-base YAML file, as shipped in data/."""
    from kl_cli.compiled import dumps
    from kl_cli.yamlsafe import read_bytes

    return dumps(_build(read_bytes(str(path), str(path)), str(path)))


def compile_index(path: Path) -> str:
    """The bundled search index (data/kl.search.json) of a knowledge-base YAML file."""
    from kl_cli.search import build_index, index_to_json
    from kl_cli.yamlsafe import read_bytes

    return index_to_json(build_index(_build(read_bytes(str(path), str(path)), str(path))))


# --- lookups ---------------------------------------------------------------------------------


def resolve(query: str, entries: Iterable[tuple[T, Iterable[str]]], kind: str) -> T:
    """Find one entry by any of its names, folded (kl_cli/folding.py): an exact name beats a
    prefix; several exact names or prefixes are ambiguous; else the closest 1-3 (difflib)."""
    table = [(item, names, [foldings(n) for n in names]) for item, names in _listed(entries)]
    ids = [names[0] for _, names, _ in table]
    q_pair = foldings(query)
    q_folds = {q for q in q_pair if q}
    if not q_folds:
        raise LookupFailed(f"no {kind} {query!r}; choose one of: {', '.join(ids)}", ids)
    exact = [i for i, (_, _, folds) in enumerate(table) if q_folds & {f for p in folds for f in p}]
    if len(exact) == 1:
        return table[exact[0]][0]
    prefix = [
        i
        for i, (_, _, folds) in enumerate(table)
        if any(f.startswith(q) for p in folds for f in p for q in q_folds)
    ]
    if len(prefix) == 1:
        return table[prefix[0]][0]
    if exact or prefix:
        names = [ids[i] for i in (exact or prefix)]
        raise LookupFailed(f"{kind} {query!r} is ambiguous: it could be {_or(names)}", names)
    import difflib

    scores: dict[int, float] = {}
    matcher = difflib.SequenceMatcher()
    for side in (0, 1):  # compare like with like: long folding with long, short with short
        matcher.set_seq2(q_pair[side])
        for i, (_, _, folds) in enumerate(table):
            for pair in folds:
                matcher.set_seq1(pair[side])
                if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                    scores[i] = max(scores.get(i, 0.0), matcher.ratio())
    close = sorted((i for i in scores if scores[i] >= 0.6), key=lambda i: -scores[i])[:3]
    if close:
        suggestions = [ids[i] for i in close]
        raise LookupFailed(f"no {kind} {query!r}; did you mean {_or(suggestions)}?", suggestions)
    raise LookupFailed(f"no {kind} {query!r}; choose one of: {', '.join(ids)}", ids)


def _listed(entries: Iterable[tuple[T, Iterable[str]]]) -> list[tuple[T, list[str]]]:
    return [(item, list(names)) for item, names in entries]


def _or(names: Sequence[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def value_names(v: Value) -> list[str]:
    return [v.id, str(v.number), v.title.da, v.title.en]


def body_names(b: Body) -> list[str]:
    return [b.id, b.name.da, b.name.en, *b.aliases]


def paragraph_names(p: Paragraph) -> list[str]:
    return [p.id, p.label, p.title.da, p.title.en]


def find_value(kb: KnowledgeBase, query: str) -> Value:
    return resolve(query, ((v, value_names(v)) for v in kb.values), "value")


def find_body(kb: KnowledgeBase, query: str) -> Body:
    return resolve(query, ((b, body_names(b)) for b in kb.bodies), "body")


_STK = re.compile(r"\s*(?:stk\.?|,)\s*", re.IGNORECASE)
# A paragraph number is at most this many ASCII digits: no statutes have more paragraphs, and
# int() refuses strings of over 4,300 digits.
MAX_PARAGRAPH_DIGITS = 6


def paragraph_id(query: str) -> str:
    """'§ 4' -> '4', '§ 6 stk. 2' -> '6.2', '§§ 12–13' -> '12-13'; other text unchanged.

    Only 0-9 are digits here: '²', '①' or '٤' are left for the name lookup.
    """
    q = query.strip().replace("§", "").replace("–", "-").strip()
    q = _STK.sub(".", q)
    return re.sub(r"\s+", "", q).lower() if re.fullmatch(r"[0-9\s.\-]+", q) else query


def _paragraph_number(text: str) -> int | None:
    """`text` as a paragraph number: ASCII digits only (not '²': isdigit() says yes), bounded."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_PARAGRAPH_DIGITS:
        return int(text)
    return None


def find_paragraph(kb: KnowledgeBase, query: str) -> Paragraph:
    pid = paragraph_id(query)
    for p in kb.statutes.paragraphs:
        if p.id == pid:
            return p
    number = _paragraph_number(pid)
    if number is not None:  # within a range such as 12-13
        for p in kb.statutes.paragraphs:
            low, _, high = p.id.partition("-")
            first, last = _paragraph_number(low), _paragraph_number(high)
            if first is not None and last is not None and first <= number <= last:
                return p
    return resolve(
        query, ((p, paragraph_names(p)) for p in kb.statutes.paragraphs), "statute paragraph"
    )


def delegates_needed(delegates: int, numerator: int, denominator: int) -> int:
    """Smallest whole number >= delegates * numerator / denominator (integer arithmetic)."""
    return -(-delegates * numerator // denominator)


def voting_delegates(population: int, per_delegate: int, cap: int | None) -> tuple[int, bool]:
    """§ 4: one delegate per started block; returns (delegates, whether the cap applied)."""
    uncapped = -(-population // per_delegate)
    if cap is not None and uncapped > cap:
        return cap, True
    return uncapped, False
