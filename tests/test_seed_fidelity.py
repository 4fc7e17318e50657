"""The bundled knowledge base keeps the seed's Danish text word for word (no kl_cli imports).

The seed (KL's page) is not in the repository: it is read from ../shared/seed/ beside the
checkout, as CI lays it out, or from $KL_SHARED_DIR/seed/. Without it the tests that need it are
skipped, so a plain clone passes; under CI=true they fail instead, since CI always has it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
KB_PATH = ROOT / "data" / "kl.yaml"
SEED_NAME = "000_ccd21635726c3972.txt"

# Page furniture in the seed that is not content.
NON_CONTENT_LINES = {"Gå til hovedindhold", "Politik", "Administration", "Indhold"}
# A link whose target the seed does not keep: dropped from its paragraph.
DROPPED_SENTENCE = "Læs mere om dette her."

BODY_IDS = [
    "delegeretmoede",
    "bestyrelse",
    "formand",
    "formandskab",
    "udvalg",
    "repraesentantskab",
    "kkr",
]
VALUE_IDS = ["dagsordenen", "resultater", "kommunerne"]
BEHAVIOUR_HEADING = "Ledelsesadfærden er at:"
BULLET = "•"


def normalise(text: str) -> str:
    return " ".join(text.split())


def seed_path() -> Path:
    # Read at call time so a test run can point elsewhere.
    shared = os.environ.get("KL_SHARED_DIR")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "seed" / SEED_NAME


def seed_file() -> Path:
    """The seed's path; if it is not there, skip the test, or fail it under CI=true."""
    path = seed_path()
    if path.is_file():
        return path
    shared = os.environ.get("KL_SHARED_DIR")
    where = "named by KL_SHARED_DIR" if shared else "in ../shared beside the checkout"
    if os.environ.get("CI") == "true":
        pytest.fail(f"the seed (KL's page) is not at {path}, {where}; CI=true needs it")
    pytest.skip(
        f"needs the seed (KL's page) at {path}, {where}; "
        "set KL_SHARED_DIR to the folder that holds seed/"
    )


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    """The seed's content lines (one paragraph, heading or list item each), in order."""
    path = seed_file()
    lines: list[str] = []
    seen: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = normalise(raw)
        if not line or line in NON_CONTENT_LINES:
            continue
        if DROPPED_SENTENCE in line:
            line = normalise(line.replace(DROPPED_SENTENCE, ""))
        # The opening paragraph appears twice (page lead and body): keep it once.
        if line in seen and not line.startswith(BULLET) and line != BEHAVIOUR_HEADING:
            continue
        seen.add(line)
        lines.append(line)
    assert len(lines) > 40, "the seed looks truncated"
    return lines


def item_text(line: str) -> str:
    return normalise(line.removeprefix(BULLET))


@pytest.fixture(scope="module")
def kb() -> dict[str, Any]:
    # The bundled file is trusted: safe_load with no custom constructors.
    with KB_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict)
    return data


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}[{i}]")


def texts(kb: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Text (a mapping with exactly the keys da and en), with its path."""
    for path, node in walk(kb):
        if isinstance(node, dict) and set(node) == {"da", "en"}:
            yield path, node


@pytest.fixture(scope="module")
def danish(kb: dict[str, Any]) -> list[str]:
    return [normalise(str(t["da"])) for _, t in texts(kb)]


# --- the seed, word for word -----------------------------------------------------------------


def test_every_seed_paragraph_and_item_is_in_a_danish_text(
    seed_lines: list[str], danish: list[str]
) -> None:
    missing = [line for line in seed_lines if not any(item_text(line) in da for da in danish)]
    assert not missing, "seed text missing from data/kl.yaml:\n" + "\n".join(missing)


def test_every_seed_sentence_is_in_a_danish_text(seed_lines: list[str], danish: list[str]) -> None:
    # Finer-grained than the paragraph check, so a failure names the sentence that changed.
    sentences = [
        s
        for line in seed_lines
        for s in re.split(r"(?<=[.:])\s+(?=[A-ZÆØÅ])", item_text(line))
        if s
    ]
    missing = [s for s in sentences if not any(s in da for da in danish)]
    assert not missing, "seed sentences missing:\n" + "\n".join(missing)


def test_dropped_link_sentence_and_page_furniture_are_not_content(kb: dict[str, Any]) -> None:
    # A source's note may name them: the seed's says that they were left out, and why.
    notes = re.compile(r"\.sources\[\d+\]\.note")
    content = [normalise(str(t["da"])) for path, t in texts(kb) if not notes.fullmatch(path)]
    assert not any(DROPPED_SENTENCE in da for da in content)
    assert not any(da in NON_CONTENT_LINES for da in content)
    (seed,) = [s for s in kb["sources"] if s["id"] == "seed"]
    assert DROPPED_SENTENCE in seed["note"]["da"]


def test_seed_apostrophes_are_kept(danish: list[str]) -> None:
    assert any("KL’s sekretariat" in da for da in danish)
    assert not any("KL's sekretariat" in da for da in danish)


def test_mission_and_vision_are_the_seed_opening_paragraphs(
    kb: dict[str, Any], seed_lines: list[str]
) -> None:
    about = kb["about"]
    assert normalise(about["mission"]["text"]["da"]) == seed_lines[1]
    assert normalise(about["vision"]["text"]["da"]) == seed_lines[2]


def seed_value_sections(seed_lines: list[str]) -> dict[str, list[str]]:
    """The seed's lines for each value, keyed by its title (from the title list at the top)."""
    titles = [item_text(x) for x in seed_lines if x.startswith(BULLET)][:3]
    starts = [seed_lines.index(t) for t in titles]
    behaviour_ends = []
    for start in starts:
        heading = seed_lines.index(BEHAVIOUR_HEADING, start)
        end = heading + 1
        while end < len(seed_lines) and seed_lines[end].startswith(BULLET):
            end += 1
        behaviour_ends.append(end)
    return {t: seed_lines[s:e] for t, s, e in zip(titles, starts, behaviour_ends, strict=True)}


def test_values_mirror_the_seed_in_order(kb: dict[str, Any], seed_lines: list[str]) -> None:
    sections = seed_value_sections(seed_lines)
    values = kb["values"]
    assert [normalise(v["title"]["da"]) for v in values] == list(sections)
    for value in values:
        section = sections[normalise(value["title"]["da"])]
        heading_at = section.index(normalise(value["list_heading"]["da"]))
        behaviour_at = section.index(normalise(value["behaviour_heading"]["da"]))
        assert [normalise(t["da"]) for t in value["statement"]] == section[1:heading_at]
        assert [normalise(t["da"]) for t in value["items"]] == [
            item_text(x) for x in section[heading_at + 1 : behaviour_at]
        ]
        assert [normalise(t["da"]) for t in value["behaviours"]] == [
            item_text(x) for x in section[behaviour_at + 1 :]
        ]


# --- without the seed: skipped in a plain clone, a failure in CI ------------------------------
# (These tests are named test_seed_file_*: the one that runs pytest again leaves them out.)

# Both, caught: a skip escaping a test would skip it rather than fail it.
OUTCOMES = (pytest.skip.Exception, pytest.fail.Exception)


def test_seed_file_is_found_in_the_shared_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / SEED_NAME).write_text("Indhold\n", encoding="utf-8")
    monkeypatch.setenv("KL_SHARED_DIR", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    assert seed_file() == tmp_path / "seed" / SEED_NAME


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_seed_file_missing_skips_outside_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    monkeypatch.setenv("KL_SHARED_DIR", str(tmp_path))
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(OUTCOMES) as outcome:
        seed_file()
    assert outcome.type is pytest.skip.Exception
    reason = str(outcome.value)
    assert reason == (
        f"needs the seed (KL's page) at {tmp_path / 'seed' / SEED_NAME}, named by KL_SHARED_DIR; "
        "set KL_SHARED_DIR to the folder that holds seed/"
    )


def test_seed_file_missing_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KL_SHARED_DIR", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(OUTCOMES) as outcome:
        seed_file()
    assert outcome.type is pytest.fail.Exception
    assert str(outcome.value) == (
        f"the seed (KL's page) is not at {tmp_path / 'seed' / SEED_NAME}, named by KL_SHARED_DIR; "
        "CI=true needs it"
    )


@pytest.mark.parametrize(("ci", "status", "outcome"), [(None, 0, "skipped"), ("true", 1, "error")])
def test_seed_file_missing_makes_the_seed_tests_skip_or_fail(
    tmp_path: Path, ci: str | None, status: int, outcome: str
) -> None:
    # The seed tests themselves, as the README's test command runs them, with no seed at all.
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["KL_SHARED_DIR"] = str(tmp_path)
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", __file__, "-k", "not seed_file", "-rs"]
    command += ["-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == status, result.stdout + result.stderr
    summary = result.stdout.splitlines()[-1]
    assert re.search(rf"\b4 {outcome}s?\b", summary), result.stdout
    assert "passed" in summary  # the tests that need no seed still run
    message = "needs the seed (KL's page) at" if ci is None else "; CI=true needs it"
    assert message in result.stdout


# --- structure -----------------------------------------------------------------------------


def test_three_values_with_three_items_and_five_behaviours(kb: dict[str, Any]) -> None:
    values = kb["values"]
    assert [v["id"] for v in values] == VALUE_IDS
    assert [v["number"] for v in values] == [1, 2, 3]
    for value in values:
        assert len(value["items"]) == 3, value["id"]
        assert len(value["behaviours"]) == 5, value["id"]
        assert value["sources"] == ["seed"]


def test_seven_bodies_with_the_exact_ids(kb: dict[str, Any]) -> None:
    assert [b["id"] for b in kb["bodies"]] == BODY_IDS


def test_kkr_units_cover_all_98_municipalities(kb: dict[str, Any]) -> None:
    (kkr,) = [b for b in kb["bodies"] if b["id"] == "kkr"]
    assert len(kkr["units"]) == 5
    assert sum(u["municipalities"] for u in kkr["units"]) == 98


def test_amendment_and_delegate_numbers(kb: dict[str, Any]) -> None:
    statutes = kb["statutes"]
    assert (statutes["amendment"]["numerator"], statutes["amendment"]["denominator"]) == (2, 3)
    assert statutes["delegates"]["inhabitants_per_delegate"] == 8000
    assert statutes["delegates"]["cap"]["confidence"] == "medium"
    assert statutes["last_revised"] == "2006-01-01"


def test_every_count_carries_a_period(kb: dict[str, Any]) -> None:
    counts = [c for b in kb["bodies"] for c in b.get("counts", [])]
    assert counts
    for count in counts:
        assert isinstance(count["value"], int)
        assert count.get("period") or count.get("valid"), count
        # The sources give no figures for the current period (2026–2030).
        assert not str(count.get("period", "")).startswith("2026"), count


# --- sources and languages -----------------------------------------------------------------


def test_every_source_id_used_is_declared_and_every_declared_one_is_used(
    kb: dict[str, Any],
) -> None:
    declared = [s["id"] for s in kb["sources"]]
    assert len(declared) == len(set(declared)), "duplicate source ids"
    used: set[str] = set()
    for path, node in walk(kb):
        if path.endswith(".sources") and path != ".sources":
            assert isinstance(node, list) and node, f"{path}: sources must be a non-empty list"
            used.update(node)
    assert used <= set(declared), f"undeclared sources: {sorted(used - set(declared))}"
    assert set(declared) <= used, f"unused sources: {sorted(set(declared) - used)}"


def test_every_text_has_non_empty_danish_and_english(kb: dict[str, Any]) -> None:
    for path, text in texts(kb):
        for lang in ("da", "en"):
            value = text[lang]
            assert isinstance(value, str) and value.strip(), f"{path}.{lang} is empty"


def test_english_is_a_translation_not_a_copy(kb: dict[str, Any]) -> None:
    # Short names ("KL", "KKR Sjælland") may be the same in both languages, and so may the
    # titles of sources (a page's own title); anything longer must be translated.
    for path, text in texts(kb):
        if re.fullmatch(r"\.sources\[\d+\]\.title", path):
            continue
        if len(text["da"].split()) >= 3:
            assert normalise(text["en"]) != normalise(text["da"]), f"{path} is not translated"


def test_yaml_has_no_duplicate_keys() -> None:
    # safe_load silently keeps the last of two equal keys; catch that here.
    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        keys = [loader.construct_object(k) for k, _ in node.value]
        dupes = {k for k in keys if keys.count(k) > 1}
        assert not dupes, f"duplicate keys {dupes} at line {node.start_mark.line + 1}"
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    with KB_PATH.open(encoding="utf-8") as fh:
        yaml.load(fh, Loader=Strict)
