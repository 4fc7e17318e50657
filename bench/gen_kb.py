"""Generate a large, valid knowledge base for the scale benchmark (synthetic text, not real data).

    python bench/gen_kb.py 10000 -o /tmp/kb10k.yaml
    python bench/gen_kb.py 27000 --kind bodies -o /tmp/org27k.yaml
    python bench/gen_kb.py 72000 --kind sources -o /tmp/sources72k.yaml
    kl --data /tmp/kb10k.yaml validate

Starts from the bundled data/kl.yaml and appends N generated entries. The output is deterministic
for a given N, --kind and --seed.

--kind mixed (the default), round-robin: two statute paragraphs, one general fact (about.facts),
one political body. Every entry has a unique ASCII id, bilingual texts drawn from a fixed
vocabulary and cites existing sources; bodies also refer to an existing statute paragraph.

--kind bodies: N small bodies for the organisation chart (`kl org`). One in three is linked
into it: the bestyrelse sets up the first, and each further one is set up by an earlier linked
body, four to a parent, so the chart is a deep, wide tree; one in fifty linked bodies also
advises its parent (a ↩ leaf) and one in fifty is a member of an earlier linked body (a → or ↩
leaf); one relation in ten names a statute paragraph. The bodies that are not linked each start
a chart of their own, as the bodies of a knowledge base without relations do.

--kind sources: N sources (`kl sources`), titled from the vocabulary; one in 32 has a URL.

These entries are short (one-word names and texts citing the seed source) and written in YAML
flow style, one a line, so that 27,000 bodies or 72,000 sources fit the loader's limits.

No generated text contains the --avoid word (default "bestyrelse", the benchmark's search query),
so a search for it finds exactly what it finds in the bundled knowledge base: the benchmark then
measures the cost of a larger knowledge base, not of printing more hits.

The file is checked against the loader's limits (4 MiB, nesting 64, 1,000,000 parse events);
10,000 mixed entries come to about 1.5 MB, 27,000 bodies to about 4 MB, 72,000 sources to
about 4 MB: the limits allow little more.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 4 * 1024 * 1024  # the limits of kl_cli/store/yamlsafe.py
MAX_EVENTS = 1_000_000

# Short, common words; none contains "bestyr" (see --avoid), so searches stay comparable.
DA_WORDS = (
    "kommune borger skole plan aftale ansvar arbejde budget dialog ejendom fælles forslag "
    "forhandling grundlag havn hjælp indsats kontakt kvalitet lokal mål natur netværk opgave "
    "område politik praksis rammer region råd samarbejde service skov sundhed tilbud trafik "
    "udvikling uddannelse velfærd vand viden vej ældre børn familie klima kultur miljø "
    "erhverv digital data borgmester udvalg høring frist regnskab revision kontingent møde "
    "beslutning forening medlem valg periode"
).split()
EN_WORDS = (
    "municipality citizen school plan agreement responsibility work budget dialogue property "
    "common proposal negotiation basis harbour help effort contact quality local goal nature "
    "network task area policy practice framework region council cooperation service forest "
    "health offer traffic development education welfare water knowledge road elderly children "
    "family climate culture environment business digital data mayor committee consultation "
    "deadline accounts audit fee meeting decision association member election period"
).split()

KINDS = ("paragraph", "fact", "paragraph", "body")
CHOICES = ("mixed", "bodies", "sources")
FANOUT = 4  # linked bodies set up by each linked body (--kind bodies)
LINK_EVERY = 3  # one body in three is linked into the chart (--kind bodies)
URL_EVERY = 32  # one source in 32 has a URL (--kind sources)


class Flow(dict[str, Any]):
    """A mapping written in YAML flow style on one line: generated entries stay small."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """kl refuses anchors and aliases, so never emit them for repeated objects."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _flow(dumper: yaml.SafeDumper, data: Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


_Dumper.add_representer(Flow, _flow)


def _sentence(rng: random.Random, words: tuple[str, ...] | list[str], low: int, high: int) -> str:
    chosen = rng.choices(words, k=rng.randint(low, high))
    return " ".join(chosen).capitalize() + "."


def _title(rng: random.Random, words: list[str], most: int = 2) -> str:
    return " ".join(rng.choices(words, k=rng.randint(1, most))).capitalize()


def _text(rng: random.Random, low: int, high: int) -> dict[str, str]:
    return {"da": _sentence(rng, DA_WORDS, low, high), "en": _sentence(rng, EN_WORDS, low, high)}


def _fact(rng: random.Random, source_ids: list[str]) -> dict[str, Any]:
    k = 2 if rng.random() < 0.2 else 1
    return {"text": _text(rng, 2, 5), "sources": rng.sample(source_ids, k)}


def generate(base: dict[str, Any], n: int, seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Append `n` generated entries to `base` (in place); returns them by kind."""
    rng = random.Random(seed)
    # Cited by id; no id with the benchmark's query in it, so that no entry matches by its ids.
    source_ids = [s["id"] for s in base["sources"] if "bestyr" not in s["id"]]
    paragraph_ids = [p["id"] for p in base["statutes"]["paragraphs"]]
    added: dict[str, list[dict[str, Any]]] = {"paragraph": [], "fact": [], "body": []}
    for i in range(1, n + 1):
        kind = KINDS[(i - 1) % len(KINDS)]
        entry: dict[str, Any]
        if kind == "paragraph":
            entry = {
                "id": f"gen-p{i:05d}",
                "label": f"Gen. {i}",
                "title": {"da": _title(rng, DA_WORDS), "en": _title(rng, EN_WORDS)},
                "facts": [_fact(rng, source_ids)],
            }
            base["statutes"]["paragraphs"].append(entry)
        elif kind == "fact":
            entry = {"id": f"gen-f{i:05d}", **_fact(rng, source_ids)}
            base["about"]["facts"].append(entry)
        else:
            entry = {
                "id": f"gen-b{i:05d}",
                "name": {"da": _title(rng, DA_WORDS), "en": _title(rng, EN_WORDS)},
                "role": _fact(rng, source_ids),
                "paragraphs": [rng.choice(paragraph_ids)],
            }
            base["bodies"].append(entry)
        added[kind].append(entry)
    return added


def generate_bodies(base: dict[str, Any], n: int, seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Append `n` small bodies, one in three linked into the chart, to `base` (in place)."""
    rng = random.Random(seed)
    paragraph_ids = [p["id"] for p in base["statutes"]["paragraphs"]]
    base.setdefault("relations", [])
    added: dict[str, list[dict[str, Any]]] = {"body": [], "relation": []}
    linked: list[str] = []

    def relate(subject: str, relation: str, obj: str) -> None:
        edge = Flow(subject=subject, relation=relation, object=obj)
        if len(added["relation"]) % 10 == 9:
            edge["paragraph"] = rng.choice(paragraph_ids)
        edge["sources"] = ["seed"]
        base["relations"].append(edge)
        added["relation"].append(edge)

    for i in range(1, n + 1):
        body_id = f"gb{i:05d}"
        body = Flow(
            id=body_id,
            name=Flow(da=_title(rng, DA_WORDS, 1), en=_title(rng, EN_WORDS, 1)),
            role=Flow(text=_text(rng, 1, 1), sources=["seed"]),
        )
        base["bodies"].append(body)
        added["body"].append(body)
        if i % LINK_EVERY != 1:
            continue
        parent = linked[(len(linked) - 1) // FANOUT] if linked else "bestyrelse"
        relate(parent, "sets_up", body_id)
        if len(linked) % 50 == 25:
            relate(body_id, "advises", parent)
        elif len(linked) % 50 == 49:
            relate(body_id, "member_of", rng.choice(linked))
        linked.append(body_id)
    return added


def generate_sources(
    base: dict[str, Any], n: int, seed: int = 0
) -> dict[str, list[dict[str, Any]]]:
    """Append `n` sources to `base` (in place); one in 32 has a URL."""
    rng = random.Random(seed)
    added: dict[str, list[dict[str, Any]]] = {"source": []}
    for i in range(1, n + 1):
        source = Flow(
            id=f"gs{i:05d}", title=Flow(da=_title(rng, DA_WORDS, 1), en=_title(rng, EN_WORDS, 1))
        )
        if i % URL_EVERY == 0:
            source["url"] = f"https://example.org/{i}"
        base["sources"].append(source)
        added["source"].append(source)
    return added


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [s for key, value in obj.items() for s in (key, *_strings(value))]
    if isinstance(obj, list):
        return [s for item in obj for s in _strings(item)]
    return [obj] if isinstance(obj, str) else []


def dump(data: dict[str, Any], header: str) -> str:
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=4096,
    )
    return header + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a valid kl knowledge base with N generated entries added to the "
        "bundled one.",
    )
    parser.add_argument("entries", type=int, help="how many entries to add")
    parser.add_argument("-o", "--output", required=True, help="file to write (- for stdout)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--kind",
        choices=CHOICES,
        default="mixed",
        help="what to add: mixed entries (default), bodies linked into the chart, or sources",
    )
    parser.add_argument(
        "--base",
        default=str(Path(__file__).resolve().parent.parent / "data" / "kl.yaml"),
        help="knowledge base to start from (default: the repository's data/kl.yaml)",
    )
    parser.add_argument(
        "--avoid",
        default="bestyrelse",
        help="word no generated text may contain (default: bestyrelse, the benchmark's query)",
    )
    args = parser.parse_args(argv)
    if args.entries < 0:
        parser.error("entries must be 0 or more")
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # data/kl.yaml is our own, trusted file; kl's strict loader reads the result.
    with open(args.base, encoding="utf-8") as f:
        base = yaml.load(f, Loader=loader)
    make = {"mixed": generate, "bodies": generate_bodies, "sources": generate_sources}
    added = make[args.kind](base, args.entries, args.seed)
    avoid = args.avoid.casefold()
    # Relations hold ids only, and those of existing nodes (the bestyrelse sets up the first).
    texts = [entries for kind, entries in added.items() if kind != "relation"]
    if avoid and any(avoid in s.casefold() for s in _strings(texts)):
        print(f"gen_kb: generated text contains {args.avoid!r}", file=sys.stderr)
        return 1
    kind = "" if args.kind == "mixed" else f" --kind {args.kind}"
    header = (
        f"# Generated by bench/gen_kb.py {args.entries}{kind} --seed {args.seed} from "
        f"{Path(args.base).name}: synthetic entries for benchmarking, not facts about KL.\n"
    )
    text = dump(base, header)
    raw = text.encode("utf-8")
    if len(raw) > MAX_BYTES:
        print(
            f"gen_kb: {len(raw)} bytes is over kl's limit of {MAX_BYTES}; use fewer entries",
            file=sys.stderr,
        )
        return 1
    events = sum(1 for _ in yaml.parse(text, Loader=loader))
    if events > MAX_EVENTS:
        print(f"gen_kb: {events} parse events is over kl's limit of {MAX_EVENTS}", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.buffer.write(raw)
    else:
        Path(args.output).write_bytes(raw)
    plural = {"body": "bodies"}
    kinds = ", ".join(f"{len(v)} {plural.get(k, k + 's')}" for k, v in added.items())
    print(
        f"gen_kb: {args.output}: {args.entries} entries added ({kinds}); "
        f"{len(raw):,} bytes, {events:,} parse events",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
