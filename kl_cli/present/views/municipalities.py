"""`kl municipalities [NAME|CODE]` (`kl kommuner`): the 98 member municipalities with code,
region and KKR on the day asked; for one, its council size, population and § 4 delegates, each
with its date and sources."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from kl_cli.core import holders
from kl_cli.core.models import KnowledgeBase, Lang, Municipality
from kl_cli.core.rules import delegates_arithmetic, voting_delegates
from kl_cli.present.doc import Block, Field, Fields, Heading, Para, Table
from kl_cli.present.i18n import label
from kl_cli.present.refs import Facts, Footnotes, when
from kl_cli.present.views import View, day

if TYPE_CHECKING:
    from kl_cli.present.shapes import (
        ComputedDelegates,
        MunicipalitiesData,
        MunicipalityData,
        RegionRow,
    )


def _region_names(kb: KnowledgeBase, f: Facts) -> dict[str, str]:
    return {r.id: f.t(r.name) for r in kb.regions}


def _unit_names(kb: KnowledgeBase, f: Facts) -> dict[str, str]:
    return {u.id: f.t(u.name) for b in kb.bodies for u in b.units}


class _Names:
    """Region and KKR names in one language, looked up once a view."""

    def __init__(self, kb: KnowledgeBase, f: Facts):
        self.regions = _region_names(kb, f)
        self.units = _unit_names(kb, f)


def municipality_data(
    f: Facts, kb: KnowledgeBase, m: Municipality, places: holders.Places, names: _Names
) -> MunicipalityData:
    """A municipality's row of the list: code, name, region and KKR on the day."""
    answer, kkr = places.region(m)
    out: dict[str, Any] = {"id": m.id, "code": m.code, "name": m.name}
    region = answer.current or answer.last_known
    regions, units = names.regions, names.units
    if region:
        r = region[0]
        out["region"] = {"id": r.entry.region, "name": regions.get(r.entry.region, "")}
        f.dated(out["region"], r.entry)
    else:
        out["region"] = None
    out["kkr"] = {"id": kkr, "name": units.get(kkr, "")} if kkr else None
    return cast("MunicipalityData", out)


def municipality_full(f: Facts, kb: KnowledgeBase, m: Municipality) -> MunicipalityData:
    """One municipality in full: its row, then every region, council size and population
    figure with their dates and sources, and its § 4 delegates on the day."""
    places = holders.Places(kb, f.periods, f.as_of)
    names = _Names(kb, f)
    regions = names.regions
    out: dict[str, Any] = dict(municipality_data(f, kb, m, places, names))
    out["sources"] = f.sources(m.sources)
    if m.confidence:
        out["confidence"] = m.confidence
    if m.note is not None:
        out["note"] = f.t(m.note)

    def noted(entry: Any, item: dict[str, Any]) -> Any:
        if entry.note is not None:
            item["note"] = f.t(entry.note)
        return item

    out["regions"] = [
        noted(r, {"id": r.region, "name": regions.get(r.region, "")} | f.fact(r, text=False))
        for r in m.regions
    ]
    out["council"] = [noted(c, {"seats": c.seats} | f.fact(c, text=False)) for c in m.council]
    out["population"] = [
        noted(p, {"value": p.value, "date": p.date} | f.fact(p, text=False)) for p in m.population
    ]
    out["delegates"] = _delegates(f, kb, places.place(m))
    return cast("MunicipalityData", out)


def _delegates(f: Facts, kb: KnowledgeBase, place: holders.Place) -> ComputedDelegates | None:
    """§ 4 for this municipality when both inputs are known on the day: kl's own computation."""
    council = place.council.current
    population = place.population
    if not council or population is None:
        return None
    per = kb.statutes.delegates.inhabitants_per_delegate
    results = {voting_delegates(population.value, per, c.entry.seats) for c in council}
    if len(results) > 1:
        return None  # the sources disagree on the council size, and it changes the answer
    seats = min(c.entry.seats for c in council)
    count, capped = voting_delegates(population.value, per, seats)
    cap = kb.statutes.delegates.cap
    return {
        "delegates": count,
        "population": population.value,
        "population_date": population.date,
        "council_seats": seats,
        "cap_applied": capped,
        "cap_confidence": cap.confidence or "high",
        "arithmetic": delegates_arithmetic(population.value, per, seats),
        "computed_by_kl": True,
    }


def municipalities(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    places = holders.Places(kb, f.periods, as_of)
    names = _Names(kb, f)
    rows = [
        municipality_data(f, kb, m, places, names)
        for m in sorted(kb.municipalities, key=lambda m: m.code)
    ]
    data: MunicipalitiesData = {
        "municipalities": rows,
        # whether the sources say which KKR each municipality is in on the day
        "kkr_after_merger_known": all(row["kkr"] for row in rows),
        "regions": [_region_data(f, r) for r in kb.regions],
    }
    return View("municipalities", lang, data, municipalities_doc, as_of=as_of)


def _region_data(f: Facts, r: Any) -> RegionRow:
    out: dict[str, Any] = {"id": r.id, "name": f.t(r.name)} | f.fact(r, text=False)
    if r.kkr is not None:
        out["kkr"] = r.kkr
    if r.note is not None:
        out["note"] = f.t(r.note)
    return cast("RegionRow", out)


def municipalities_doc(data: MunicipalitiesData, lang: Lang) -> list[Block]:
    rows = tuple(
        (
            m["code"],
            m["id"],
            m["name"],
            m["region"]["name"] if m["region"] else "—",
            m["kkr"]["name"] if m["kkr"] else "—",
        )
        for m in data["municipalities"]
    )
    blocks: list[Block] = [
        Heading(label("municipalities_title", lang).format(n=len(rows), day=day(data))),
        Table(
            (
                label("code", lang),
                label("id", lang),
                label("name", lang),
                label("region", lang),
                "KKR",
            ),
            rows,
        ),
    ]
    if not data["kkr_after_merger_known"]:
        blocks.append(Para("kkr_unknown", label("kkr_unknown", lang)))
    regions = data.get("regions", [])
    if regions:
        notes = Footnotes(lang, [r["sources"] for r in regions])
        blocks.append(
            Table(
                (label("id", lang), label("name", lang), label("period", lang), "KKR"),
                tuple(
                    (
                        r["id"],
                        r["name"],
                        r["period"]["label"] if "period" in r else "",
                        r.get("kkr", "-"),
                    )
                    for r in regions
                ),
                label("regions_title", lang),
                key="region",
                notes=tuple(notes.note(r) for r in regions),
            )
        )
        blocks += [Para("region_note", f"{r['name']}: {r['note']}") for r in regions if "note" in r]
        blocks += notes.block()
    return blocks


def municipality(kb: KnowledgeBase, lang: Lang, m: Municipality, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    data = {"municipality": municipality_full(f, kb, m)}
    return View("municipality", lang, data, municipality_doc, as_of=as_of)


def municipality_doc(data: dict[str, Any], lang: Lang) -> list[Block]:
    m: MunicipalityData = data["municipality"]
    as_of = data["as_of"]
    cited = [m.get("sources", [])]
    cited += [
        x["sources"]
        for x in (*m.get("regions", []), *m.get("council", []), *m.get("population", []))
    ]
    notes = Footnotes(lang, cited)
    region = m["region"]
    fields = [
        Field("code", label("code", lang), m["code"]),
        Field("id", label("id", lang), m["id"]),
        Field("name", label("name", lang), m["name"], notes.note(cast("Any", m))),
    ]
    if region is not None:
        fields.append(
            Field(
                "region",
                label("region", lang),
                region["name"],
                when(region, lang),
                (region["id"], region["name"]),
            )
        )
    if m["kkr"] is not None:
        fields.append(Field("kkr", "KKR", m["kkr"]["name"], "", (m["kkr"]["id"], m["kkr"]["name"])))
    else:
        unknown = label("kkr_unknown", lang)
        fields.append(Field("kkr", "KKR", unknown, "", ("-", unknown)))
    council = [c for c in m.get("council", []) if c.get("current")]
    if not council:  # the latest that had begun: shown as last known, with its period
        begun = [
            c
            for c in m.get("council", [])
            if "period" in c and (c["period"]["from"] or "") <= as_of
        ]
        council = begun[-1:]
    for c in council:
        fields.append(
            Field(
                "council_seats",
                label("council_seats", lang),
                str(c["seats"]),
                notes.note(cast("Any", c)),
                (str(c["seats"]), "yes" if c.get("current") else "no"),
            )
        )
    if not council:
        fields.append(
            Field(
                "council_seats",
                label("council_seats", lang),
                label("gap", lang),
                "",
                ("-", label("gap", lang)),
            )
        )
    known = [p for p in m.get("population", []) if p["date"] <= as_of]
    latest = max(known, key=lambda p: p["date"]) if known else None
    if latest is not None:
        fields.append(
            Field(
                "population",
                label("population", lang),
                number(latest["value"], lang),
                f"({latest['date']}) " + notes.note(cast("Any", latest)),
                (str(latest["value"]), latest["date"]),
            )
        )
    else:
        fields.append(
            Field(
                "population",
                label("population", lang),
                label("gap", lang),
                "",
                ("-", label("gap", lang)),
            )
        )
    d = m.get("delegates")
    if d is not None:
        fields.append(
            Field(
                "delegates",
                label("delegates", lang),
                str(d["delegates"]),
                label("computed_by_kl", lang).format(day=d["population_date"]),
            )
        )
        fields.append(Field("arithmetic", label("arithmetic", lang), d["arithmetic"]))
    else:
        fields.append(
            Field(
                "delegates",
                label("delegates", lang),
                label("delegates_unknown", lang).format(day=as_of),
                "",
                ("-", label("delegates_unknown", lang).format(day=as_of)),
            )
        )
    about = [Para("note", m["note"])] if "note" in m else []
    return [
        Heading(m["name"]),
        Fields(tuple(fields)),
        *about,
        *_history(m, notes, lang),
        *notes.block(),
    ]


def _history(m: MunicipalityData, notes: Footnotes, lang: Lang) -> list[Block]:
    """Every region membership, council size and population figure with its date, source
    markers and note: what the fields above chose from."""

    def when_of(x: Any) -> str:
        return str(x["period"]["label"]) if "period" in x else ""

    def marks(x: Any) -> str:
        return notes.note(cast("Any", {k: v for k, v in x.items() if k != "period"}))

    blocks: list[Block] = []
    tables = (
        (
            "region_history",
            "region",
            m.get("regions", []),
            lambda x: (x["id"], x["name"], when_of(x)),
        ),
        (
            "council_history",
            "council",
            m.get("council", []),
            lambda x: (str(x["seats"]), when_of(x), "yes" if x.get("current") else "no"),
        ),
        (
            "population_history",
            "population_figure",
            m.get("population", []),
            lambda x: (str(x["value"]), x["date"], number(x["value"], lang)),
        ),
    )
    heads = {
        "region": (label("id", lang), label("name", lang), label("period", lang)),
        "council": (label("council_seats", lang), label("period", lang), label("current", lang)),
        "population_figure": (label("population", lang), label("date", lang), ""),
    }
    for title, key, rows, cells in tables:
        if not rows:
            continue
        blocks.append(
            Table(
                heads[key],
                tuple(cells(x) for x in rows),
                label(title, lang),
                key=key,
                notes=tuple(marks(x) for x in rows),
            )
        )
        blocks += [Para(f"{key}_note", x["note"]) for x in rows if "note" in x]
    return blocks


def number(value: int, lang: Lang) -> str:
    """A whole number as a reader writes it: 361.544 in Danish, 361,544 in English."""
    shown = f"{value:,}"
    return shown.replace(",", ".") if lang == "da" else shown
