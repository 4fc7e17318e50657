"""Loading the knowledge base in use: the bundled one (compiled), or a user's file (read safely,
validated, cached by kl_cli/store/cache.py); its search index; validation and compiling.
Raises typed errors (kl_cli/errors.py), never prints."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kl_cli import __version__
from kl_cli.core.models import KnowledgeBase
from kl_cli.core.record import Record
from kl_cli.errors import InvalidKB
from kl_cli.store.locate import KB_COMPILED, KB_INDEX, data_dir

if TYPE_CHECKING:
    from kl_cli.core.search import SearchIndex
    from kl_cli.store.cache import Cache
    from kl_cli.store.yamlsafe import KBFileError

# The YAML parser, the schema validator and the cache (with its hashing) are imported where
# they are used: the bundled knowledge base needs none of them, and every call pays for imports.

# How many schema problems are collected before kl stops looking: `kl validate` lists this
# many, and a --data file shows the first (and how many more, up to this bound).
MAX_PROBLEMS = 100


class Loaded(Record):
    """A knowledge base and where it came from (None: the bundled one)."""

    kb: KnowledgeBase
    path: str | None = None


def load_bundled() -> KnowledgeBase:
    """The bundled knowledge base, from its compiled JSON form (checked fresh by the tests)."""
    from kl_cli.store.compiled import loads

    with open(data_dir() / KB_COMPILED, encoding="utf-8") as f:
        return loads(f.read())


def load(data: str | None, cache: Cache | None = None) -> Loaded:
    """The knowledge base in use: `data` (from --data or KL_DATA) or the bundled one.

    `cache` is the cache to use for a user's file; None: the one the process environment
    names (the CLI passes the one its own environment names).
    """
    if data is None:
        return Loaded(load_bundled())
    return Loaded(load_file(data, cache), data)


def _build(
    raw: bytes, display: str, *, pure: bool = False, max_problems: int | None = None
) -> KnowledgeBase:
    """Decode, parse and validate the bytes of a knowledge-base file.

    InvalidKB lists every problem, or the first `max_problems` (and is then `truncated`).
    """
    from kl_cli.store.schema import SchemaError, build_kb
    from kl_cli.store.yamlsafe import decode, parse

    tree = parse(decode(raw, display), display, pure=pure)
    try:
        return build_kb(tree, max_problems=max_problems)[0]
    except SchemaError as e:
        raise InvalidKB(display, e.problems, e.truncated) from None


def _cached(raw: bytes, cache: Cache | None) -> tuple[Cache, str]:
    """The cache to use (the user's, if none is given) and the key of `raw` in it (its hash
    and kl's version)."""
    from kl_cli.store.cache import Cache, key

    return cache if cache is not None else Cache.for_user(), key(raw, __version__)


def load_file(path: str, cache: Cache | None = None) -> KnowledgeBase:
    """Read, bound, parse and validate a user knowledge base, using the cache when allowed."""
    from kl_cli.store.yamlsafe import read_bytes

    raw = read_bytes(path, path)
    return _load_bytes(raw, path, *_cached(raw, cache))


def _load_bytes(raw: bytes, path: str, cache: Cache, key: str) -> KnowledgeBase:
    """The knowledge base in `raw` (read once from `path`), cached under `key` in `cache`.

    A cached entry is a hint: it is checked as it is revived (kl_cli/store/compiled.py), and one
    that fails any check is rebuilt from `raw` and replaced.
    """
    from kl_cli.store.compiled import dumps, loads_checked

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


def load_search_index(
    data: str | None, cache: Cache | None = None
) -> tuple[SearchIndex, str | None]:
    """The search index of the knowledge base in use, and its path (None: the bundled one).

    For a user knowledge base the index (every text with both foldings) is cached beside the
    knowledge base itself, so searching a large one folds nothing and builds no records.
    """
    from kl_cli.core.search import build_index
    from kl_cli.store.index import index_from_json, index_to_json

    if data is None:  # precompiled beside data/kl.json (a test checks that it is fresh)
        with open(data_dir() / KB_INDEX, encoding="utf-8") as f:
            return index_from_json(f.read(), checked=False), None
    from kl_cli.store.yamlsafe import read_bytes

    # Read once: the index is cached under the hash of the very bytes it is built from, even
    # if the file changes meanwhile.
    raw = read_bytes(data, data)
    used, key = _cached(raw, cache)
    name = f"{key}.search.json"
    index = used.get(name, index_from_json)
    if index is None:
        index = build_index(_load_bytes(raw, data, used, key))
        used.put(name, index_to_json(index))
    return index, data


class FileProblem(Record):
    """One problem `kl validate` reports: the file it is in, where (1-based; None when the
    problem has no place, such as a file over the size limit), the key path (None when the
    file could not be decoded or parsed, so no key is involved; "" is the top level) and the
    message."""

    file: str
    line: int | None
    column: int | None
    path: str | None
    message: str

    def format(self) -> str:
        """The problem as `kl validate` prints it: FILE:LINE:COLUMN: path: message."""
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.column}"
        if self.path is None:
            return f"{where}: {self.message}"
        return f"{where}: {self.path or '(top level)'}: {self.message}"


def validate_problems(
    raw: bytes, display: str, *, pure: bool = False, limit: int | None = None
) -> list[FileProblem]:
    """Every problem in a knowledge-base file (no cache), or only the first `limit` of them:
    checking stops there, whatever the file holds. A syntax or encoding error is the only
    problem reported: checking cannot go past it."""
    from kl_cli.store.yamlsafe import KBFileError

    try:
        _build(raw, display, pure=pure, max_problems=limit)
    except InvalidKB as e:
        return [
            FileProblem(display, p.line or None, p.col if p.line else None, p.path, p.message)
            for p in e.problems
        ]
    except KBFileError as e:
        return [file_problem(e)]
    return []


def file_problem(e: KBFileError) -> FileProblem:
    """A file that cannot be used (too large, not text, not YAML) as its one problem."""
    return FileProblem(e.name, e.line, None if e.line is None else e.col or 1, None, e.message)


def validate_bytes(
    raw: bytes, display: str, *, pure: bool = False, limit: int | None = None
) -> list[str]:
    """Every problem in a knowledge-base file as `FILE:LINE:COLUMN: message` lines (no cache),
    or only the first `limit` of them: checking stops there, whatever the file holds."""
    return [p.format() for p in validate_problems(raw, display, pure=pure, limit=limit)]


def compile_yaml(path: Path) -> str:
    """The compiled (JSON) form of a knowledge-base YAML file, as shipped in data/."""
    from kl_cli.store.compiled import dumps
    from kl_cli.store.yamlsafe import read_bytes

    return dumps(_build(read_bytes(str(path), str(path)), str(path)))


def compile_index(path: Path) -> str:
    """The bundled search index (data/kl.search.json) of a knowledge-base YAML file."""
    from kl_cli.core.search import build_index
    from kl_cli.store.index import index_to_json
    from kl_cli.store.yamlsafe import read_bytes

    return index_to_json(build_index(_build(read_bytes(str(path), str(path)), str(path))))
