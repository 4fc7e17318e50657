"""`python -m kl_cli.present.schemagen`: regenerate the JSON Schemas (draft 2020-12) kl ships,
data/schema/KIND.json (`kl schema KIND` prints them), after changing an output's shape.

Each is generated from the TypedDicts of kl_cli/present/shapes.py (the table OUTPUTS names the
kinds): a TypedDict is an object with exactly its keys (additionalProperties false), the keys
not marked NotRequired required; a Literal is an enum (one value: a const), X | None is
nullable, list[X] an array, dict[str, X] an object of X. The schema of `kl export -f json` comes
from the knowledge base's own records (kl_cli/core/models.py), where a field with a default is
optional (export leaves a field at its default out). The tests fail while a file is stale
(tests/test_schema.py). kl itself never imports this module.
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal, NotRequired, Required, Union

from kl_cli.core.models import SUPPORTED_SCHEMA_VERSIONS
from kl_cli.core.record import Record
from kl_cli.present.formats import to_json
from kl_cli.present.shapes import OUTPUTS, Envelope
from kl_cli.present.views import OUTPUT_SCHEMA_VERSION

DRAFT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]


def _doc(cls: type) -> str | None:
    """A class's own docstring, one paragraph per line (None: it has none)."""
    doc = cls.__dict__.get("__doc__")
    if not doc:
        return None
    return "\n".join(" ".join(p.split()) for p in inspect.cleandoc(doc).split("\n\n"))


class _Builder:
    """The schemas of one document: the root's parts, and $defs for each named part."""

    def __init__(self) -> None:
        self.defs: dict[str, Schema] = {}
        self._named: dict[str, type] = {}

    def of(self, hint: Any) -> Schema:
        """The schema of a type hint; a TypedDict or record is a $ref to its $defs entry."""
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint is str:
            return {"type": "string"}
        if hint is bool:
            return {"type": "boolean"}
        if hint is int:
            return {"type": "integer"}
        if hint is type(None):
            return {"type": "null"}
        if origin is Literal:
            return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
        if origin in (Union, types.UnionType):
            others = [a for a in args if a is not type(None)]
            alternatives = [self.of(a) for a in others]
            if len(others) < len(args):  # nullable
                if len(alternatives) == 1 and set(alternatives[0]) == {"type"}:
                    return {"type": [alternatives[0]["type"], "null"]}
                alternatives.append({"type": "null"})
            return {"anyOf": alternatives}
        if origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
            return {"type": "array", "items": self.of(args[0])}
        if origin is dict and args[0] is str:
            return {"type": "object", "additionalProperties": self.of(args[1])}
        if typing.is_typeddict(hint) or (isinstance(hint, type) and issubclass(hint, Record)):
            return {"$ref": f"#/$defs/{self._define(hint)}"}
        raise TypeError(f"no JSON Schema for {hint!r}: type it in kl_cli/present/shapes.py")

    def _define(self, cls: type) -> str:
        name = cls.__name__
        if self._named.get(name, cls) is not cls:
            raise TypeError(f"two parts are named {name}: {self._named[name]} and {cls}")
        if name not in self._named:
            self._named[name] = cls
            self.defs[name] = {}  # taken before its fields, for a part that holds itself
            self.defs[name] = self.object(cls)
        return name

    def object(self, cls: type, replace: dict[str, Schema] | None = None) -> Schema:
        """A TypedDict or record as an object schema with exactly its keys; `replace` gives
        some keys another schema than their type's."""
        properties: dict[str, Schema] = {}
        required: list[str] = []
        if typing.is_typeddict(cls):
            hints = typing.get_type_hints(cls, include_extras=True)
            for key, hint in hints.items():
                origin = typing.get_origin(hint)
                if origin in (Required, NotRequired):
                    needed = origin is Required
                    hint = typing.get_args(hint)[0]
                else:  # Python 3.11 cannot see NotRequired in a string annotation: total only
                    needed = key in getattr(cls, "__required_keys__", frozenset())
                properties[key] = self.of(hint)
                if needed:
                    required.append(key)
        else:
            hints = typing.get_type_hints(cls)
            defaults: dict[str, Any] = getattr(cls, "__defaults__", {})
            for key in getattr(cls, "__fields__", ()):
                hint = hints[key]
                if key in defaults and defaults[key] is None:  # left out at None, never null
                    hint = _without_none(hint)
                properties[key] = self.of(hint)
                if key not in defaults:
                    required.append(key)
        for key, schema in (replace or {}).items():
            properties[key] = schema
        out: Schema = {"type": "object"}
        doc = _doc(cls)
        if doc:
            out = {"description": doc} | out
        return out | {
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }


def _without_none(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return Union[tuple(args)] if len(args) > 1 else args[0]  # noqa: UP007 - built at run time


def _document(title: str, root: Schema, builder: _Builder) -> Schema:
    head: Schema = {"$schema": DRAFT, "title": title}
    out = head | root
    if builder.defs:
        out["$defs"] = dict(sorted(builder.defs.items()))
    return out


def output_schema(kind: str, command: str, shape: Any) -> Schema:
    """The schema of one kind of output: the envelope with that kind, and the shape's keys."""
    builder = _Builder()
    envelope = builder.object(
        Envelope,
        {"schema_version": {"const": OUTPUT_SCHEMA_VERSION}, "kind": {"const": kind}},
    )
    body = builder.object(shape)
    clash = [key for key in body["properties"] if key in envelope["properties"]]
    if clash:
        raise TypeError(f"{shape.__name__} has keys of the envelope: {', '.join(clash)}")
    root: Schema = {"type": "object"}
    if "description" in body:
        root = {"description": body["description"]} | root
    root |= {
        "properties": envelope["properties"] | body["properties"],
        "required": envelope["required"] + body["required"],
        "additionalProperties": False,
    }
    return _document(command, root, builder)


def file_schema(command: str, record: type) -> Schema:
    """The schema of a knowledge-base file as `kl export -f json` writes it (no envelope)."""
    builder = _Builder()
    versions = list(SUPPORTED_SCHEMA_VERSIONS)
    version = {"const": versions[0]} if len(versions) == 1 else {"enum": versions}
    root = builder.object(record, {"schema_version": version})
    return _document(command, root, builder)


def schemas() -> dict[str, Schema]:
    """Every kind's schema, by kind, in the order of OUTPUTS."""
    out: dict[str, Schema] = {}
    for kind, (command, shape) in OUTPUTS.items():
        if isinstance(shape, type) and issubclass(shape, Record):
            out[kind] = file_schema(command, shape)
        else:
            out[kind] = output_schema(kind, command, shape)
    return out


def dumps(schema: Schema) -> str:
    """A schema as its shipped file's text: JSON as kl writes all JSON (UTF-8)."""
    return to_json(schema, ascii_only=False)


def target_dir() -> Path:
    """Where the schemas go: data/schema/ of the source checkout this module is in."""
    return Path(__file__).resolve().parents[2] / "data" / "schema"


def main() -> int:
    target = target_dir()
    if not (target.parent.parent / "pyproject.toml").is_file():
        print(f"schemagen: {target.parent.parent} is not a source checkout of kl", file=sys.stderr)
        return 1
    made = schemas()
    target.mkdir(exist_ok=True)
    for old in target.glob("*.json"):
        if old.stem not in made:
            old.unlink()
            print(f"removed {old}")
    for kind, schema in made.items():
        (target / f"{kind}.json").write_text(dumps(schema), encoding="utf-8")
    print(f"wrote {len(made)} schemas to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
