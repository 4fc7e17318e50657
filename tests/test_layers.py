"""The layers stay clean: read every module's imports (ruff's TID251 cannot see per-file)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kl_cli"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_what_its_layer_may(path: Path) -> None:
    name = path.relative_to(PACKAGE).as_posix()
    imports = _imports(path)
    assert "click" not in imports, "Typer vendors Click: never import click"
    if name != "render.py":
        assert "rich" not in imports, "only kl_cli/render.py imports rich"
    if name != "cli.py" and not name.startswith("commands/"):
        assert "typer" not in imports, "only the CLI layer imports typer"


def test_nothing_imports_the_cli_module() -> None:
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "kl_cli.cli" not in modules or path.name == "__main__.py", path
