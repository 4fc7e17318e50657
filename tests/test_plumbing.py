"""Plumbing, with kl as a real process: pipes whose reader is gone, a full disk, a closed stdout,
a FIFO, Ctrl-C, narrow encodings, any COLUMNS, colour switches, and crashes as the last line of
defence.
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BUNDLED, ROOT, assert_error, drain, kb_text, run, widest_line
from tests.hostile import HUGE, SGR, sources

# --- plumbing: pipes, full disks, closed streams, signals, encodings, widths ----------------------


def kl_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KL_DATA", "KL_LANG", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")
        and not k.startswith(("PYTHONIO", "LC_"))
    }
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp), HOME=str(tmp), PYTHONUTF8="0")
    env.update(extra)
    return env


KL = [sys.executable, "-m", "kl_cli"]
PLUMBING_COMMANDS = [["values"], ["export"], ["--help"], ["--version"], ["validate"],
                     ["bodies", "-f", "rich"], ["export", "-f", "json"]]  # fmt: skip


def _popen_run(
    args: list[str], env: dict[str, str], **kw: Any
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(KL + args, env=env, stderr=subprocess.PIPE, timeout=60, **kw)


@pytest.mark.parametrize("args", PLUMBING_COMMANDS, ids=" ".join)
def test_reader_gone_before_writing_is_a_silent_success(args: list[str], tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # `kl ... | true`: nobody will ever read
    try:
        done = _popen_run(args, kl_env(tmp_path), stdout=write, stdin=subprocess.DEVNULL)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, b"")


def test_reader_closing_after_one_line_is_a_silent_success(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    entries = sources(5_000, "- id: extra-{i}\n  title: {{da: Kilde {i}, en: Source {i}}}\n")
    big.write_text(kb_text().replace("sources:\n", "sources:\n" + entries, 1), encoding="utf-8")
    for args in (["--data", str(big), "export"], ["--data", str(big), "sources", "-f", "plain"]):
        proc = subprocess.Popen(
            KL + args, env=kl_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()  # `kl ... | head -1`
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0 and err == b""
        assert first.strip()


@pytest.mark.parametrize("args", PLUMBING_COMMANDS, ids=" ".join)
def test_full_disk_is_74_with_one_line(args: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _popen_run(args, kl_env(tmp_path), stdout=full, stdin=subprocess.DEVNULL)
    assert done.returncode == 74
    assert done.stderr == b"kl: error: cannot write output: No space left on device\n"


@pytest.mark.parametrize("args", PLUMBING_COMMANDS, ids=" ".join)
def test_closed_stdout_is_74_without_traceback(args: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        ["/bin/sh", "-c", 'exec "$@" >&-', "sh", *KL, *args],
        env=kl_env(tmp_path), stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    assert done.returncode == 74
    assert done.stderr == b"kl: error: cannot write output: standard output is closed\n"


def test_fifo_as_data_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # nobody will ever open it for writing
    for args in (["--data", str(fifo), "values"], ["validate", str(fifo)]):
        done = _popen_run(args, kl_env(tmp_path), stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert done.returncode == 66
        line = f"{fifo}: not a regular file"
        assert line in (done.stderr + done.stdout).decode()
        assert b"Traceback" not in done.stderr


def _blocked_reading_stdin(pid: int) -> bool:
    """Whether the process sits in read(0, ...), per /proc/PID/syscall."""
    number = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        pytest.skip("cannot inspect /proc/PID/syscall here")
    if number is None:
        pytest.skip(f"read's system-call number unknown on {platform.machine()}")
    return len(fields) > 1 and fields[0] == number and int(fields[1], 16) == 0


@pytest.mark.parametrize("source", ["pipe", "fifo"])
def test_ctrl_c_while_waiting_for_input_is_130(source: str, tmp_path: Path) -> None:
    if source == "fifo":
        fifo = tmp_path / "in.fifo"
        os.mkfifo(fifo)
        stdin: Any = os.open(fifo, os.O_RDWR)  # a writer exists, so reads block, never EOF
    else:
        stdin = subprocess.PIPE
    proc = subprocess.Popen(
        KL + ["validate", "-"], env=kl_env(tmp_path), stdin=stdin, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(6000):  # wait (at most a minute) until kl blocks reading its input
            if _blocked_reading_stdin(proc.pid) or proc.poll() is not None:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "kl ended before reading its input"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        if source == "fifo":
            os.close(stdin)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and out == b""


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "cp1252"}, {"LC_ALL": "C"},
     {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"}],
    ids=["ascii", "cp1252", "C-locale", "C-locale-ascii"],
)  # fmt: skip
def test_narrow_encodings_degrade_to_escapes(env: dict[str, str], tmp_path: Path) -> None:
    environment = kl_env(tmp_path, **env)
    for args in (["values"], ["bodies", "bestyrelse"], ["values", "-f", "rich"], ["export"]):
        done = _popen_run(args, environment, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert (done.returncode, done.stderr) == (0, b""), done.stderr
        text = done.stdout.decode(env.get("PYTHONIOENCODING", "utf-8"))
        if env.get("PYTHONIOENCODING") == "ascii":  # æ, ø, å as visible escapes
            assert re.search(r"\\x(e6|f8|e5)", text, re.IGNORECASE), text[:200]
        else:  # cp1252 has them; a C locale may give UTF-8 (PEP 538) or ASCII with escapes
            assert re.search(r"[æøå]|\\x(e6|f8|e5)", text, re.IGNORECASE), text[:200]
    # YAML, like JSON, escapes in its own syntax: the export reads back as the same data
    done = _popen_run(["export"], environment, stdout=subprocess.PIPE)
    assert yaml.safe_load(done.stdout) == BUNDLED
    done = _popen_run(["values", "-f", "yaml"], environment, stdout=subprocess.PIPE)
    assert yaml.safe_load(done.stdout)["values"][0]["title"] == BUNDLED["values"][0]["title"]["da"]
    done = _popen_run(["values", "--json"], environment, stdout=subprocess.PIPE)
    assert json.loads(done.stdout)["values"][0]["title"] == BUNDLED["values"][0]["title"]["da"]
    done = _popen_run(["bodies", "æøå"], environment, stdout=subprocess.PIPE)
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and done.stderr.startswith(b"kl: error: no body")


@pytest.mark.parametrize("columns", ["²", "١٠٠", HUGE, "1" * 7])
def test_any_columns_value_is_no_crash(columns: str) -> None:
    result = run("bodies", "-f", "rich", env={"COLUMNS": columns, "LINES": columns})
    assert (result.exit_code, result.stderr) == (0, "")
    assert widest_line(result.stdout) <= 80


def _words(plain: str) -> set[str]:
    return {w for w in re.split(r"[\s]+", plain) if 0 < len(w) <= 16}


@pytest.mark.parametrize("columns", ["0", "1", "10", "-5", "abc", ""])
def test_any_columns_value_shows_all_data_in_a_pipe(columns: str) -> None:
    expected = _words(run("bodies", "-f", "plain").stdout)
    for fmt in ("plain", "rich"):
        result = run("bodies", "-f", fmt, env={"COLUMNS": columns})
        assert result.exit_code == 0, result.stderr
        shown = result.stdout
        missing = {w for w in expected if w not in shown}
        assert not missing, (fmt, sorted(missing)[:10])


@pytest.mark.parametrize("columns", ["0", "1", "10", "-5", "abc"])
def test_any_columns_value_shows_all_data_on_a_terminal(columns: str, tmp_path: Path) -> None:
    import pty

    expected = _words(run("bodies", "-f", "plain").stdout)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            KL + ["bodies", "--no-pager"], env=kl_env(tmp_path, COLUMNS=columns, TERM="xterm"),
            stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE,
        )  # fmt: skip
        os.close(slave)
        chunks = [drain(master)]
        assert proc.wait(timeout=60) == 0
    finally:
        os.close(master)
    shown = SGR.sub("", b"".join(chunks).decode().replace("\r\n", "\n"))
    assert "\x1b[" in b"".join(chunks).decode(), "rich with colour on a terminal"
    assert not {w for w in expected if w not in shown}


@pytest.mark.parametrize("args", [["--json"], ["-f", "plain"], ["-f", "yaml"], ["-f", "markdown"]])
@pytest.mark.parametrize("command", [[], ["values"], ["bodies", "kkr"], ["sources"]])
def test_force_color_never_colours_script_formats(args: list[str], command: list[str]) -> None:
    result = run(*command, *args, env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout


def test_force_color_never_colours_export() -> None:
    for fmt in ("yaml", "json"):
        assert "\x1b" not in run("export", "-f", fmt, env={"FORCE_COLOR": "1"}).stdout


def test_no_color_and_dumb_terminal_are_honoured() -> None:
    assert "\x1b[" in run("values", "-f", "rich", env={"FORCE_COLOR": "1"}).stdout
    for env in ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, {"FORCE_COLOR": "1", "TERM": "dumb"}):
        assert "\x1b" not in run("values", "-f", "rich", env=env).stdout
    assert "\x1b" not in run("values", "-f", "rich", "--no-color", env={"FORCE_COLOR": "1"}).stdout


# --- the last line of defence ---------------------------------------------------------------------


def test_crash_inside_a_command_is_one_line_70_without_locals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        password = "hunter2"  # a local variable: a traceback with locals would show it
        raise RuntimeError("boom\nsecond line " + "x" * 1000 + " " * len(password))

    from kl_cli.present.views import values as value_views

    monkeypatch.setattr(value_views, "values", broken)
    result = run("values")
    assert_error(result, 70, "kl: error: internal error: RuntimeError: boom\\nsecond line")
    assert "hunter2" not in result.stderr and len(result.stderr) < 400


def test_crash_outside_any_command_is_one_line_70(tmp_path: Path) -> None:
    code = (
        "import kl_cli.cli.app as cli\n"
        "def broken(*args, **kwargs):\n"
        "    password = 'hunter2'\n"
        "    raise ValueError('impossible')\n"
        "cli.app = broken\n"
        "cli.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=kl_env(tmp_path), capture_output=True, timeout=60
    )
    assert done.returncode == 70
    assert done.stderr == b"kl: error: internal error: ValueError: impossible\n"
    assert done.stdout == b""
