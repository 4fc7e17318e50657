"""What a fact-check of 1.0 found (issue 12, item 8), each fix pinned in both languages: the
wording of § 1 stk. 3 and § 4, the statutes' last revision with its as-of, the KKR's validity,
the bodies' sources, the Topmøder apart from the delegeretmøde, `kl statutes`, the relations'
wording, the English translations, kl's own Danish and the seed source's web copy."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from kl_cli.core.folding import fold
from kl_cli.core.models import Body, KnowledgeBase, Lang, Text, Validity
from kl_cli.core.record import Record, fields
from kl_cli.store.load import load_bundled
from tests.conftest import assert_error, run


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_bundled()


def body(kb: KnowledgeBase, body_id: str) -> Body:
    (found,) = [b for b in kb.bodies if b.id == body_id]
    return found


def texts(node: Any) -> Iterator[Text]:
    """Every Text in a record, a tuple of records, or the whole knowledge base."""
    if isinstance(node, Text):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from texts(item)
    elif isinstance(node, Record):
        for name in fields(node):
            yield from texts(getattr(node, name))


def out(*args: str, lang: str = "da", fmt: str = "rich") -> str:
    result = run(*args, "-f", fmt, "--lang", lang, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def json_of(*args: str, lang: str = "da") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out(*args, lang=lang, fmt="json"))
    return data


# --- § 1 stk. 3: the authority binds the municipality -------------------------------------------


def test_1_3_binds_the_municipality_not_its_staff(kb: KnowledgeBase) -> None:
    (p,) = [p for p in kb.statutes.paragraphs if p.id == "1.3"]
    (fact,) = p.facts
    assert "med bindende virkning for kommunen" in fact.text.da
    assert "bindende for kommunens personale" not in fact.text.da
    assert "binding on the municipality" in fact.text.en
    assert "bind the municipality's staff" not in fact.text.en


# --- the statutes' last revision, as of the page that states it ----------------------------------


def test_revision_is_worded_as_the_sources_word_it(kb: KnowledgeBase) -> None:
    s = kb.statutes
    assert "kl-love-side" in s.revision.sources
    assert "senest revideret" in s.revision.text.da and "trådte i kraft" not in s.revision.text.da
    assert "last revised" in s.revision.text.en and "took effect" not in s.revision.text.en
    assert s.last_revised == "2006-01-01"
    assert s.last_revised_as_of == "2017"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("da", "2006-01-01 (ifølge KL's side om lovene, ca. 2017)"),
        ("en", "2006-01-01 (according to KL's statutes page, c. 2017)"),
    ],
)
def test_kl_statutes_shows_the_revision_with_its_as_of(lang: str, words: str) -> None:
    shown = out("statutes", lang=lang)
    assert words in shown
    # ... and the source that states it, as a footnote with its URL
    assert "http://kl.dk/Om-KL/Prasentation-af-KL/KLs-love--/" in shown


def test_the_revision_as_of_in_json_and_plain() -> None:
    data = json_of("statutes")
    assert data["last_revised"] == "2006-01-01"
    assert data["last_revised_as_of"] == "2017"
    assert [s["id"] for s in data["last_revised_sources"]] == ["kl-love-side"]
    assert "last_revised\t2006-01-01\t2017" in out("statutes", fmt="plain").splitlines()


# --- the KKR: five, one in each region, from 2007 to 2026 ----------------------------------------


def test_kkr_role_is_valid_2007_to_2026(kb: KnowledgeBase) -> None:
    role = body(kb, "kkr").role
    assert "fem kommunekontaktråd, ét i hver region" in role.text.da
    assert role.valid == Validity("2007-01-01", "2026-12-31")


@pytest.mark.parametrize(("day", "current"), [("2026-12-31", True), ("2027-01-01", False)])
def test_kkr_role_is_current_only_until_the_merger(day: str, current: bool) -> None:
    role = json_of("--as-of", day, "bodies", "kkr")["body"]["role"]
    assert role["current"] is current
    assert role["period"]["from"] == "2007-01-01" and role["period"]["to"] == "2026-12-31"


# --- the bodies cite the sources of what they say ------------------------------------------------


def test_bestyrelse_role_cites_the_kkr_rules_formandskab_and_fee(kb: KnowledgeBase) -> None:
    sources = set(body(kb, "bestyrelse").role.sources)
    assert "kl-om-kkr" in sources  # the KKR's rules, laid down by the bestyrelse
    assert {"iv4-politisk-organisation", "kl-formandskab"} <= sources  # the formandskab
    assert "kl-kontingent" in sources  # it proposes the fee


def test_delegeretmoede_role_cites_the_fee_accounts_and_two_thirds(kb: KnowledgeBase) -> None:
    sources = set(body(kb, "delegeretmoede").role.sources)
    assert "kl-kontingent" in sources
    assert "kl-regnskab-2019" in sources
    assert {"seed", "kl-love-side"} <= sources  # the 2/3 rule


def test_formandskab_of_six_cites_kls_may_2012_page(kb: KnowledgeBase) -> None:
    (six,) = [c for c in body(kb, "formandskab").counts if c.value == 6]
    assert six.valid == Validity("2012", "2014")
    assert "kl-2012-bestyrelse-formandskab" in six.sources


# --- § 4: the latest population figure published at least 3 months before -----------------------


def test_section_4_says_the_latest_figure_everywhere(kb: KnowledgeBase) -> None:
    danish = [t for t in texts(kb) if "mindst 3 måneder" in t.da]
    assert len(danish) >= 3  # the delegeretmøde, the delegate rule, § 4 itself
    for t in danish:
        assert "seneste" in t.da, t.da
        assert "latest" in t.en, t.en
    english = [t for t in texts(kb) if "at least 3 months" in t.en]
    assert english == danish


# --- the Topmøder are not the delegeretmøde ------------------------------------------------------

SUMMIT_WORDS = ("Topmøde", "Kommunalpolitisk Topmøde", "Local Government Summit")


def test_summit_words_are_not_aliases_of_the_delegeretmoede(kb: KnowledgeBase) -> None:
    aliases = {fold(a, True) for b in kb.bodies for a in b.aliases}
    assert not aliases & {fold(w, True) for w in SUMMIT_WORDS}
    result = run("bodies", "Local Government Summit", "--lang", "en")
    assert_error(result, 1, "no body 'Local Government Summit'")


@pytest.mark.parametrize("words", SUMMIT_WORDS)
def test_search_finds_the_summits_and_names_the_command_showing_them(words: str) -> None:
    lang = "en" if words.startswith("Local") else "da"
    hits = json_of("search", words, "--limit", "50", lang=lang)["hits"]
    summits = [h for h in hits if h["kind"] == "meeting"]
    assert {h["id"] for h in summits} >= {"topmoede-2018", "topmoede-2020", "topmoede-2026"}
    for hit in summits:
        command = hit["command"].split()
        assert command[:3] == ["kl", "bodies", "delegeretmoede"]
        shown = flat(out(*command[1:], lang=lang))
        assert flat(hit["snippet"]).strip("…") in shown, hit


def test_delegeretmoede_lists_the_summits(kb: KnowledgeBase) -> None:
    data = json_of("bodies", "delegeretmoede")["body"]
    summits = data["summits"]
    assert [s["id"] for s in summits] == [m.id for m in kb.meetings]
    (y2020,) = [s for s in summits if s["id"] == "topmoede-2020"]
    assert y2020["name"] == "Kommunalpolitisk Topmøde 2020"
    assert (y2020["date"], y2020["end_date"]) == ("2020-03-19", "2020-03-20")
    assert y2020["place"] == "Aalborg Kongres & Kultur Center"
    assert y2020["cancelled"] is True
    assert [s["id"] for s in y2020["sources"]] == ["denoffentlige-2020-aflyst", "kl-topmoede-2019"]
    shown = out("bodies", "delegeretmoede", lang="en")
    row = next(line for line in shown.splitlines() if "Local Government Summit 2020" in line)
    assert "2020-03-19" in row and "Aalborg Kongres & Kultur Center" in row
    assert "cancelled" in row and re.search(r"\[\d+(,\d+)*\]", row), row
    plain = out("bodies", "delegeretmoede", fmt="plain").splitlines()
    assert (
        "summit\ttopmoede-2020\t2020-03-19\t2020-03-20\tyes\tAalborg Kongres & Kultur Center\t"
        "Kommunalpolitisk Topmøde 2020" in plain
    )


# --- kl statutes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_statutes_show_the_two_thirds_sentence_once(kb: KnowledgeBase, lang: Lang) -> None:
    sentence = kb.statutes.amendment.rule.text.get(lang)
    assert flat(out("statutes", lang=lang)).count(sentence) == 1


@pytest.mark.parametrize(
    ("lang", "words"), [("da", "ikke i kilderne"), ("en", "not in the sources")]
)
def test_topics_are_not_shown_as_paragraph_numbers(lang: str, words: str) -> None:
    plain = [line.split("\t") for line in out("statutes", lang=lang, fmt="plain").splitlines()]
    rows = {r[1]: r for r in plain if r[0] == "paragraph"}
    assert rows["4"][2] == "§ 4"
    for topic in ("kontingent", "regnskab"):
        assert not rows[topic][2].startswith(("Kontingent", "Regnskab")), rows[topic]
        assert words in rows[topic][2]
    numbered = {p["id"]: p["numbered"] for p in json_of("statutes", lang=lang)["paragraphs"]}
    assert numbered["4"] is True and numbered["kontingent"] is numbered["regnskab"] is False
    one = out("statutes", "kontingent", lang=lang)
    assert "Kontingent: Kontingent" not in one and words in one


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("9", "§ 9 is"),
        ("§ 9", "§ 9 is"),
        ("0009", "§ 9 is"),
        ("6 stk. 3", "§ 6 stk. 3 is"),
        ("§§ 20-21", "§§ 20–21 are"),
    ],
)
def test_a_paragraph_not_in_the_knowledge_base_is_said_to_be_missing(
    query: str, shown: str
) -> None:
    result = run("statutes", query)
    assert_error(
        result,
        1,
        f"kl: error: {shown} not in this knowledge base; it covers: 1, 1.3, 2, 2.2, 3, 4, 5.8, 6, "
        "6.2, 12-13, 13.1, 15, kontingent, regnskab\n",
    )
    assert "no such paragraph" not in result.stderr
    # What is not a paragraph number is still looked up by name, with the closest names.
    assert_error(run("statutes", "kontingnet"), 1, "did you mean 'kontingent'")
    assert_error(run("statutes", "1.2.3"), 1, "no statute paragraph '1.2.3'; did you mean")


# --- the relations, worded as the sources word them ----------------------------------------------


def test_municipalities_send_delegates_and_the_assembly_approves_the_accounts(
    kb: KnowledgeBase,
) -> None:
    rel = {(e.subject, e.object): e.relation for e in kb.relations}
    assert rel[("kommuner", "delegeretmoede")] == "sends_delegates_to"
    assert rel[("delegeretmoede", "regnskab")] == "approves"
    edges = {(e["subject"], e["object"]): e["text"] for e in json_of("org")["edges"]}
    assert edges[("kommuner", "delegeretmoede")] == "Kommunerne vælger delegerede til Delegeretmøde"
    assert edges[("delegeretmoede", "regnskab")] == "Delegeretmøde godkender regnskab"
    en = {(e["subject"], e["object"]): e["text"] for e in json_of("org", lang="en")["edges"]}
    assert "elect" in en[("kommuner", "delegeretmoede")]
    assert en[("kommuner", "delegeretmoede")].endswith("delegates to General Assembly")
    assert en[("delegeretmoede", "regnskab")] == "General Assembly approves the accounts"


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("da", ["består af delegerede valgt af: kommunerne", "godkender: regnskab"]),
        (
            "en",
            ["is made up of delegates elected by: the municipalities", "approves: the accounts"],
        ),
    ],
)
def test_the_relations_seen_from_the_delegeretmoede(lang: str, phrases: list[str]) -> None:
    relations = [
        r["text"] for r in json_of("bodies", "delegeretmoede", lang=lang)["body"]["relations"]
    ]
    for phrase in phrases:
        assert phrase in relations


# --- English, as a native editor would write it --------------------------------------------------


def test_formandskab_and_formand_in_english(kb: KnowledgeBase) -> None:
    formandskab = body(kb, "formandskab").role.text.en
    assert "the Executive Committee's working committee" in formandskab
    assert "inner executive group" not in formandskab
    formand = body(kb, "formand").role.text.en
    assert "are the Executive Committee's chairman and vice chairman" in formand
    assert "chair and vice-chair" not in formand


LITERAL = (
    "The leadership behaviour is to",
    "on behalf of the cause",
    "individual latitude",
    "outward-facing",
    "accept and learn from mistakes",
    "start from the municipalities' circumstances",
    "see KL as one whole",
    "professional substance",
)


def test_leadership_behaviours_read_as_english(kb: KnowledgeBase) -> None:
    english = [t.en for v in kb.values for t in (v.behaviour_heading, *v.behaviours)]
    found = [(w, t) for t in english for w in LITERAL if w.casefold() in t.casefold()]
    assert not found


# --- kl's own Danish: idiomatic, nothing doubled -------------------------------------------------


def test_founded_in_connection_with_the_reform(kb: KnowledgeBase) -> None:
    (founded,) = [f for f in kb.about.facts if f.id == "founded"]
    assert "i forbindelse med kommunalreformen" in founded.text.da
    assert "sammen med kommunalreformen" not in founded.text.da


def test_delegate_example_is_idiomatic_and_not_labelled_twice(kb: KnowledgeBase) -> None:
    example = kb.statutes.delegates.example
    assert example is not None
    assert "portioner" not in example.text.da
    assert not example.text.da.startswith("Eksempel")
    assert not example.text.en.startswith("Example")
    for lang in ("da", "en"):
        shown = out("statutes", "delegates", "--population", "40500", lang=lang)
        assert not re.search(r"Eksempel\W+Eksempel|Example\W+Example", shown), shown


def _displayed(kb: KnowledgeBase) -> Iterator[list[str]]:
    yield []
    for command in ("about", "values", "leadership", "bodies", "statutes", "services"):
        yield [command]
    yield from (["international"], ["sources"], ["org"], ["people"], ["review"])
    yield from (["bodies", b.id] for b in kb.bodies)
    yield from (["statutes", p.id] for p in kb.statutes.paragraphs)
    yield ["statutes", "amendment", "--delegates", "98", "--votes-for", "66"]
    yield ["statutes", "delegates", "--population", "40500", "--council-seats", "5"]
    yield ["statutes", "delegates", "--municipality", "aarhus"]
    yield from (["people", p.id] for p in kb.people[:5])
    yield from (["municipalities"], ["municipalities", "aarhus"], ["municipalities", "roskilde"])


# Something said twice on one line: a label and a text that starts with it ("Eksempel
# Eksempel: ...", "Kontingent: Kontingent"), a remark in brackets twice ("(senest kendt: 2018–2022)
# (senest kendt: 2018–2022)"), or a year in brackets after a remark that gave it ("(tal fra 2023).
# (2023)").
DOUBLED = (
    re.compile(r"(?<![\w-])(\w+)\s+\1:"),
    re.compile(r"(?<![\w-])(\w[^:\n]*): \1(?![\w-])"),
    re.compile(r"\(([^()\n]+)\)[.,;]?\s*\(\1[;)]"),
    re.compile(r"\([^()\n]*\b(\d{4})\)[.,;]?\s*\(\1\)"),
)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_displayed_line_says_a_thing_twice(kb: KnowledgeBase, lang: str) -> None:
    for line in (  # the patterns find what was doubled, and not what only looks alike
        "Eksempel          Eksempel: Syddjurs Kommune havde lidt over 40.000 indbyggere",
        "Kontingent: Kontingent",
        "Jacob Bundsgaard (A, Aarhus) (senest kendt: 2018–2022) (senest kendt: 2018–2022) [10]",
        "Egon Fræhr (senest kendt: 2014–2017) (senest kendt: 2014–2017; middel sikkerhed) [12]",
        "for omkring 500.000 ledere (tal fra 2023). (2023) [3]",
    ):
        assert any(p.search(line) for p in DOUBLED), line
    for line in (
        "KKR              KKR Midtjylland",
        "Region           Region Midtjylland 2007–2026",
        "§ 4: Delegerede",
        "[9] EU-arbejde i København (kl.dk) — https://www.kl.dk/politik/eu/eu-arbejde/",
    ):
        assert not any(p.search(line) for p in DOUBLED), line
    doubled = []
    for args in _displayed(kb):
        for line in out(*args, lang=lang).splitlines():
            for pattern in DOUBLED:
                m = pattern.search(line)
                if m:
                    doubled.append((" ".join(args), m.group(), line))
    assert not doubled


# --- the seed source: a web copy to check, and what was left out ---------------------------------


def test_seed_source_has_its_web_copy_and_says_what_was_left_out(kb: KnowledgeBase) -> None:
    (seed,) = [s for s in kb.sources if s.id == "seed"]
    assert seed.url == "https://www.kl.dk/om-kl/praesentation-af-kl/"
    assert seed.note is not None
    assert "»Læs mere om dette her.«" in seed.note.da and "link" in seed.note.da
    assert "“Læs mere om dette her.”" in seed.note.en and "link" in seed.note.en
    listed = out("sources", fmt="plain")
    assert "https://www.kl.dk/om-kl/praesentation-af-kl/" in listed.split("seed\t", 1)[1]
