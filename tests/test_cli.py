"""The reference commands in every format and language; options, calculators and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kl_cli.store.load import load_bundled
from tests.conftest import ROOT, assert_error, run, widest_line

KB = load_bundled()

COMMANDS = [
    [],
    ["about"],
    ["values"],
    ["values", "2"],
    ["leadership"],
    ["leadership", "kommunerne"],
    ["bodies"],
    ["bodies", "bestyrelse"],
    ["bodies", "kkr"],
    ["statutes"],
    ["statutes", "4"],
    ["statutes", "amendment"],
    ["statutes", "amendment", "--delegates", "98", "--votes-for", "66"],
    ["statutes", "delegates", "--population", "40500"],
    ["services"],
    ["international"],
    ["sources"],
    ["sources", "silkeborg-delegerede"],
]
FORMATS = ["rich", "plain", "json", "yaml", "markdown"]
ESC = "\x1b"


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "(none)")
def test_every_command_in_every_format_and_language(args: list[str], fmt: str, lang: str) -> None:
    result = run(*args, "-f", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.strip()
    assert ESC not in out
    if fmt == "json":
        data = json.loads(out)
        assert data["schema_version"] == 2 and data["lang"] == lang
    elif fmt == "yaml":
        data = yaml.safe_load(out)
        assert data["lang"] == lang
    elif fmt == "plain":
        assert all("\t" in line for line in out.splitlines()), out
        assert not any(ch in out for ch in "─│┏━")


def test_language_switches_knowledge_base_text() -> None:
    da = run("values", "-f", "plain").stdout
    en = run("values", "-f", "plain", "--lang", "en").stdout
    assert "Vi søger proaktivt at sætte dagsordenen" in da
    assert KB.values[0].title.en in en and KB.values[0].title.da not in en


def test_kl_lang_environment_and_option_precedence() -> None:
    assert KB.values[0].title.en in run("values", "-f", "plain", env={"KL_LANG": "en"}).stdout
    out = run("--lang", "en", "values", "-f", "plain", "--lang", "da", env={"KL_LANG": "en"})
    assert KB.values[0].title.da in out.stdout


def test_bad_kl_lang_is_a_usage_error() -> None:
    assert_error(run("values", env={"KL_LANG": "fr"}), 2, "KL_LANG must be da or en")


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "values", "2"],
        ["values", "2", "--json"],
        ["values", "--json", "2"],
        ["-f", "json", "values", "2"],
        ["values", "2", "-f", "json"],
        ["--json", "values", "2", "-f", "json"],
    ],
)
def test_options_before_and_after_the_subcommand(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["value"]["id"] == "resultater"


def test_innermost_format_wins() -> None:
    result = run("-f", "json", "values", "-f", "plain")
    assert result.stdout.startswith("dagsordenen\t")


def placements(path: tuple[str, ...], fmt: str) -> list[list[str]]:
    """`kl PATH` with --json and -f FMT at every level of PATH (the root's, a group's, the
    command's), each pair in both orders."""
    out = []
    for at_json in range(len(path) + 1):
        for at_format in range(len(path) + 1):
            orders = [True, False] if at_json == at_format else [at_json <= at_format]
            for json_first in orders:
                levels: list[list[str]] = [[] for _ in range(len(path) + 1)]
                pair = [["--json"], ["-f", fmt]] if json_first else [["-f", fmt], ["--json"]]
                levels[at_json if json_first else at_format] += pair[0]
                levels[at_format if json_first else at_json] += pair[1]
                argv = levels[0]
                for word, level in zip(path, levels[1:], strict=True):
                    argv = [*argv, word, *level]
                out.append(argv)
    return out


CONFLICTING = [*placements(("values",), "yaml"), *placements(("statutes", "amendment"), "plain")]


def test_placements_are_every_level_and_both_orders() -> None:
    assert len(placements(("values",), "yaml")) == 6
    assert ["-f", "yaml", "values", "--json"] in CONFLICTING
    assert ["values", "--json", "-f", "yaml"] in CONFLICTING
    assert ["--json", "statutes", "amendment", "-f", "plain"] in CONFLICTING


@pytest.mark.parametrize("args", CONFLICTING, ids=" ".join)
def test_json_with_another_format_is_a_usage_error_wherever_they_stand(args: list[str]) -> None:
    fmt = args[args.index("-f") + 1]
    assert_error(run(*args), 2, f"--json conflicts with --format {fmt}")


@pytest.mark.parametrize(
    "args",
    [*placements(("values",), "json"), *placements(("statutes", "amendment"), "json")],
    ids=" ".join,
)
def test_json_with_format_json_is_fine_wherever_they_stand(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["kind"] in ("values", "amendment")


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_chart_formats_are_usage_errors_elsewhere(fmt: str) -> None:
    assert_error(run("values", "-f", fmt), 2, f"{fmt!r} is not one of 'auto', 'rich'")
    assert_error(run("-f", fmt, "values"), 2, f"format {fmt!r} is not available for kl values")


def test_unknown_format_is_a_usage_error() -> None:
    assert_error(run("values", "-f", "html"), 2, "Invalid value for '-f' / '--format'")


def test_unknown_option_is_a_usage_error_without_rich_box() -> None:
    result = run("--nosuchoption")
    assert_error(result, 2, "No such option: --nosuchoption")
    assert "╭" not in result.stderr and "Usage: kl" in result.stderr


# --- plain contract ------------------------------------------------------------------------------


def test_bodies_plain_is_one_line_per_body_id_first() -> None:
    lines = run("bodies", "-f", "plain").stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [b.id for b in KB.bodies]
    assert [line.split("\t")[1] for line in lines] == [b.name.da for b in KB.bodies]
    assert len(lines) == 7


def test_leadership_plain_is_group_id_then_item() -> None:
    lines = run("leadership", "-f", "plain").stdout.splitlines()
    assert len(lines) == 15
    assert lines[0] == "dagsordenen\tskabe rum til kreativitet og nytænkning"
    assert lines[-1] == "kommunerne\tskabe gennemsigtighed."


def test_details_plain_are_key_value_lines() -> None:
    lines = run("bodies", "formand", "-f", "plain").stdout.splitlines()
    assert lines[0] == "id\tformand"
    assert "name\tFormand og næstformand" in lines


def test_plain_never_wraps_long_lines() -> None:
    out = run("values", "1", "-f", "plain", env={"COLUMNS": "20"}).stdout
    statement = KB.values[0].statement[0].da
    assert f"statement\t{statement}" in out.splitlines()


# --- lookups -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["2", "resultater", "RESULTATER", "Vi arbejder troværdigt for resultater"]
)
def test_value_by_number_id_or_name(query: str) -> None:
    assert json.loads(run("values", query, "--json").stdout)["value"]["id"] == "resultater"


@pytest.mark.parametrize(
    ("query", "body_id"),
    [
        ("formand", "formand"),
        ("formandskab", "formandskab"),
        ("Bestyrelse", "bestyrelse"),
        ("Executive Committee", "bestyrelse"),
        ("General Assembly", "delegeretmoede"),
        ("delegeretmøde", "delegeretmoede"),
        ("repræsentantskab", "repraesentantskab"),
        ("KKR", "kkr"),
        ("udv", "udvalg"),
    ],
)
def test_body_by_id_or_name_exact_beats_prefix(query: str, body_id: str) -> None:
    assert json.loads(run("bodies", query, "--json").stdout)["body"]["id"] == body_id


def test_unknown_value_is_exit_1_with_one_line() -> None:
    assert_error(run("values", "nosuchvalue"), 1, "no value 'nosuchvalue'")


def test_ambiguous_prefix_lists_candidates() -> None:
    assert_error(run("bodies", "form"), 1, "'formand' or 'formandskab'")


def test_one_source_by_id_or_title_with_its_note() -> None:
    lines = run("sources", "silkeborg-del", "-f", "plain", "--lang", "en").stdout.splitlines()
    source = next(s for s in KB.sources if s.id == "silkeborg-delegerede")
    assert source.note is not None and source.url is not None
    assert lines == [
        f"source\tsilkeborg-delegerede\t{source.url}\t{source.title.en}",
        f"note\t{source.note.en}",
    ]
    assert (
        json.loads(run("sources", "Om KKR (kl.dk)", "--json").stdout)["source"]["id"] == "kl-om-kkr"
    )


def test_unknown_source_is_exit_1() -> None:
    assert_error(run("sources", "nosuchsource"), 1, "no source 'nosuchsource'")


def test_unknown_paragraph_is_exit_1() -> None:
    assert_error(run("statutes", "99"), 1, "§ 99 is not in this knowledge base; it covers: 1,")


@pytest.mark.parametrize(
    ("query", "pid"),
    [
        ("4", "4"),
        ("§ 4", "4"),
        ("§4", "4"),
        ("6.2", "6.2"),
        ("§ 6 stk. 2", "6.2"),
        ("12", "12-13"),
        ("§§ 12–13", "12-13"),
        ("kontingent", "kontingent"),
    ],
)
def test_paragraph_forms(query: str, pid: str) -> None:
    assert json.loads(run("statutes", query, "--json").stdout)["paragraph"]["id"] == pid


def test_misspelt_statutes_subcommand_is_a_usage_error() -> None:
    assert_error(run("statutes", "amendmnt"), 2, "Did you mean 'amendment'?")


# --- calculators ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("delegates", "needed"), [(100, 67), (99, 66), (3, 2), (1, 1), (98, 66)])
def test_votes_needed(delegates: int, needed: int) -> None:
    data = json.loads(run("statutes", "amendment", "--delegates", str(delegates), "--json").stdout)
    assert data["votes_needed"] == needed
    assert data["delegates"] == delegates
    assert f"= {needed}" in data["arithmetic"]
    assert "caveat" in data and data["caveat"]["text"]


@pytest.mark.parametrize(("votes", "adopted"), [(67, True), (66, False), (100, True), (0, False)])
def test_adopted_is_a_json_boolean(votes: int, adopted: bool) -> None:
    args = ["statutes", "amendment", "--delegates", "100", "--votes-for", str(votes), "--json"]
    assert json.loads(run(*args).stdout)["adopted"] is adopted


def test_votes_for_needs_delegates_and_cannot_exceed_them() -> None:
    assert_error(
        run("statutes", "amendment", "--votes-for", "3"), 2, "--votes-for needs --delegates"
    )
    result = run("statutes", "amendment", "--delegates", "3", "--votes-for", "4")
    assert_error(result, 2, "--votes-for 4 is more than --delegates 3")


def test_delegates_must_be_positive() -> None:
    assert_error(run("statutes", "amendment", "--delegates", "0"), 2, "--delegates")


@pytest.mark.parametrize(
    ("population", "seats", "expected", "capped"),
    [
        ("8000", None, 1, None),  # no council size: the cap was not checked, not "no"
        ("8001", None, 2, None),
        ("40500", None, 6, None),
        ("40.500", None, 6, None),
        ("40,500", None, 6, None),
        ("40 500", None, 6, None),
        ("40_500", None, 6, None),
        ("340000", "31", 31, True),
        ("340.000", "50", 43, False),
        ("340,000", "50", 43, False),
    ],
)
def test_voting_delegates(
    population: str, seats: str | None, expected: int, capped: bool | None
) -> None:
    args = ["statutes", "delegates", "--population", population, "--json"]
    if seats:
        args += ["--council-seats", seats]
    data = json.loads(run(*args).stdout)
    assert data["delegates"] == expected
    assert data["cap_applied"] is capped
    assert data["cap"]["confidence"] == "medium"


@pytest.mark.parametrize(
    "population", ["4,0500", "40,50", "4.0500", "40.50", "40 5000", "abc", "-5", "0", "40.500 000"]
)
def test_population_accepts_only_groups_of_three(population: str) -> None:
    assert_error(run("statutes", "delegates", "--population", population), 2, "--population")


def test_cap_confidence_is_shown_in_plain() -> None:
    out = run(
        "statutes", "delegates", "--population", "340000", "--council-seats", "31", "-f", "plain"
    )
    assert "cap_applied\tyes" in out.stdout.splitlines()  # a token, whatever the language
    assert "cap_confidence\tmedium" in out.stdout.splitlines()


# --- provenance and periods ----------------------------------------------------------------------


def test_counts_carry_their_period_and_sources() -> None:
    data = json.loads(run("bodies", "bestyrelse", "--json", "--as-of", "2026-12-01").stdout)
    counts = data["body"]["counts"]
    assert counts, "the bestyrelse has a sourced member count"
    for count in counts:
        assert count["period"]["label"] and count["sources"] and count["sources"][0]["url"]
        assert not count["period"]["label"].startswith("2026")
        assert count["current"] is False  # no count is known for the 2026–2030 period


def test_every_json_fact_has_sources() -> None:
    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "text" in node and "sources" not in node and "relation" not in node:
                raise AssertionError(f"fact without sources: {node}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for args in (["about"], ["statutes"], ["bodies", "kkr"], ["services"], ["international"]):
        walk(json.loads(run(*args, "--json").stdout))


def test_kkr_units_sum_to_98_municipalities() -> None:
    units = json.loads(run("bodies", "kkr", "--json").stdout)["body"]["units"]
    assert len(units) == 5 and sum(u["municipalities"] for u in units) == 98


def test_version_names_program_and_knowledge_base() -> None:
    for flag in ("--version", "-V"):
        result = run(flag)
        assert result.exit_code == 0
        assert result.stdout.splitlines()[0] == "kl 1.0.0"
        assert f"version {KB.kb_version}, last reviewed {KB.last_reviewed}" in result.stdout


def test_version_is_text_only() -> None:
    assert_error(run("--version", "--json"), 2, "--version prints text only")


def test_help_flags() -> None:
    for flag in ("-h", "--help"):
        result = run(flag)
        assert result.exit_code == 0 and "Usage: kl" in result.stdout
    assert "§ 6 stk. 2" in run("statutes", "-h").stdout


# --- rich ----------------------------------------------------------------------------------------


def test_rich_is_default_only_on_a_terminal() -> None:
    # CliRunner's stdout is not a terminal, so auto means plain.
    assert run("values").stdout == run("values", "-f", "plain").stdout


def test_force_color_colours_rich_but_never_json_or_plain() -> None:
    env = {"FORCE_COLOR": "1"}
    assert ESC in run("values", "-f", "rich", env=env).stdout
    assert ESC not in run("values", "--json", env=env).stdout
    assert ESC not in run("values", "-f", "plain", env=env).stdout
    assert ESC not in run("values", "-f", "rich", "--no-color", env=env).stdout
    assert ESC not in run("values", "-f", "rich", env=env | {"NO_COLOR": "1"}).stdout


@pytest.mark.parametrize(
    ("columns", "width"),
    [
        ("0", 80),
        ("1", 20),
        ("10", 20),
        ("-5", 80),
        ("abc", 80),
        ("39", 39),
        ("40", 40),
        ("200", 200),
    ],
)
def test_rich_shows_all_data_at_any_width(columns: str, width: int) -> None:
    out = run("bodies", "-f", "rich", env={"COLUMNS": columns}).stdout
    squashed = "".join(out.split())
    for body in KB.bodies:
        assert "".join(body.name.da.split()) in squashed
        assert "".join(body.role.text.da.split()) in squashed
    assert widest_line(out) <= width


def test_markdown_escapes_and_renders_lists() -> None:
    out = run("values", "1", "-f", "markdown").stdout
    assert out.startswith("# 1. Vi søger proaktivt")  # a heading's text is no list
    assert "- skabe rum til kreativitet og nytænkning" in out


def test_an_invalid_environment_variable_does_not_beat_the_option(tmp_path: Path) -> None:
    result = run("values", "--lang", "en", "-f", "plain", env={"KL_LANG": "xx"})
    assert result.exit_code == 0 and KB.values[0].title.en in result.stdout
    kb = tmp_path / "kb.yaml"
    kb.write_bytes((ROOT / "data" / "kl.yaml").read_bytes())
    result = run("values", "--data", str(kb), "-f", "plain", env={"KL_DATA": ""})
    assert result.exit_code == 0, result.stderr
    assert_error(run("values", env={"KL_DATA": ""}), 2, "KL_DATA is set but empty")


def test_overview_plain_names_every_command() -> None:
    lines = run("-f", "plain").stdout.splitlines()
    commands = [line.split("\t") for line in lines if line.startswith("command\t")]
    assert ["command", "kl values [VALUE]", "de tre organisationsværdier"] in commands
    assert {c[1].split()[1] for c in commands} >= {"search", "about", "bodies", "org", "export"}
    assert sum(line.startswith("body\t") for line in lines) == 7


def test_detail_views_name_their_title_in_plain() -> None:
    lines = run("values", "2", "-f", "plain").stdout.splitlines()
    assert lines[0] == f"title\t{KB.values[1].title.da}"
    assert f"list_heading\t{KB.values[1].list_heading.da}" in lines
    assert f"behaviour_heading\t{KB.values[1].behaviour_heading.da}" in lines
    assert run("statutes", "4", "-f", "plain").stdout.startswith("title\t")


def test_sources_plain_rows_are_keyed() -> None:
    lines = run("sources", "-f", "plain").stdout.splitlines()
    rows = [line.split("\t") for line in lines if line.startswith("source\t")]
    assert [r[1] for r in rows] == [s.id for s in KB.sources]
    assert all(
        line.split("\t")[0] in ("knowledge_base", "kb_version", "last_reviewed", "source", "note")
        for line in lines
    )
    notes = [line.split("\t") for line in lines if line.startswith("note\t")]
    assert [n[1:] for n in notes] == [[s.id, s.note.da] for s in KB.sources if s.note]


def test_empty_no_color_is_ignored() -> None:
    assert ESC in run("values", "-f", "rich", env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
