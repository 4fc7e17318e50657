"""The installed `kl` and its streams: a closed stderr, Ctrl-C during start-up, odd encodings.

These run the console script itself (what users run, beside this interpreter), as subprocesses.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

KL = Path(sys.executable).with_name("kl")
pytestmark = pytest.mark.skipif(
    not KL.is_file(), reason=f"kl is not installed beside {sys.executable}"
)


def env(tmp: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KL_", "PYTHON", "LC_"))}
    clean.update(HOME=str(tmp), XDG_CACHE_HOME=str(tmp), LANG="C.UTF-8", COLUMNS="80")
    return {**clean, **extra}


# --- stderr closed -----------------------------------------------------------------------------


def _stderr_closed(tmp: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["/bin/sh", "-c", 'exec "$@" 2>&-', "sh", str(KL), *args],
        env=env(tmp), stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip


USAGE_ERRORS = [["nosuch"], ["--lang", "xx", "values"], ["statutes", "amendment", "--delegates",
                "x"], ["search"], ["search", "\u0301"], ["values", "1", "2"]]  # fmt: skip


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_error_with_stderr_closed_is_2_and_stdout_stays_clean(
    args: list[str], tmp_path: Path
) -> None:
    done = _stderr_closed(tmp_path, *args)
    assert (done.returncode, done.stdout) == (2, b"")
    # and with stderr gone (fd 2 is /dev/null now), output and other errors are as usual
    done = _stderr_closed(tmp_path, "values", "-f", "plain")
    assert done.returncode == 0 and done.stdout.startswith(b"dagsordenen\t1\t")
    assert _stderr_closed(tmp_path, "bodies", "nosuch").returncode == 1


# --- Ctrl-C during start-up --------------------------------------------------------------------


def _spawn(tmp: Path) -> subprocess.Popen[bytes]:
    """`kl validate -` waiting on a pipe that stays open: it runs until interrupted. Python reports
    each import as it completes (PYTHONPROFILEIMPORTTIME), so the test can see how far it got."""
    return subprocess.Popen(
        [str(KL), "validate", "-"], env=env(tmp, PYTHONPROFILEIMPORTTIME="1"),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _interrupt(proc: subprocess.Popen[bytes], early: bytes = b"") -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out == b""
    return proc.returncode, (early + err).decode("utf-8", "replace")


def _reports(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("import time:")]


def _imported(err: str, module: str) -> bool:
    return any(line.endswith(" " + module) for line in err.splitlines())


@pytest.mark.parametrize("delay_ms", [0, 1, 3, 6, 10, 15])
def test_ctrl_c_while_typer_is_imported_is_130_without_traceback(
    delay_ms: int, tmp_path: Path
) -> None:
    proc = _spawn(tmp_path)
    assert proc.stderr is not None
    early = b""
    while b"typer" not in early:  # the first module of Typer's has been imported, not Typer
        chunk = os.read(proc.stderr.fileno(), 65536)
        assert chunk, early.decode()
        early += chunk
    assert not _imported(early.decode(), "typer")
    time.sleep(delay_ms / 1000)
    code, err = _interrupt(proc, early)
    assert code == 130, err
    assert _reports(err) == [], err  # no traceback, nothing at all but Python's import report


def _failed_before_kl(err: str) -> bool:
    """An interrupt that ended Python while it was still importing kl_cli.__main__ (finding or
    opening the file; Python reports the import even then): a traceback none of whose frames is
    kl's own code."""
    if "Traceback" not in err:
        return False
    frames = [line for line in err.splitlines() if line.strip().startswith('File "')]
    return not any("kl_cli" in frame for frame in frames)


def test_ctrl_c_at_any_moment_of_start_up(tmp_path: Path) -> None:
    """SIGINT 0 to 60 ms (and a little more) after spawning: once kl_cli/__main__.py is imported
    and main() sets its handler, always 130 and no traceback.

    Before that Python itself is starting (the interpreter, site, the console script's own
    `import re`): an interrupt there ends the way Python ends it, before any code of kl's ran.
    """
    reached = []
    for delay_ms in [*range(0, 61, 5), 80, 120, 200]:
        proc = _spawn(tmp_path)
        time.sleep(delay_ms / 1000)
        code, err = _interrupt(proc)
        if _imported(err, "kl_cli.__main__") and not _failed_before_kl(err):
            reached.append(delay_ms)
            assert code == 130, (delay_ms, err)
            assert _reports(err) == [], (delay_ms, err)
    assert len(reached) >= 5, "too few interrupts landed after kl started to prove anything"


# --- encodings ---------------------------------------------------------------------------------


def test_errors_reach_stderr_as_ascii_under_an_encoding_without_escapes(tmp_path: Path) -> None:
    # The idna codec refuses any error handler but 'strict', so backslashreplace raises.
    def idna(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [str(KL), *args], env=env(tmp_path, PYTHONIOENCODING="idna"), capture_output=True,
            stdin=subprocess.DEVNULL, timeout=60,
        )  # fmt: skip

    done = idna("bodies", "æøå")
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr.startswith(b"kl: error: no body '\\xe6\\xf8\\xe5'; choose one of: ")
    assert done.stderr.count(b"\n") == 1 and done.stderr.isascii()
    done = idna("æøå")
    assert (done.returncode, done.stdout) == (2, b"")
    assert b"Error: No such command '\\xe6\\xf8\\xe5'." in done.stderr and done.stderr.isascii()
    done = idna("statutes", "amendment", "--delegates", "²")
    assert (done.returncode, done.stdout) == (2, b"") and done.stderr.isascii()
    assert b"'\\xb2' is not a whole number (use the digits 0-9)" in done.stderr
    done = idna("values", "-f", "plain")
    assert (done.returncode, done.stderr) == (0, b"")
    assert b"Vi s\\xf8ger proaktivt" in done.stdout and done.stdout.isascii()
