"""What a release ships: the licence pyproject.toml names, as a file, and the JSON Schemas of
kl's output (data/schema/), in the wheel and the sdist."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from kl_cli.present.shapes import OUTPUTS

ROOT = Path(__file__).resolve().parents[1]
LICENSE = ROOT / "LICENSE"
SCHEMAS = ROOT / "data" / "schema"


def test_license_file_is_the_mit_licence_pyproject_names() -> None:
    with (ROOT / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)
    assert project["project"]["license"] == {"text": "MIT"}
    text = LICENSE.read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the kl authors\n\n")
    assert "Permission is hereby granted, free of charge, to any person obtaining a copy" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    # Hatchling adds LICEN[CS]E* to both by default; the sdist's include list says so too.
    assert "LICENSE" in project["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, as `pip install .` builds it (with the build backend pyproject.toml names)."""
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]
    result = subprocess.run([*command, str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_carries_the_license(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        assert zf.read(licence) == LICENSE.read_bytes()
        assert "License-File: LICENSE" in zf.read(metadata).decode().splitlines()


def test_the_wheel_carries_every_schema(wheel: Path) -> None:
    # where kl_cli/store/locate.py finds them in an installed kl: kl_cli/data/schema/
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n.rsplit("/", 1)[1]: n for n in zf.namelist() if "/data/schema/" in n}
        assert sorted(shipped) == sorted(f"{kind}.json" for kind in OUTPUTS)
        for name, member in shipped.items():
            assert member == f"kl_cli/data/schema/{name}"
            assert zf.read(member) == (SCHEMAS / name).read_bytes()


def test_the_sdist_carries_every_schema(tmp_path: Path) -> None:
    build = "import sys; from hatchling.build import build_sdist; print(build_sdist(sys.argv[1]))"
    result = subprocess.run(
        [sys.executable, "-c", build, str(tmp_path)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    with tarfile.open(tmp_path / result.stdout.strip()) as tf:
        members = {m.name.split("/", 1)[1]: m for m in tf.getmembers()}  # under kl_cli-VERSION/
        for kind in OUTPUTS:
            member = members[f"data/schema/{kind}.json"]
            extracted = tf.extractfile(member)
            assert extracted is not None
            assert extracted.read() == (SCHEMAS / f"{kind}.json").read_bytes()
        assert "kl_cli/present/schemagen.py" in members
