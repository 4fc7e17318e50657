"""The hostile corpus shared by tests/test_hostile_*.py, test_plumbing.py and test_fuzz.py.

Generators of hostile input (YAML that expands, text that drives terminals or hides, arguments
too long to echo) and the checks every refusal must pass: the documented exit code, one
`kl: error:` line on stderr, nothing on stdout, no raw control character, and no file created
anywhere (the cache included). The corpus is made in memory; files only at test time.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from tests.conftest import assert_error, kb_data, run

# Terminal-driving or text-hiding characters, by Unicode category (and the blank Hangul fillers);
# none may reach stdout or stderr raw.
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
FILLERS = "\u115f\u1160\u3164\uffa0\u180e"


def raw(text: str) -> str | None:
    """The first character of `text` that must never be printed as it is, or None."""
    for ch in text:
        if ch in FILLERS or unicodedata.category(ch) in ESCAPED_CATEGORIES:
            return ch
    return None


SGR = re.compile("\x1b\\[[0-9;]*m")  # Rich's own colour codes, when colour is on


def everything_under(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*")}


def assert_refused(
    args: list[str], code: int, message: str, corpus: Path, cache: Path, **kw: Any
) -> str:
    """Run kl: it must refuse with one stderr line and leave corpus and cache as they were."""
    before = everything_under(corpus, cache)
    result = run(*args, **kw)
    assert_error(result, code, message)
    assert everything_under(corpus, cache) == before, "a refused input created a file"
    assert raw(result.stderr.rstrip("\n")) is None, result.stderr
    return result.stderr


def sources(count: int, template: str) -> str:
    """`count` source entries in YAML, `template` formatted with i = 0, 1, ..."""
    return "".join(template.format(i=i) for i in range(count))


# --- generated corpus (tests/test_hostile_yaml.py checks that each is what it claims) ----------

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
)

HOSTILE = {
    "markup": "[bold red]loud[/bold red] [/] [link=https://evil.example]click[/link] [/not]",
    "emoji": ":thumbs_up: :smile: :red_circle:",
    "ansi": "before\x1b[2J\x1b[Hafter\x1b[31mred\x1b[0m",
    "osc": "\x1b]0;window title\x07\x1b]52;c;ZXZpbA==\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "c1": "csi\x9b31m nel\x85 osc\x9d0;t\x9c",
    "bidi": "abc\u202edcba\u202c \u2066iso\u2069 \u200fmark",
    "zero-width": "zero\u200bwidth\u200c\u200d\u2060joiner\ufeffbom",
    "controls": "bell\x07 back\x08space null\x00 del\x7f cr\r tab\tend",
    # Unicode tag characters ("ASCII smuggling": text a model reads and a person cannot see)
    "tags": "visible\U000e0069\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065\U000e007f text",
    "invisible": "soft\xadhyphen anno\ufff9tated\ufffa\ufffb private\ue000\U000f0001"
    " unassigned\u0378\U000e0080 fillers\u3164\u115f\u1160\uffa0\u180e end",
}
LONG_TITLE = "Lang titel " + "x" * 9_989  # 10,000 characters


def hostile_kb() -> dict[str, Any]:
    """The bundled knowledge base with HOSTILE's texts (and LONG_TITLE) in every kind of field."""
    data = kb_data()
    body = data["bodies"][0]
    body["name"] = {"da": HOSTILE["markup"] + " " + HOSTILE["emoji"], "en": HOSTILE["ansi"]}
    body["role"]["text"] = {"da": HOSTILE["osc"], "en": HOSTILE["c1"]}
    data["values"][0]["title"] = {"da": LONG_TITLE, "en": HOSTILE["bidi"]}
    data["values"][1]["title"] = {"da": HOSTILE["tags"], "en": HOSTILE["invisible"]}
    data["about"]["mission"]["text"] = {"da": HOSTILE["zero-width"], "en": HOSTILE["controls"]}
    data["sources"][0]["title"] = {"da": HOSTILE["osc"], "en": HOSTILE["markup"]}
    data["kb_version"] = "1.0\x1b]0;pwned\x07"
    return data


HUGE = "9" * 5_000  # int() refuses over 4,300 digits
LONG = "x" * 120_000
