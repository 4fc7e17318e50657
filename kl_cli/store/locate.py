"""Where the bundled data live: the knowledge base's YAML source, compiled form and search
index, and the JSON Schemas of kl's output."""

from __future__ import annotations

from pathlib import Path

KB_YAML = "kl.yaml"
KB_COMPILED = "kl.json"
KB_INDEX = "kl.search.json"  # the bundled search index, compiled like kl.json
SCHEMA_DIR = "schema"  # KIND.json for each kind of output, from python -m kl_cli.present.schemagen


def data_dir() -> Path:
    """The bundled data/: inside the package in a wheel, beside it in a checkout or editable."""
    package = Path(__file__).resolve().parent.parent  # kl_cli/
    for candidate in (package / "data", package.parent / "data"):
        if (candidate / KB_COMPILED).is_file():
            return candidate
    return package.parent / "data"


def bundled_yaml() -> Path:
    """The bundled knowledge base's source YAML (what `kl validate` checks by default)."""
    return data_dir() / KB_YAML


def schema_dir() -> Path:
    """The JSON Schemas of kl's output, one KIND.json per kind (`kl schema KIND`)."""
    return data_dir() / SCHEMA_DIR
