"""The bundled knowledge base: valid by the typed models, compiled form fresh, errors located."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from kl_cli.core.models import KnowledgeBase
from kl_cli.errors import InvalidKB
from kl_cli.store.load import compile_index, compile_yaml, load_bundled, load_file
from kl_cli.store.locate import data_dir
from kl_cli.store.schema import build_kb
from kl_cli.store.yamlsafe import decode, parse
from tests.conftest import ROOT
from tests.test_seed_fidelity import BODY_IDS

YAML = ROOT / "data" / "kl.yaml"
COMPILED = ROOT / "data" / "kl.json"
INDEX = ROOT / "data" / "kl.search.json"


def test_bundled_yaml_validates_against_the_models() -> None:
    kb, marks = build_kb(parse(decode(YAML.read_bytes(), str(YAML)), str(YAML)))
    assert isinstance(kb, KnowledgeBase)
    assert [b.id for b in kb.bodies] == BODY_IDS
    assert marks["bodies[1].name.en"][0] > 1


def test_compiled_json_is_fresh() -> None:
    # data/kl.json is what kl reads at run time; regenerate it with python -m kl_cli.store.compile
    assert COMPILED.read_text(encoding="utf-8") == compile_yaml(YAML), "data/kl.json is stale"


def test_compiled_search_index_is_fresh() -> None:
    # data/kl.search.json is the bundled search index; python -m kl_cli.store.compile remakes it
    assert INDEX.read_text(encoding="utf-8") == compile_index(YAML), "kl.search.json is stale"


def test_bundled_loads_from_compiled_form_equal_to_yaml() -> None:
    assert load_bundled() == load_file(str(YAML))
    assert data_dir().resolve() == ROOT / "data"  # a checkout or editable install


def test_kb_has_versions_and_review_date() -> None:
    kb = load_bundled()
    assert kb.schema_version == 2
    assert re.fullmatch(r"\d+\.\d+\.\d+", kb.kb_version)
    assert date.fromisoformat(kb.last_reviewed) <= date.today()


def test_statutes_revision_and_amendment_rule() -> None:
    s = load_bundled().statutes
    assert s.last_revised == "2006-01-01"
    assert (s.amendment.numerator, s.amendment.denominator) == (2, 3)
    assert s.delegates.inhabitants_per_delegate == 8000
    assert s.delegates.cap.confidence == "medium"
    ids = {p.id for p in s.paragraphs}
    assert {
        "1",
        "1.3",
        "2",
        "3",
        "4",
        "5.8",
        "6",
        "6.2",
        "12-13",
        "15",
        "kontingent",
        "regnskab",
    } <= ids


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = YAML.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "kb.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_bad_edit_names_file_line_and_key_path(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'en: "General Assembly"}', 'en: ["General Assembly"]}')
    with pytest.raises(InvalidKB) as info:
        load_file(str(path))
    message = info.value.problems[0].format(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if '["General Assembly"]' in t)
    assert message.startswith(f"{path}:{line}:")
    assert "bodies[0].name.en: expected text, got a list" in message


def test_unknown_key_and_unknown_source_are_errors(tmp_path: Path) -> None:
    path = _broken(
        tmp_path, "  - id: delegeretmoede\n", "  - id: delegeretmoede\n    colour: red\n"
    )
    with pytest.raises(InvalidKB) as info:
        load_file(str(path))
    assert "bodies[0].colour: unknown key" in info.value.problems[0].format("f")
    text = json.dumps(load_bundled().bodies[0].role.sources[0])
    path = _broken(tmp_path, f"sources: [{json.loads(text)}", "sources: [nosuchsource")
    with pytest.raises(InvalidKB) as info:
        load_file(str(path))
    assert "unknown source id 'nosuchsource'" in str(info.value)
