"""Rich output as a person reads it: URLs whole and clickable, every cited source marked, and a
word on what a narrow terminal leaves out."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kl_cli.core.models import Body, Edge, Fact, KnowledgeBase, Text
from kl_cli.present import render
from kl_cli.present.doc import Notes, Notice
from kl_cli.present.render import link_target, to_rich
from kl_cli.present.views import org
from kl_cli.store.load import load_bundled
from tests.conftest import drain, kb_data, run, write_kb
from tests.test_cli import COMMANDS
from tests.test_plumbing import KL, kl_env

KB = load_bundled()
URLS = {s.url for s in KB.sources if s.url}
ALL = [*COMMANDS, ["org"], ["search", "kommunekontaktraad"]]
WIDTHS = [40, 60, 80, 120]
SGR = re.compile(r"\x1b\[[0-9;]*m")
OSC8 = re.compile(r"\x1b\]8;(?:id=[0-9]+)?;([^\x1b]*)\x1b\\")
MARKER = re.compile(r"\[([0-9]+(?:, ?[0-9]+)*)\]")


AS_OF = date(2026, 12, 1)


def visible(text: str) -> str:
    return OSC8.sub("", SGR.sub("", text))


def url_lines(text: str) -> list[str]:
    """The lines that hold a URL, as a reader sees them."""
    return [line.strip() for line in visible(text).splitlines() if "http" in line]


# --- URLs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_every_source_url_stands_whole_on_a_line_of_its_own(width: int) -> None:
    for color in (False, True):
        env = {"COLUMNS": str(width)} | ({"FORCE_COLOR": "1"} if color else {})
        listed = url_lines(run("sources", "-f", "rich", env=env).stdout)
        assert set(listed) == URLS, sorted(set(listed) ^ URLS)[:3]
        for args in ALL:
            out = run(*args, "-f", "rich", "--lang", "en", env=env).stdout
            for line in url_lines(out):
                assert line in URLS, (args, width, line)  # whole, and nothing beside it


@pytest.mark.parametrize("width", WIDTHS)
def test_every_footnote_url_is_shown_whole(width: int) -> None:
    from kl_cli.present.views import statutes, texts

    for view in (
        texts.sources(KB, "da", None, as_of=AS_OF),
        statutes.statutes(KB, "da", as_of=AS_OF),
        org.view(KB, "da", as_of=AS_OF),
    ):
        urls = [u for b in view.doc if isinstance(b, Notes) for u in b.urls if u]
        drawn = url_lines(to_rich(view.doc, width, color=True, links=True))
        for url in urls:
            assert url in drawn, (view.kind, width, url)


def test_urls_are_hyperlinks_only_in_colour_on_a_terminal() -> None:
    from kl_cli.present.views import texts

    doc = texts.sources(KB, "en", None, as_of=AS_OF).doc
    linked = to_rich(doc, 80, color=True, links=True)
    targets = OSC8.findall(linked)
    assert {t for t in targets if t} == URLS  # every URL a link: to itself, and closed
    assert targets.count("") == len([t for t in targets if t])
    for url in URLS:
        assert re.search(rf"\x1b\]8;id=[0-9]+;{re.escape(url)}\x1b\\{re.escape(url)}", linked)
    assert "\x1b]8" not in to_rich(doc, 80, color=True, links=False)
    assert "\x1b]8" not in to_rich(doc, 80, color=False, links=True)
    # through the CLI: FORCE_COLOR in a pipe colours, but a pipe is no terminal: no links
    piped = run("sources", "-f", "rich", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in piped and "\x1b]8" not in piped


def on_terminal(args: list[str], tmp_path: Path, **env: str) -> str:
    """kl's output on a pseudo-terminal (80 columns), with no pager."""
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [*KL, *args, "--no-pager"],
            env=kl_env(tmp_path, COLUMNS="80", TERM="xterm", **env),
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
        )
        os.close(slave)
        chunks = [drain(master)]
        assert proc.wait(timeout=60) == 0
    finally:
        os.close(master)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_terminal_gets_hyperlinks_and_no_color_gets_none(tmp_path: Path) -> None:
    shown = on_terminal(["sources"], tmp_path)
    assert {t for t in OSC8.findall(shown) if t} == URLS
    assert "\x1b]8" not in on_terminal(["sources", "--no-color"], tmp_path)
    assert "\x1b]8" not in on_terminal(["sources"], tmp_path, NO_COLOR="1")


# Source URLs from an untrusted --data file: only http(s) of visible characters are links.
HOSTILE_URLS = {
    "https://evil.example/\x1b]8;;https://phish.example/\x1b\\click": None,
    "https://evil.example/\x1b[2J\x1b[31mred": None,
    "https://bell.example/\x07x": None,
    "https://space.example/a b": None,
    "https://tab.example/a\tb": None,
    "https://newline.example/a\nb": None,
    "https://bidi.example/\u202eexe.gpj": None,
    "https://zero.example/a\u200bb": None,
    "https://c1.example/\x9b31m": None,
    "javascript:alert(1)": None,
    "file:///etc/passwd": None,
    "ftp://files.example/x": None,
    "https://": None,
    "HTTPS://UPPER.EXAMPLE/Path?q=1&r=2#f": "HTTPS://UPPER.EXAMPLE/Path?q=1&r=2#f",
    "https://dansk.example/æbleskiver-på-ø": "https://dansk.example/%C3%A6bleskiver-p%C3%A5-%C3%B8",
    "http://semi.example/a;b=c": "http://semi.example/a;b=c",
}


def test_link_targets_are_http_urls_of_visible_characters_only() -> None:
    for url, target in HOSTILE_URLS.items():
        assert link_target(url) == target, repr(url)


def test_hostile_source_urls_never_make_an_escape_sequence_of_their_own(tmp_path: Path) -> None:
    data = kb_data()
    for source, url in zip(data["sources"], HOSTILE_URLS, strict=False):
        source["url"] = url
    path = write_kb(tmp_path / "hostile.yaml", data)
    for args in (["sources"], ["bodies"], ["bodies", "kkr"], ["org"], ["about"]):
        out = on_terminal(["--data", str(path), *args], tmp_path)
        targets = OSC8.findall(out)
        allowed = {t for t in HOSTILE_URLS.values() if t} | URLS | {""}
        assert set(targets) <= allowed, (args, set(targets) - allowed)
        left = visible(out)
        assert "\x1b" not in left and "\x07" not in left and "\x9b" not in left, args
        assert not any(0x80 <= ord(c) < 0xA0 or c in "\u202e\u200b" for c in left), args
    listed = visible(on_terminal(["--data", str(path), "sources"], tmp_path))
    assert "https://evil.example/\\x1b]8;;https://phish.example/\\x1b\\click" in listed
    assert "https://newline.example/a\\nb" in listed  # one line, the newline shown


@pytest.mark.parametrize("width", ["30", "80"])
def test_text_like_the_url_mark_is_shown_as_text(tmp_path: Path, width: str) -> None:
    """render.py marks where a URL goes with a private-use character; text that is one (or
    holds one) is escaped as any such character is, and every URL stays under its own row."""
    data = kb_data()
    for source in data["sources"]:
        source["title"] = {"da": "\ue000", "en": "a\ue000b"}
    path = write_kb(tmp_path / "marks.yaml", data)
    out = run("--data", str(path), "sources", "-f", "rich", env={"COLUMNS": width}).stdout
    assert "\ue000" not in out and out.count("\\ue000") == len(data["sources"])
    lines = [line.strip() for line in out.splitlines()]
    for source in data["sources"]:  # each row: its id and title, then its URL if it has one
        if len(source["id"]) > int(width) - 4:
            continue  # an id wider than the screen is folded like any long word
        at = next(i for i, line in enumerate(lines) if line.split()[:1] == [source["id"]])
        row = " ".join(lines[at : at + 2]).split()
        assert row[:2] == [source["id"], "\\ue000"], row
        if "url" in source:
            assert lines[at + (2 if width == "30" else 1)] == source["url"]
    assert set(url_lines(out)) == URLS


# --- footnote markers --------------------------------------------------------------------------


def markers_and_footnotes(out: str) -> tuple[list[list[int]], set[int]]:
    """The markers before the footnote list, and the footnote numbers listed."""
    lines = visible(out).splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line in ("Kilder", "Sources") and i > 1),
        len(lines),
    )
    body, notes = "\n".join(lines[:start]), lines[start + 1 :]
    markers = [[int(n) for n in m.split(",")] for m in MARKER.findall(body)]
    listed = {int(m.group(1)) for line in notes if (m := re.match(r"\[([0-9]+)\] ", line))}
    return markers, listed


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("args", ALL, ids=lambda a: " ".join(a) or "(none)")
def test_every_listed_source_is_marked_and_markers_are_sorted(args: list[str], lang: str) -> None:
    for width in ("80", "40"):
        out = run(*args, "-f", "rich", "--lang", lang, env={"COLUMNS": width}).stdout
        markers, listed = markers_and_footnotes(out)
        for marker in markers:
            assert marker == sorted(set(marker)), (args, marker)
        cited = {n for marker in markers for n in marker}
        assert listed <= cited, (args, width, sorted(listed - cited))
        assert cited <= listed, (args, width, sorted(cited - listed))


def test_each_table_row_that_cites_a_source_carries_its_marker() -> None:
    out = visible(run("bodies", "-f", "rich").stdout)
    rows = out.split("────\n", 1)[1].split("\n\nKilder", 1)[0]
    firsts = [line for line in rows.splitlines() if not line.startswith(" ")]
    assert [line.split()[0] for line in firsts] == [b.id for b in KB.bodies]
    entries = re.split(r"\n(?=\S)", rows)
    assert all(MARKER.search(entry) for entry in entries), entries
    values = visible(run("values", "-f", "rich").stdout).splitlines()
    assert [line for line in values if line.startswith(tuple(v.id for v in KB.values))] == [
        line for line in values if re.match(r"\S+ +[0-9] .*\[1\]$", line)
    ]
    units = visible(run("bodies", "kkr", "-f", "rich").stdout)
    kkr = next(b for b in KB.bodies if b.id == "kkr")
    for unit in kkr.units:
        shown = rf"^{unit.id} .* {unit.municipalities} (\([^)]*\) )?\[[0-9,]+\]$"  # (its period)
        assert re.search(shown, units, re.M)


# --- what a narrow terminal leaves out ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "width", "line"),
    [
        ("da", 40, "Smal terminal: § og kilder udeladt"),
        ("da", 50, "Smal terminal: § og kilder udeladt; se -f json"),
        ("en", 40, "Narrow terminal: § and sources left out"),
        ("en", 60, "Narrow terminal: § and sources left out; see -f json"),
    ],
)
def test_a_narrow_chart_says_what_it_leaves_out(lang: str, width: int, line: str) -> None:
    out = run("org", "-f", "rich", "--lang", lang, env={"COLUMNS": str(width)}).stdout
    lines = out.splitlines()
    assert lines[1] == line and len(line) <= width
    assert sum("udeladt" in x or "left out" in x for x in lines) == 1  # one line
    assert "§ 6" not in out and "Kilder" not in lines and "Sources" not in lines
    env = {"COLUMNS": str(width), "FORCE_COLOR": "1"}
    coloured = run("org", "-f", "rich", "--lang", lang, env=env).stdout
    assert f"\x1b[2m{line}\x1b[0m" in coloured  # dim


def test_a_chart_that_fits_says_nothing_of_the_kind() -> None:
    for width in ("80", "120"):
        out = run("org", "-f", "rich", env={"COLUMNS": width}).stdout
        assert "Smal terminal" not in out and "§ 6 stk. 2" in out and "\nKilder\n" in out
    for fmt in ("plain", "markdown", "json"):
        assert "Smal terminal" not in run("org", "-f", fmt, env={"COLUMNS": "40"}).stdout


def chain_kb(depth: int) -> KnowledgeBase:
    """The bundled KB with a chain of `depth` bodies under the bestyrelse, each setting up the
    next (a chart deeper than a narrow terminal can draw)."""
    bodies = [
        Body(f"c{i}", Text(f"Led {i}", f"Link {i}"), Fact(Text("R.", "R."), ("seed",)))
        for i in range(depth)
    ]
    edges = [
        Edge("bestyrelse" if i == 0 else f"c{i - 1}", "sets_up", f"c{i}", ("seed",))
        for i in range(depth)
    ]
    return KnowledgeBase(
        *(
            {"bodies": (*KB.bodies, *bodies), "relations": (*KB.relations, *edges)}.get(
                name, getattr(KB, name)
            )
            for name in KB.__fields__
        )
    )


def test_levels_too_deep_for_the_width_are_said_to_be_left_out() -> None:
    kb = chain_kb(14)
    view = org.view(kb, "da", 40, as_of=AS_OF)
    notices = [b.text for b in view.doc if isinstance(b, Notice)]
    assert notices == ["Smalt: §, kilder, dybe niveauer udeladt"]  # the wording that fits
    drawn = render.to_rich(view.doc, 40, color=False)
    assert "Led 6" in drawn and "Led 8" not in drawn  # what the notice speaks of
    assert org.view(kb, "en", 60, as_of=AS_OF).doc[1] == Notice(
        "Narrow terminal: §, sources, deep levels left out"
    )
    wide = org.view(kb, "en", 200, as_of=AS_OF)
    assert not [b for b in wide.doc if isinstance(b, Notice)]
    assert "Link 12" in render.to_rich(wide.doc, 200, color=False)
