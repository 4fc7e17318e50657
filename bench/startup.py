"""Startup and scale benchmark for kl: whole-process time and peak memory against Typer baselines.

    python bench/startup.py            # the full run (a little over a minute on 2 cores)
    python bench/startup.py --quick    # a few runs per side, to try things out
    python bench/startup.py --json     # machine-readable results
    python bench/startup.py --only 72k # one case (names as in the report)

Each case runs as a whole process, alternating with its baseline (A B A B ...), so both sides see
the same machine state; the figures are medians. Peak memory is each child's own ru_maxrss from
os.wait4 (not the cumulative RUSAGE_CHILDREN). Stdlib only; Unix only (os.posix_spawn, os.wait4).

Children get a clean environment: only PATH, HOME, LANG/LC_ALL=C.UTF-8 and COLUMNS=80, plus
XDG_CACHE_HOME pointing at a fresh temporary directory per case that persists across that case's
runs, so kl's cache of validated --data knowledge bases is warm after the first (untimed) run.
No PYTHON* or KL_* variable is passed, so bytecode caching is on, as it is for users.

The "big" cases draw a chart of 27,000 bodies and a table of 72,000 sources (about as much as
the loader's limits let a --data file hold); each has a target in seconds, against the loading
of the same file alone, and runs at most BIG_RUNS times a side.
"""

from __future__ import annotations

import argparse
import marshal
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from importlib import util
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = "bestyrelse"
SCALE_SIZES = (1_000, 10_000)
BIG_BODIES = 27_000  # kl org (gen_kb.py --kind bodies)
BIG_SOURCES = 72_000  # kl sources -f rich (gen_kb.py --kind sources)
BIG_RUNS = 3  # a big case takes seconds a run
DEFAULT_RUNS = 30
QUICK_RUNS = 5

TYPER = "import typer"
TYPER_RICH = "import typer, rich.console"


@dataclass
class Side:
    """One command of a pair and its samples."""

    label: str
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    output_bytes: int = 0
    output: bytes = b""

    @property
    def time_ms(self) -> float:
        return median(self.seconds) * 1000

    @property
    def rss_mib(self) -> float:
        return median(self.rss_kib) / 1024


@dataclass
class Pair:
    """A case, the baseline it is measured against, and the targets for their ratios."""

    name: str
    case: Side
    base: Side
    time_target: float | None
    mem_target: float | None
    group: str = "startup"
    note: str = ""
    error: str = ""
    time_limit_ms: float | None = None  # a target for the case's own time, not a ratio
    runs: int | None = None  # at most this many runs a side

    @property
    def time_ratio(self) -> float:
        return self.case.time_ms / self.base.time_ms

    @property
    def mem_ratio(self) -> float:
        return self.case.rss_mib / self.base.rss_mib


def median(xs: list[float] | list[int]) -> float:
    s = sorted(xs)
    n = len(s)
    return float(s[n // 2]) if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def quartiles(xs: list[float]) -> tuple[float, float]:
    s = sorted(xs)
    return s[len(s) // 4], s[(3 * len(s)) // 4]


def maxrss_kib(ru_maxrss: int) -> int:
    # Linux reports KiB, macOS bytes.
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss


# The timed runs happen in this small runner process, not in the benchmark itself: Linux starts a
# child's ru_maxrss at the spawning process's RSS high-water mark (exec keeps the old memory's
# peak), so the spawner must stay smaller than anything it measures. Bare `python -I -S` with only
# built-in modules is about 8 MiB; it reports its own peak (VmHWM) as the floor.
RUNNER = r"""
import marshal, os, sys, time
env, sides, runs, progress = marshal.loads(sys.stdin.buffer.read())
null = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY, 0)
        for fd in (0, 1, 2)]
samples = [[] for _ in sides]
error = None
for i in range(runs):
    for argv, out in zip(sides, samples):
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=null)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            error = (" ".join(argv), code, i + 1)
            break
        out.append((elapsed, usage.ru_maxrss))
    if error:
        break
    if progress:
        sys.stderr.write(f"\r  {progress}: {i + 1}/{runs}")
        sys.stderr.flush()
if progress:
    sys.stderr.write("\r" + " " * 78 + "\r")
hwm = 0
try:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                hwm = int(line.split()[1])
except OSError:
    pass
sys.stdout.buffer.write(marshal.dumps((samples, error, hwm)))
"""


def run_alternating(
    sides: list[list[str]], env: dict[str, str], runs: int, progress: str
) -> tuple[list[list[tuple[float, int]]], tuple[str, int, int] | None, int]:
    """Run the sides A B A B ... in the runner: samples per side, an error, the runner's peak."""
    spec = marshal.dumps((env, sides, runs, progress))
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", RUNNER], input=spec, stdout=subprocess.PIPE, check=True
    )
    samples, error, hwm_kib = marshal.loads(proc.stdout)
    return samples, error, hwm_kib


def child_env(cache_dir: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": os.environ.get("HOME", cache_dir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": "80",
        "XDG_CACHE_HOME": cache_dir,
    }
    return env


def kl_command(use_module: bool) -> tuple[list[str], str]:
    script = Path(sys.executable).parent / "kl"
    if not use_module and script.is_file() and os.access(script, os.X_OK):
        return [str(script)], f"{script} (the console script users run)"
    return [sys.executable, "-m", "kl_cli"], f"{sys.executable} -m kl_cli"


def check_run(side: Side, env: dict[str, str]) -> str:
    """One untimed run that must succeed; it also warms bytecode and kl's cache. '' if fine."""
    proc = subprocess.run(side.argv, env=env, capture_output=True, stdin=subprocess.DEVNULL)
    side.output_bytes = len(proc.stdout)
    side.output = proc.stdout
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"`{side.label}` exited {proc.returncode}: {err[-1] if err else '(no stderr)'}"
    return ""


def measure(pair: Pair, runs: int, progress: bool) -> int:
    """Check and warm up both sides, then time them alternately; returns the runner's peak KiB."""
    cache_dir = tempfile.mkdtemp(prefix="kl-bench-cache-")
    try:
        env = child_env(cache_dir)
        for side in (pair.case, pair.base):
            pair.error = pair.error or check_run(side, env)
        if pair.error:
            return 0
        if pair.runs is not None:
            runs = min(runs, pair.runs)
        samples, error, hwm = run_alternating(
            [pair.case.argv, pair.base.argv], env, runs, pair.name if progress else ""
        )
        if error:
            command, code, run = error
            pair.error = f"`{command}` exited {code} on run {run}"
        for side, got in zip((pair.case, pair.base), samples, strict=True):
            side.seconds = [t for t, _ in got]
            side.rss_kib = [maxrss_kib(r) for _, r in got]
        return hwm
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


def has_search(kl: list[str]) -> bool:
    with tempfile.TemporaryDirectory(prefix="kl-bench-cache-") as cache_dir:
        proc = subprocess.run(
            [*kl, "search", "--help"],
            env=child_env(cache_dir),
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
    return proc.returncode == 0


@dataclass
class GeneratedKB:
    """A knowledge base bench/gen_kb.py writes: `entries` of `kind` added to the bundled one."""

    entries: int
    kind: str
    path: Path


def generate_kbs(kbs: list[GeneratedKB]) -> None:
    """Write the generated knowledge bases, each in a separate process so that this process
    stays small (see the note on peak memory)."""
    for kb in kbs:
        subprocess.run(
            [sys.executable, str(HERE / "gen_kb.py"), str(kb.entries), "--kind", kb.kind]
            + ["-o", str(kb.path)],
            check=True,
            stderr=subprocess.DEVNULL,
        )


def generated(workdir: Path) -> list[GeneratedKB]:
    kbs = [GeneratedKB(n, "mixed", workdir / f"kb{n}.yaml") for n in SCALE_SIZES]
    kbs.append(GeneratedKB(BIG_BODIES, "bodies", workdir / f"bodies{BIG_BODIES // 1000}k.yaml"))
    kbs.append(GeneratedKB(BIG_SOURCES, "sources", workdir / f"sources{BIG_SOURCES // 1000}k.yaml"))
    return kbs


def build_pairs(
    kl: list[str], search: bool, kbs: list[GeneratedKB]
) -> tuple[list[Pair], list[str]]:
    py = sys.executable
    notes: list[str] = []

    def typer_base() -> Side:
        return Side(f'python -c "{TYPER}"', [py, "-c", TYPER])

    def rich_base() -> Side:
        return Side(f'python -c "{TYPER_RICH}"', [py, "-c", TYPER_RICH])

    def case(*args: str) -> Side:
        # Generated files live in a temporary directory: show their names only.
        shown = [Path(a).name if a.endswith(".yaml") else a for a in args]
        return Side("kl " + " ".join(shown), [*kl, *args])

    pairs = [
        Pair("values plain", case("values", "-f", "plain"), typer_base(), 1.15, 1.3),
        Pair("values json", case("values", "--json"), typer_base(), 1.15, 1.3),
        Pair("bodies rich", case("bodies", "-f", "rich"), rich_base(), 1.25, 1.3),
        Pair(
            "statutes amendment",
            case("statutes", "amendment", "--delegates", "98", "--json"),
            typer_base(),
            None,
            1.3,
        ),  # kl 2.0: the parts of the knowledge base most commands never read, and a date
        Pair("municipalities", case("municipalities", "-f", "plain"), typer_base(), 1.15, 1.3),
        Pair("people", case("people", "damm", "--json"), typer_base(), 1.15, 1.3),
        Pair(
            "bodies as-of",
            case("bodies", "formand", "--as-of", "2019-06-01", "-f", "plain"),
            typer_base(),
            1.15,
            1.3,
        ),
    ]
    if search:
        pairs.append(Pair("search", case("search", QUERY), typer_base(), 1.15, 1.3))
    else:
        notes.append(f"`kl search` does not exist yet: the search cases ({QUERY!r}) are skipped.")
    pairs.append(Pair("help", case("--help"), typer_base(), None, 1.3))
    targets = {1_000: 1.3, 10_000: 2.0}
    mixed = {kb.entries: kb.path for kb in kbs if kb.kind == "mixed"}
    for size, path in mixed.items():
        if search:
            pairs.append(
                Pair(
                    f"search {size // 1000}k",
                    case("search", QUERY, "--data", str(path)),
                    case("search", QUERY),
                    targets.get(size),
                    1.3,  # the memory target, against the same search on the bundled KB
                    group="scale",
                )
            )
    for size, path in mixed.items():
        pairs.append(
            Pair(
                f"load {size // 1000}k",
                case("--version", "--data", str(path)),
                case("--version"),
                None,
                None,
                group="load",
            )
        )
    # (kind, name, arguments, target in ms): once 40 s and more (org, quadratic) and 34 s
    # (sources, Rich's table); "a few seconds" is the aim.
    big = (
        ("bodies", "org rich", ("org", "-f", "rich"), 6000.0),
        ("bodies", "org json", ("org", "--json"), 4000.0),
        ("sources", "sources rich", ("sources", "-f", "rich"), 4000.0),
    )
    for kb in kbs:
        for kind, name, args, limit in big:
            if kb.kind == kind:
                pairs.append(
                    Pair(
                        f"{name} {kb.entries // 1000}k",
                        case(*args, "--data", str(kb.path)),
                        case("--version", "--data", str(kb.path)),
                        None,
                        None,
                        group="big",
                        time_limit_ms=limit,
                        runs=BIG_RUNS,
                    )
                )
    return pairs, notes


def verdict(ratio: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"target <= {target:.2f}  " + ("met" if ratio <= target else "MISSED")


def report_text(pairs: list[Pair], header: list[str], notes: list[str], floor_mib: float) -> str:
    lines = [*header, ""]
    titles = {
        "startup": "Start-up: each case against a Typer baseline",
        "scale": "Scale: search on a generated knowledge base against search on the bundled one",
        "load": "Load only (no target): kl --version with a generated knowledge base against"
        " the bundled one",
        "big": f"Big knowledge bases (at most {BIG_RUNS} runs a side): the command against"
        " loading the same file alone;\nthe target is the command's own time",
    }
    group = ""
    met = total = 0
    missed: list[str] = []
    for p in pairs:
        if p.group != group:
            group = p.group
            lines += [titles[group], ""]
        lines.append(f"  {p.case.label}")
        lines.append(f"    vs {p.base.label}")
        if p.error:
            lines += [f"    FAILED: {p.error}", ""]
            continue
        lines.append(
            f"    time   {p.case.time_ms:7.1f} ms  vs {p.base.time_ms:7.1f} ms   "
            f"ratio {p.time_ratio:5.2f}  {verdict(p.time_ratio, p.time_target)}".rstrip()
        )
        lines.append(
            f"    memory {p.case.rss_mib:7.1f} MiB vs {p.base.rss_mib:7.1f} MiB  "
            f"ratio {p.mem_ratio:5.2f}  {verdict(p.mem_ratio, p.mem_target)}".rstrip()
        )
        if p.time_limit_ms is not None:
            ok = p.case.time_ms <= p.time_limit_ms
            lines.append(
                f"    time   {p.case.time_ms:7.1f} ms  target <= {p.time_limit_ms:.0f} ms  "
                + ("met" if ok else "MISSED")
            )
            total += 1
            met += ok
            if not ok:
                missed.append(f"{p.name} time ({p.case.time_ms:.0f} > {p.time_limit_ms:.0f} ms)")
        if p.note:
            lines.append(f"    {p.note}")
        lines.append("")
        for kind, ratio, target in (
            ("time", p.time_ratio, p.time_target),
            ("memory", p.mem_ratio, p.mem_target),
        ):
            if target is not None:
                total += 1
                if ratio <= target:
                    met += 1
                else:
                    missed.append(f"{p.name} {kind} ({ratio:.2f} > {target:.2f})")
    lines.append(f"Targets met: {met} of {total}.")
    if missed:
        lines += textwrap.wrap("Missed: " + "; ".join(missed) + ".", width=88)
    failed = [p.name for p in pairs if p.error]
    if failed:
        lines.append(f"Failed cases: {', '.join(failed)}")
    if floor_mib:
        lines.append(
            f"Memory floor: {floor_mib:.1f} MiB, the peak of the process that spawns the children"
            " (Linux\ncounts it in every child's ru_maxrss); every figure above is larger."
        )
    lines += notes
    return "\n".join(lines) + "\n"


def report_json(pairs: list[Pair], info: dict[str, object], notes: list[str]) -> str:
    import json

    def side(s: Side) -> dict[str, object]:
        out: dict[str, object] = {"command": s.label, "argv": s.argv}
        out["output_bytes"] = s.output_bytes
        if s.seconds:
            q1, q3 = quartiles(s.seconds)
            out |= {
                "time_ms_median": round(s.time_ms, 2),
                "time_ms_quartiles": [round(q1 * 1000, 2), round(q3 * 1000, 2)],
                "rss_mib_median": round(s.rss_mib, 2),
                "time_ms": [round(x * 1000, 2) for x in s.seconds],
                "rss_kib": s.rss_kib,
            }
        return out

    cases = []
    for p in pairs:
        c: dict[str, object] = {
            "name": p.name,
            "group": p.group,
            "case": side(p.case),
            "baseline": side(p.base),
            "time_target": p.time_target,
            "memory_target": p.mem_target,
            "time_limit_ms": p.time_limit_ms,
        }
        if p.error:
            c["error"] = p.error
        else:
            c |= {
                "time_ratio": round(p.time_ratio, 3),
                "memory_ratio": round(p.mem_ratio, 3),
                "time_met": None if p.time_target is None else p.time_ratio <= p.time_target,
                "memory_met": None if p.mem_target is None else p.mem_ratio <= p.mem_target,
                "time_limit_met": None
                if p.time_limit_ms is None
                else p.case.time_ms <= p.time_limit_ms,
            }
        cases.append(c)
    return json.dumps({**info, "notes": notes, "cases": cases}, indent=2) + "\n"


def versions() -> dict[str, str]:
    from importlib import metadata  # after measuring: it is not small

    out = {}
    for dist in ("kl-cli", "typer", "rich", "PyYAML"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def bytecode_cached() -> bool:
    spec = util.find_spec("kl_cli")
    if spec is None or not spec.submodule_search_locations:
        return False
    source = Path(list(spec.submodule_search_locations)[0]) / "cli" / "app.py"
    return Path(util.cache_from_source(str(source))).is_file()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per side (default 30)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs per side")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("--module", action="store_true", help="run `python -m kl_cli`, not `kl`")
    parser.add_argument("--only", metavar="TEXT", help="only the cases whose name contains TEXT")
    parser.add_argument(
        "--no-scale", action="store_true", help="skip the generated knowledge bases"
    )
    args = parser.parse_args(argv)
    runs = QUICK_RUNS if args.quick else args.runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    if util.find_spec("kl_cli") is None:
        print("bench: kl is not installed for this Python; pip install -e . first", file=sys.stderr)
        return 2

    started = time.perf_counter()
    kl, kl_desc = kl_command(args.module)
    search = has_search(kl)
    workdir = Path(tempfile.mkdtemp(prefix="kl-bench-"))
    try:
        kbs = [] if args.no_scale else generated(workdir)
        pairs, notes = build_pairs(kl, search, kbs)
        if args.only:
            pairs = [p for p in pairs if args.only in p.name]
        used = [kb for kb in kbs if any(str(kb.path) in p.case.argv for p in pairs)]
        generate_kbs(used)
        floor_kib = max((measure(p, runs, progress=sys.stderr.isatty()) for p in pairs), default=0)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    for p in pairs:
        if p.group == "scale" and not p.error:
            same = p.case.output == p.base.output
            p.note = "output identical to the bundled search" if same else "output differs"
    if not bytecode_cached():
        notes.append(
            "WARNING: kl_cli has no cached bytecode (read-only install?): its times include "
            "compiling its modules on every run."
        )
    floor_mib = floor_kib / 1024
    vers = versions()
    yaml_c = "?"
    if util.find_spec("yaml") is not None:
        check = "import yaml, sys; sys.stdout.write(str(yaml.__with_libyaml__))"
        proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
        yaml_c = proc.stdout
    elapsed = time.perf_counter() - started
    libyaml = "with libyaml" if yaml_c == "True" else "without libyaml"
    header = [
        f"kl startup benchmark: {runs} runs per side, case and baseline alternating"
        " (A B A B ...), medians",
        f"kl:      {kl_desc}",
        f"Python:  {platform.python_version()} ({sys.executable})",
        f"         kl-cli {vers['kl-cli']}, typer {vers['typer']}, rich {vers['rich']},"
        f" PyYAML {vers['PyYAML']} {libyaml}",
        f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs;"
        f" this run took {elapsed:.0f} s",
        "Children run with a clean environment (PATH, HOME, LANG=C.UTF-8, COLUMNS=80; no PYTHON*",
        "or KL_* variables) and stdio on /dev/null. Each case has its own XDG_CACHE_HOME, kept",
        "across its runs, so kl's cache of validated --data files is warm after a first, untimed",
        "run; the bundled knowledge base is compiled JSON and uses no cache.",
    ]
    if any(kb.kind == "mixed" for kb in used):
        header += [
            "kb1000.yaml and kb10000.yaml: data/kl.yaml plus 1,000 and 10,000 synthetic entries",
            f"from bench/gen_kb.py, none containing {QUERY!r}.",
        ]
    if any(kb.kind != "mixed" for kb in used):
        header += [
            f"bodies{BIG_BODIES // 1000}k.yaml: data/kl.yaml plus {BIG_BODIES:,} bodies, one in"
            " three in the chart (gen_kb.py --kind",
            f"bodies); sources{BIG_SOURCES // 1000}k.yaml: plus {BIG_SOURCES:,} sources"
            " (--kind sources).",
        ]
    if args.json:
        info: dict[str, object] = {
            "runs": runs,
            "kl": kl,
            "python": platform.python_version(),
            "versions": vers,
            "libyaml": yaml_c == "True",
            "platform": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
            "seconds": round(elapsed, 1),
            "search": search,
            "memory_floor_mib": round(floor_mib, 1),
        }
        sys.stdout.write(report_json(pairs, info, notes))
    else:
        sys.stdout.write(report_text(pairs, header, notes, floor_mib))
    return 1 if any(p.error for p in pairs) else 0


if __name__ == "__main__":
    sys.exit(main())
