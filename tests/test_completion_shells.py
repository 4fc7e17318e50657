"""Completion in real interactive shells: zsh, bash and fish, driven through tmux.

Each test starts the shell with no start-up files (HOME, ZDOTDIR and the XDG directories in a
temporary folder), loads the script `kl --show-completion SHELL` prints, and presses TAB after
`kl` commands that read a hostile knowledge base: every body name, value title and statute
paragraph title and label carries shell metacharacters and a payload that would create a
`pwned-N` file if any shell ran it. No such file may appear, and the ids still complete.
A shell that is not installed is skipped, except under CI=true, where it is a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kl_cli.core.record import to_data
from kl_cli.present import formats
from kl_cli.store.load import load_bundled

STEP_TIMEOUT = 4.0  # seconds for one key press to show its effect (it takes ~0.1 s)

# Each payload, with `touch M` made `touch pwned-N`, is appended to one text of the
# knowledge base. Quoting of every level the shells apply (zsh evaluates completion output
# twice: `eval $(kl ...)`, then `_arguments` evals the list; bash word-splits and globs it;
# fish runs `(kl ...)`), the exact attack of issue 9 (a backslash before the closing quote),
# command substitution in sh and fish syntax, process substitution, command separators,
# newlines, colons (zsh's value:description separator), prompt escapes, globs and controls.
PAYLOADS = [
    '\\" <(touch M) \\',
    "$(touch M)",
    "`touch M`",
    '"; touch M; : "',
    "'; touch M; : '",
    "'\\''$(touch M)'\\''",
    '\\"; touch M; : \\',
    "<(touch M) >(touch M) =(touch M)",
    "(touch M)",
    "& touch M &",
    "| touch M ||",
    "&& touch M",
    "\ntouch M\n",
    "\ttouch M\t",
    "${(e):-$(touch M)}",
    "\\$(touch M)",
    "\\\\`touch M`",
    "))' ; touch M ; '((",
    "\"))'; touch M; '((\"",
    '":"$(touch M)',
    "\\:$(touch M) :: a\\\\:b",
    "{a,b} ~ * ? [x] # ! !! ^ = , %F{red}%B%% $'\\n'touch M",
    "\x1b[31m\x07$(touch M)\x00",
    "$HOME ${HOME} $((1+1)) $[1] !$ $(touch M)\\",
    "\\",
]


@pytest.fixture(scope="module")
def kl_program() -> str:
    """The installed `kl` (beside this Python, else on PATH): what the shells run."""
    found = shutil.which("kl", path=str(Path(sys.executable).parent)) or shutil.which("kl")
    if found is None:
        missing("the installed kl script")
    assert found is not None
    return found


def missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed; CI installs it")
    pytest.skip(f"needs {what}")


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        missing(tool)
    assert path is not None
    return path


def hostile_kb() -> tuple[dict[str, Any], dict[str, str]]:
    """The bundled knowledge base with a payload in each name and title (both languages),
    and the body names by id, as they should show in a completion listing."""
    data = to_data(load_bundled())
    texts: list[tuple[dict[str, Any], str]] = []
    texts += [(body, "name") for body in data["bodies"]]
    texts += [(value, "title") for value in data["values"]]
    for paragraph in data["statutes"]["paragraphs"]:
        texts += [(paragraph, "title"), (paragraph, "label")]
    assert len(texts) >= len(PAYLOADS)
    for n, (entry, key) in enumerate(texts):
        payload = PAYLOADS[n % len(PAYLOADS)].replace("touch M", f"touch pwned-{n}")
        if key == "label":
            entry[key] = f"{entry[key]} {payload}"
        else:
            entry[key] = {lang: f"{entry[key][lang]} {payload}" for lang in ("da", "en")}
    shown = {body["id"]: listed(body["name"]["da"]) for body in data["bodies"]}
    return data, shown


def listed(text: str) -> str:
    """A description as a listing shows it: on one line, control characters escaped."""
    return formats.inert(re.sub(r"\s+", " ", text), single_line=True).rstrip()


class Terminal:
    """A shell in a tmux pane on a private server: type, press keys, read the screen."""

    def __init__(self, socket: Path, env: dict[str, str], cwd: Path, argv: list[str]) -> None:
        self.tmux = [need("tmux"), "-S", str(socket), "-f", os.devnull]
        self.env = env
        self.run("new-session", "-d", "-x", "220", "-y", "80", "-c", str(cwd), "--", *argv)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [*self.tmux, *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    def type(self, text: str) -> None:
        self.run("send-keys", "-l", text)

    def press(self, *keys: str) -> None:
        self.run("send-keys", *keys)

    def screen(self) -> list[str]:
        return [line.rstrip() for line in self.run("capture-pane", "-p", "-J").splitlines()]

    def cursor(self) -> int:
        return int(self.run("display-message", "-p", "#{cursor_x}"))

    def wait(self, what: str, ok: Callable[[list[str]], bool]) -> list[str]:
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            lines = self.screen()
            if ok(lines):
                return lines
            if time.monotonic() > deadline:
                shown = "\n".join(line for line in lines if line)
                raise AssertionError(f"waited {STEP_TIMEOUT} s for {what}; the screen:\n{shown}")
            time.sleep(0.02)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], env=self.env, capture_output=True, timeout=10)


PROMPT = "READY>"


class Session:
    """A shell of one kind, isolated in `root`, with kl's completion loaded."""

    def __init__(self, root: Path, socket: Path, shell: str, kl: str) -> None:
        self.root, self.kl, self.shell = root, kl, shell
        home, work = root / "home", root / "work"
        for d in (home, work, home / "config", home / "data", home / "state", home / "cache"):
            d.mkdir(parents=True, exist_ok=True)
        self.data, self.bodies = hostile_kb()
        (work / "evil.yaml").write_text(formats.to_yaml(self.data), encoding="utf-8")
        bindir = str(Path(kl).parent)
        env = {
            "PATH": os.pathsep.join([bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": str(home),
            "ZDOTDIR": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "KL_DATA": str(work / "evil.yaml"),  # `kl values <TAB>` reads it too
            "TMUX_TMPDIR": str(socket.parent),
        }
        script = home / f"kl.{shell}"
        done = subprocess.run(
            [kl, "--show-completion", shell], env=env, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        script.write_text(done.stdout, encoding="utf-8")
        rc = home / f"rc.{shell}"
        rc.write_text(RC[shell].format(script=script, prompt=PROMPT), encoding="utf-8")
        self.term = Terminal(socket, env, work, ARGV[shell])
        try:
            self.term.wait("the shell to start", lambda lines: any(lines))
            self.term.type(f"source {rc}")
            self.term.press("Enter")
            self.term.wait("the prompt", lambda lines: any(line == PROMPT for line in lines))
            self.clear(screen=True)
        except BaseException:
            self.term.close()
            raise

    def clear(self, screen: bool) -> None:
        """Empty the command line (and the screen, to leave no listing behind)."""
        self.term.press("C-u", *(["C-l"] if screen else []))
        empty_line = len(PROMPT) + 1  # the cursor column of an empty command line
        self.term.wait(
            "an empty command line",
            lambda lines: (
                prompt_line(lines) == ""
                and self.term.cursor() == empty_line
                and (not screen or not any(lines[1:]))
            ),
        )

    def complete(self, line: str, prefix: str, word: str) -> None:
        """Type `line + prefix`, press TAB, wait for `word` (and the space after it)."""
        self.term.type(line + prefix)
        self.term.press("Tab")
        want = line + word
        end = len(f"{PROMPT} {want} ")
        self.term.wait(
            f"{prefix!r} to complete to {word!r}",
            lambda lines: prompt_line(lines) == want and self.term.cursor() == end,
        )
        self.clear(screen=False)

    def offers_nothing(self, line: str) -> None:
        """Type `line`, press TAB, and see that it offers nothing: a key typed after TAB (read
        only once TAB's completion is done) lands after `line`, and nothing is listed."""
        self.term.type(line)
        self.term.press("Tab")
        self.term.type("Q")
        screen = self.term.wait(
            f"TAB after {line!r} to do nothing", lambda lines: prompt_line(lines) == line + "Q"
        )
        assert not any(screen[1:]), screen
        self.clear(screen=True)

    def listing(self, line: str, offered: list[str]) -> list[str]:
        """Type `line`, press TAB, wait until the screen lists every word `offered`."""
        self.term.type(line)
        self.term.press("Tab")

        def ok(lines: list[str]) -> bool:
            words = {w for line in lines[1:] for w in line.split()}
            return set(offered) <= words

        lines = self.term.wait(f"a listing of {offered}", ok)
        self.clear(screen=True)
        return lines[1:]

    def meant(self, line: str) -> dict[str, str]:
        """What kl offers after `line`, value to description, read through fish's protocol
        (lines of `value<TAB>description`, no quoting): what every listing should show."""
        done = subprocess.run(
            [self.kl],
            env=self.term.env
            | {
                "_KL_COMPLETE": "complete_fish",
                "_TYPER_COMPLETE_FISH_ACTION": "get-args",
                "_TYPER_COMPLETE_ARGS": line,
            },
            cwd=self.root / "work",
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        return dict(entry.partition("\t")[::2] for entry in done.stdout.splitlines())

    @contextlib.contextmanager
    def runs_nothing(self) -> Iterator[None]:
        """Checks, even when a step failed, that no payload created its file."""
        try:
            yield
        finally:
            made = sorted(p.name for p in self.root.rglob("pwned*"))
            assert made == [], f"the shell ran payloads of the knowledge base: {made}"


ARGV = {
    "zsh": ["zsh", "-f", "-i"],
    "bash": ["bash", "--norc", "--noprofile", "-i"],
    "fish": ["fish", "--no-config", "-i"],
}

RC = {
    "zsh": """\
autoload -Uz compinit && compinit -D -u
source {script}
PROMPT='{prompt} '
RPROMPT=''
unsetopt beep
""",
    "bash": """\
source {script}
bind 'set show-all-if-ambiguous on'
bind 'set bell-style none'
PS1='{prompt} '
""",
    "fish": """\
source {script}
set -g fish_greeting ''
set -g fish_autosuggestion_enabled 0
function fish_prompt; echo -n '{prompt} '; end
function fish_right_prompt; end
""",
}


@pytest.fixture
def session(request: pytest.FixtureRequest, tmp_path: Path, kl_program: str) -> Iterator[Session]:
    shell = request.param
    need(shell)
    # tmux's socket path must stay short (a Unix socket path has at most ~100 bytes)
    socket_dir = Path(tempfile.mkdtemp(prefix="kl-tmux-"))
    try:
        session = Session(tmp_path, socket_dir / "s", shell, kl_program)
        try:
            yield session
        finally:
            session.term.close()
    finally:
        shutil.rmtree(socket_dir, ignore_errors=True)


def prompt_line(lines: list[str]) -> str:
    return lines[0].removeprefix(PROMPT).strip()


def completions(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(command line, what TAB after it offers) for the bodies, values and paragraphs."""
    values = [v["id"] for v in data["values"]] + [str(v["number"]) for v in data["values"]]
    paragraphs = [p["id"] for p in data["statutes"]["paragraphs"]]
    return [
        ("kl --data evil.yaml bodies ", [b["id"] for b in data["bodies"]]),
        ("kl values ", values),  # through KL_DATA
        ("kl statutes ", ["amendment", "delegates", *paragraphs]),
    ]


def unique_prefix(word: str, offered: list[str]) -> str | None:
    """The shortest start of `word` that no other offered word shares (None: there is none)."""
    for end in range(1, len(word) + 1):
        if not [w for w in offered if w != word and w.startswith(word[:end])]:
            return word[:end]
    return None


def exercise(session: Session) -> dict[str, list[str]]:
    """Press TAB wherever knowledge-base text reaches the shell; return the listings.

    First each body alone (a prefix only it has completes to it, so its name is the only
    payload the shell sees, the exact case of issue 9), a value and a paragraph; then the
    full listings, where all payloads arrive together.
    """
    line, bodies = completions(session.data)[0]
    alone = [(word, unique_prefix(word, bodies)) for word in bodies]
    for word, prefix in alone:
        if prefix is not None:  # not `formand`, a prefix of `formandskab`: see the listing
            session.complete(line, prefix, word)
    assert len([prefix for _, prefix in alone if prefix]) == len(bodies) - 1
    session.complete("kl values ", "dag", "dagsordenen")
    session.complete("kl statutes ", "konti", "kontingent")
    return {line: session.listing(line, offered) for line, offered in completions(session.data)}


@pytest.mark.parametrize("session", ["zsh"], indirect=True)
def test_zsh_runs_nothing_from_the_knowledge_base_and_shows_it_as_written(
    session: Session,
) -> None:
    with session.runs_nothing():
        listings = exercise(session)
    # every description arrives exactly as kl meant it: every quoting level undone, no more
    for line, shown in listings.items():
        meant = session.meant(line)
        assert len(meant) >= 6
        for value, description in meant.items():
            entry = re.compile(rf"{re.escape(value)} +-- (.*)")
            found = [m.group(1) for row in shown if (m := entry.fullmatch(row))]
            assert found == [description.rstrip()], (value, description, shown)
    bodies = listings["kl --data evil.yaml bodies "]
    for body_id, name in session.bodies.items():  # and that is the name, as written
        assert f"{body_id} -- {name}" in [re.sub(" +-- ", " -- ", row) for row in bodies]


@pytest.mark.parametrize("session", ["bash"], indirect=True)
def test_bash_runs_nothing_from_the_knowledge_base(session: Session) -> None:
    with session.runs_nothing():
        exercise(session)


@pytest.mark.parametrize("session", ["fish"], indirect=True)
def test_fish_runs_nothing_from_the_knowledge_base_and_shows_it_as_written(
    session: Session,
) -> None:
    with session.runs_nothing():
        listings = exercise(session)
    # fish's pager: `id  (description)`, in aligned columns
    bodies = "\n".join(listings["kl --data evil.yaml bodies "])
    for body_id, name in session.bodies.items():
        entry = re.compile(rf"(^| ){re.escape(body_id)} +\({re.escape(name)}\)( |$)", re.M)
        assert entry.search(bodies), (body_id, name, bodies)


# --- what is completed: ids in any case, file names only where a file is meant ------------------


@pytest.mark.parametrize("session", ["bash", "zsh", "fish"], indirect=True)
def test_ids_complete_in_any_case_and_with_danish_letters(session: Session) -> None:
    session.complete("kl bodies ", "BEST", "bestyrelse")
    session.complete("kl values ", "DAG", "dagsordenen")
    session.complete("kl statutes ", "KONT", "kontingent")
    session.complete("kl --lang ", "E", "en")
    if session.shell == "fish":
        # fish matches what it is offered against the typed word itself (in any case, but
        # never æ as ae) and has no way to be told not to: kl offers repraesentantskab for
        # repræ (tests/test_completion.py), fish drops it.
        return
    session.complete("kl bodies ", "repræ", "repraesentantskab")
    session.complete("kl bodies ", "DELEGERETMØ", "delegeretmoede")


@pytest.mark.parametrize("session", ["bash", "zsh", "fish"], indirect=True)
def test_file_names_only_where_a_file_is_meant(session: Session) -> None:
    work = session.root / "work"
    for name in ("zz-notes.txt", "BEST-notes.txt", "9.txt", "x.yaml"):
        (work / name).write_text("not a knowledge base\n", encoding="utf-8")
    for line in ("kl bodies zz", "kl bodies BEST-", "kl search zz", "kl zz", "kl values 9",
                 "kl statutes zz", "kl --lang x"):  # fmt: skip
        session.offers_nothing(line)
    session.complete("kl --data ", "ev", "evil.yaml")
    session.complete("kl validate ", "ev", "evil.yaml")


# --- installing into a home of one's own, then starting the shell as a user would --------------


USER_RC = {  # the user's own start-up files before installing, and where each shell reads them
    "bash": (".bashrc", f"PS1='{PROMPT} '\nbind 'set bell-style none'\n"),
    "zsh": (".zshrc", f"PROMPT='{PROMPT} '\nRPROMPT=''\nunsetopt beep\n"),
    "zsh-compinit": (
        ".zshrc",
        f"autoload -Uz compinit && compinit -u\nPROMPT='{PROMPT} '\nRPROMPT=''\nunsetopt beep\n",
    ),
    "fish": (
        ".config/fish/config.fish",
        f"set -g fish_greeting ''\nset -g fish_autosuggestion_enabled 0\n"
        f"function fish_prompt; echo -n '{PROMPT} '; end\nfunction fish_right_prompt; end\n",
    ),
}
INSTALLED = {
    "bash": ".bash_completions/kl.sh",
    "zsh": ".zfunc/_kl",
    "fish": ".config/fish/completions/kl.fish",
}
# What each shell shows of its settings for every command: installing kl's completion may add
# kl's own entry and nothing else. (Without compinit in .zshrc, the line kl adds starts zsh's
# completion system, which binds keys of its own: there only the styles are compared.)
SETTINGS = {
    "bash": "complete -p; bind -v; bind -p; shopt -p; set -o",
    "zsh": "zstyle -L",
    "zsh-compinit": "zstyle -L; bindkey -L; setopt",
    "fish": "bind; complete --command kl",
}
ADDED = {
    "bash": ["complete -F _kl_completion kl"],
    "fish": ["complete --no-files kl -a '(__kl_complete)'"],
}
ARGV_USER = {"bash": ["bash", "-i"], "zsh": ["zsh", "-i"], "fish": ["fish", "-i"]}


def snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in home.rglob("*") if p.is_file()}


def start_as_user(env: dict[str, str], work: Path, user: str, tabs: bool) -> list[str]:
    """Start the user's shell with its start-up files; if `tabs`, see that kl's ids complete;
    return what SETTINGS shows."""
    socket_dir = Path(tempfile.mkdtemp(prefix="kl-tmux-"))
    shell = user.split("-")[0]
    term = Terminal(
        socket_dir / "s", env | {"TMUX_TMPDIR": str(socket_dir)}, work, ARGV_USER[shell]
    )
    try:
        term.wait("the prompt", lambda lines: any(line == PROMPT for line in lines))
        for typed, word, end in (("BEST", "bestyrelse", " "), ("form", "formand", "")):
            if not tabs:
                break
            term.type(f"kl bodies {typed}")
            term.press("Tab")
            want = f"kl bodies {word}"
            term.wait(
                f"{typed} to complete to {word!r}",
                lambda lines: (
                    prompt_line(lines) == want  # noqa: B023 (waited for before the loop goes on)
                    and term.cursor() == len(f"{PROMPT} {want}{end}")  # noqa: B023
                ),
            )
            term.press("C-u", "C-l")
            term.wait(
                "an empty line", lambda lines: prompt_line(lines) == "" and not any(lines[1:])
            )
        shown = work / "settings.txt"
        shown.unlink(missing_ok=True)
        each = [f"{command.strip()} >> {shown}" for command in SETTINGS[user].split(";")]
        term.type("; ".join([*each, "echo DONE''X"]))
        term.press("Enter")
        term.wait("the settings", lambda lines: "DONEX" in lines)
        return shown.read_text(encoding="utf-8").splitlines()
    finally:
        term.close()
        shutil.rmtree(socket_dir, ignore_errors=True)


@pytest.mark.parametrize("user", ["bash", "zsh", "zsh-compinit", "fish"])
def test_install_completion_for_a_named_shell_into_a_fresh_home(
    tmp_path: Path, kl_program: str, user: str
) -> None:
    """`kl --install-completion SHELL` from another shell (SHELL=/bin/sh, under pytest) writes
    that shell's script and one line of its start-up file, changes no other file and no setting
    for other commands, and a new shell of that kind then completes kl's ids."""
    shell = user.split("-")[0]
    need(shell)
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    rc, text = USER_RC[user]
    (home / rc).parent.mkdir(parents=True)
    (home / rc).write_text(text, encoding="utf-8")
    env = {
        "PATH": os.pathsep.join(
            [str(Path(kl_program).parent), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "SHELL": "/bin/sh",  # neither the shell named nor the one pytest runs under
        "HISTFILE": str(work / "history"),  # bash's and zsh's history: not in the home
        "XDG_DATA_HOME": str(work / "data"),  # fish's
    }
    settings = start_as_user(env, work, user, tabs=False)
    before = snapshot(home)
    done = subprocess.run(
        [kl_program, "--install-completion", shell],
        env=env, capture_output=True, text=True, timeout=30, cwd=work,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith(f"{shell} completion installed in {home / INSTALLED[shell]}\n")
    after = snapshot(home)
    script = subprocess.run(
        [kl_program, "--show-completion", shell], env=env, capture_output=True, timeout=30
    ).stdout
    assert after.pop(INSTALLED[shell]) == script
    if shell != "fish":  # one line added to the start-up file, every other byte kept
        added = after[rc].removeprefix(before[rc]).decode()
        assert added.count("\n") == 1 and added.endswith("\n")
        after[rc] = before[rc]
    assert after == before

    now = start_as_user(env, work, user, tabs=True)
    assert sorted(now) == sorted(settings + ADDED.get(user, [])), (settings, now)
