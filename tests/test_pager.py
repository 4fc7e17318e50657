"""The pager: rich output to a terminal that is longer than the screen goes through it, as git
and gh page (KL_PAGER, then PAGER, then `less -FRX`); nothing else ever does.

kl runs on a pseudo-terminal of a set size, its pager a fake that records its arguments, its
environment's LESS and what it reads; one test pages through the real less in tmux.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_completion_shells import Terminal, missing, need
from tests.test_plumbing import KL, kl_env

FAKE = """#!{python}
import json, os, sys
data = sys.stdin.buffer.read()
with open({record!r}, "a") as f:
    f.write(json.dumps({{"name": os.path.basename(sys.argv[0]), "argv": sys.argv[1:],
                        "less": os.environ.get("LESS"), "stdin": data.decode()}}) + "\\n")
sys.stdout.write("PAGED\\n")
"""
LINK_ID = re.compile(r"\x1b\]8;id=[0-9]+;")


class Pagers:
    """Fake pagers in a directory put first on PATH (as `pager`, `less`, `cat`), and what
    each run recorded."""

    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.record = root / "runs.jsonl"
        for name in ("pager", "less", "cat"):
            path = self.bin / name
            path.write_text(FAKE.format(python=sys.executable, record=str(self.record)))
            path.chmod(0o755)
        self.root = root

    def runs(self) -> list[dict[str, object]]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines()]

    def env(self, **extra: str) -> dict[str, str]:
        env = kl_env(self.root, COLUMNS="80", TERM="xterm", **extra)
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return env


@pytest.fixture
def pagers(tmp_path: Path) -> Pagers:
    return Pagers(tmp_path)


def on_terminal(args: list[str], env: dict[str, str], rows: int = 10) -> tuple[int, str, str]:
    """kl on a pseudo-terminal of `rows` lines and 80 columns: exit code, screen and stderr."""
    import pty

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 80, 0, 0))
    try:
        proc = subprocess.Popen(
            [*KL, *args], env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.stderr is not None
        stderr = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    finally:
        os.close(master)
    return code, b"".join(chunks).decode().replace("\r\n", "\n"), stderr


def test_long_rich_output_on_a_terminal_goes_through_the_pager(pagers: Pagers) -> None:
    code, screen, stderr = on_terminal(["bodies"], pagers.env(KL_PAGER="pager"))
    assert (code, stderr, screen) == (0, "", "PAGED\n")
    [paged] = pagers.runs()
    assert paged["name"] == "pager" and paged["argv"] == [] and paged["less"] == "FRX"
    code, direct, _ = on_terminal(["bodies", "--no-pager"], pagers.env(KL_PAGER="pager"))
    assert code == 0 and len(pagers.runs()) == 1
    assert "\x1b[" in direct and "\x1b]8;" in direct  # colours and links, as on the terminal
    assert LINK_ID.sub("", str(paged["stdin"])) == LINK_ID.sub("", direct)


def test_the_pager_is_kl_pager_then_pager_then_less_frx(pagers: Pagers) -> None:
    on_terminal(["bodies"], pagers.env(KL_PAGER="pager --kl 'two words' $HOME", PAGER="less"))
    on_terminal(["bodies"], pagers.env(PAGER="pager -p"))
    on_terminal(["sources"], pagers.env())
    on_terminal(["sources"], pagers.env(LESS="-S"))
    runs = pagers.runs()
    assert [(r["name"], r["argv"]) for r in runs] == [
        ("pager", ["--kl", "two words", "$HOME"]),  # split as a shell would, run by none
        ("pager", ["-p"]),
        ("less", ["-FRX"]),
        ("less", ["-FRX"]),
    ]
    assert [r["less"] for r in runs] == ["FRX", "FRX", "FRX", "-S"]  # a LESS of one's own stays


@pytest.mark.parametrize(
    "args",
    [
        ["--no-pager", "bodies"],
        ["bodies", "--no-pager"],
        ["bodies", "-f", "plain"],
        ["bodies", "--json"],
        ["bodies", "-f", "yaml"],
        ["bodies", "-f", "markdown"],
        ["export"],
        ["org", "-f", "mermaid"],
        ["--help"],
    ],
    ids=" ".join,
)
def test_never_pages_what_is_not_rich_or_is_asked_not_to(pagers: Pagers, args: list[str]) -> None:
    code, screen, stderr = on_terminal(args, pagers.env(KL_PAGER="pager"))
    assert (code, stderr) == (0, "") and "PAGED" not in screen and len(screen) > 200
    assert pagers.runs() == []


def test_output_that_fits_the_screen_is_not_paged(pagers: Pagers) -> None:
    code, screen, _ = on_terminal(["values"], pagers.env(KL_PAGER="pager"), rows=40)
    assert code == 0 and "PAGED" not in screen and "dagsordenen" in screen
    code, screen, _ = on_terminal(["bodies"], pagers.env(KL_PAGER="pager"), rows=500)
    assert code == 0 and "PAGED" not in screen and pagers.runs() == []
    # one line too many for the screen (its last row is the prompt's): paged
    lines = len(on_terminal(["values", "--no-pager"], pagers.env(), rows=40)[1].splitlines())
    on_terminal(["values"], pagers.env(KL_PAGER="pager"), rows=lines)
    assert len(pagers.runs()) == 1
    on_terminal(["values"], pagers.env(KL_PAGER="pager"), rows=lines + 1)
    assert len(pagers.runs()) == 1


def test_a_pipe_never_pages(pagers: Pagers) -> None:
    for extra in ({}, {"FORCE_COLOR": "1"}):
        done = subprocess.run(
            [*KL, "bodies", "-f", "rich"],
            env=pagers.env(KL_PAGER="pager", PAGER="pager", **extra),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
        )
        assert (done.returncode, done.stderr) == (0, b"")
        assert b"Delegeretm\xc3\xb8de" in done.stdout and b"PAGED" not in done.stdout
    assert pagers.runs() == []


@pytest.mark.parametrize(
    "settings",
    [{"KL_PAGER": "", "PAGER": "pager"}, {"PAGER": ""}, {"KL_PAGER": "cat"}, {"PAGER": " cat "}],
    ids=["KL_PAGER empty", "PAGER empty", "KL_PAGER cat", "PAGER cat"],
)
def test_an_empty_pager_or_cat_means_none(pagers: Pagers, settings: dict[str, str]) -> None:
    code, screen, stderr = on_terminal(["bodies"], pagers.env(**settings))
    assert (code, stderr) == (0, "") and "Delegeretmøde" in screen and "PAGED" not in screen
    assert pagers.runs() == []  # not even the `cat` on PATH


@pytest.mark.parametrize(
    "pager",
    ["/nonexistent/pager", "pager; touch pwned", "pager 'unclosed", "$(touch pwned)", ".", "  "],
)
def test_a_pager_that_cannot_be_started_prints_directly(pagers: Pagers, pager: str) -> None:
    code, screen, stderr = on_terminal(["bodies"], pagers.env(KL_PAGER=pager))
    assert (code, stderr) == (0, "")  # no traceback, no message: the output is all there
    assert "Delegeretmøde" in screen and re.search(r"\[\d+\] Om KKR \(kl\.dk\)", screen)
    assert pagers.runs() == [] and not list(pagers.root.rglob("pwned"))
    assert not (Path.cwd() / "pwned").exists()


def test_ctrl_c_is_left_to_the_pager(pagers: Pagers) -> None:
    """kl waits for its pager as git does: a Ctrl-C (SIGINT to the terminal's foreground
    group) does not end kl while the pager still holds the terminal."""
    slow = pagers.bin / "slow"
    started = pagers.root / "started"
    slow.write_text(
        f"#!{sys.executable}\nimport signal, sys, time\nsignal.signal(signal.SIGINT, "
        f"signal.SIG_IGN)\nsys.stdin.buffer.read()\nopen({str(started)!r}, 'w').close()\n"
        "time.sleep(1)\nprint('PAGER DONE')\n"
    )
    slow.chmod(0o755)
    import pty

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 80, 0, 0))
    proc = subprocess.Popen(
        [*KL, "bodies"],
        env=pagers.env(KL_PAGER="slow"),
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert started.exists()
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
        code = proc.wait(timeout=20)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(master)
    assert proc.stderr is not None
    assert (code, proc.stderr.read()) == (0, b"")
    assert b"PAGER DONE" in out  # kl outlived it


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """An interactive sh in a tmux pane of 80 by 15, the installed kl on its PATH."""
    kl = shutil.which("kl", path=str(Path(sys.executable).parent)) or shutil.which("kl")
    if kl is None:
        missing("the installed kl script")
    assert kl is not None
    need("less")
    env = kl_env(tmp_path, TERM="xterm")
    env.pop("PAGER", None)
    env["PATH"] = f"{Path(kl).parent}{os.pathsep}{env.get('PATH', '')}"
    socket_dir = Path(tempfile.mkdtemp(prefix="kl-pager-"))  # a socket path must stay short
    term = Terminal(socket_dir / "s", env, tmp_path, ["sh", "-c", "PS1='READY> ' exec sh -i"])
    try:
        term.run("resize-window", "-x", "80", "-y", "15")
        yield term
    finally:
        term.close()
        shutil.rmtree(socket_dir, ignore_errors=True)


def test_the_real_less_pages_on_a_real_terminal(terminal: Terminal) -> None:
    terminal.wait("the prompt", lambda s: any("READY>" in x for x in s))
    terminal.type("kl bodies; echo EXIT-$?")
    terminal.press("Enter")
    screen = terminal.wait("less's first page", lambda s: any("Politiske organer" in x for x in s))
    assert not any("EXIT-" in line for line in screen)  # less waits for a key
    assert not any("[12] Om KKR" in line for line in screen)
    terminal.press("G")  # to the end: the last footnote, its URL on a line of its own
    terminal.wait("the end", lambda s: "    https://www.kl.dk/politik/kkr/om-kkr" in s)
    terminal.press("q")
    terminal.wait("kl to end", lambda s: any("EXIT-0" in x for x in s))
    # a marker of its own: the first command's EXIT-0 is still on the screen until clear runs
    terminal.type("clear; kl values; echo VALUES-$?")
    terminal.press("Enter")
    shown = terminal.wait("short output, not paged", lambda s: any("VALUES-0" in x for x in s))
    assert any("Organisationsværdier" in line for line in shown)
