"""`kl statutes [PARAGRAPH]`, `kl statutes amendment` and `kl statutes delegates`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kl_cli.core.kinds import titled
from kl_cli.core.models import KnowledgeBase, Lang, Paragraph
from kl_cli.core.rules import delegates_arithmetic, delegates_needed, voting_delegates
from kl_cli.present.doc import Block, Field, Fields, Heading, Para, Table
from kl_cli.present.i18n import confidence, label
from kl_cli.present.refs import Facts, Footnotes
from kl_cli.present.views import View

if TYPE_CHECKING:
    from kl_cli.present.shapes import (
        AmendmentData,
        DelegateInputs,
        DelegatesData,
        OneParagraphData,
        ParagraphData,
        ParagraphRow,
        StatutesData,
    )


def paragraph_data(f: Facts, p: Paragraph) -> ParagraphData:
    return {
        "id": p.id,
        "label": p.label,
        "numbered": p.numbered,
        "title": f.t(p.title),
        "facts": [f.fact(x) for x in p.facts],
    }


def number_shown(p: ParagraphRow | ParagraphData, lang: Lang) -> str:
    """What stands under '§': the label, or for a topic that its number is not in the sources."""
    return p["label"] if p["numbered"] else label("no_paragraph_number", lang)


def _amendment_data(f: Facts, kb: KnowledgeBase) -> AmendmentData:
    a = kb.statutes.amendment
    return {
        "rule": f.fact(a.rule),
        "fraction": {"numerator": a.numerator, "denominator": a.denominator},
        "caveat": f.fact(a.caveat),
    }


def statutes(kb: KnowledgeBase, lang: Lang, *, as_of: date) -> View:
    f = Facts(kb, lang, as_of)
    s = kb.statutes
    data: StatutesData = {
        "summary": [f.fact(x) for x in s.summary],
        "edition": f.fact(s.edition),
        "last_revised": s.last_revised,
        "last_revised_as_of": s.last_revised_as_of,
        "last_revised_sources": f.sources(s.revision.sources),
        "revision": f.fact(s.revision),
        "amendment": _amendment_data(f, kb),
        "paragraphs": [
            {"id": p.id, "label": p.label, "numbered": p.numbered, "title": f.t(p.title)}
            for p in s.paragraphs
        ],
    }
    return View("statutes", lang, data, statutes_doc, as_of=as_of)


def statutes_doc(data: StatutesData, lang: Lang) -> list[Block]:
    """The summary (the seed's, which states the 2/3 rule: shown once, there), the edition, the
    last revision with the date of the page that states it, and the paragraphs."""
    cited = [*data["summary"], data["edition"], data["revision"]]
    notes = Footnotes(lang, [x["sources"] for x in cited])
    as_of = data["last_revised_as_of"]
    revised_note = notes.refs(data["last_revised_sources"])
    if as_of:
        revised_note = f"({label('as_stated', lang).format(day=as_of)}) {revised_note}"
    return [
        Heading(label("statutes", lang)),
        *(Para("summary", x.get("text", ""), notes.note(x)) for x in data["summary"]),
        Fields(
            (
                Field(
                    "edition",
                    label("edition", lang),
                    data["edition"].get("text", ""),
                    notes.note(data["edition"]),
                ),
                Field(
                    "last_revised",
                    label("last_revised", lang),
                    data["last_revised"],
                    revised_note,
                    plain=(data["last_revised"], as_of or ""),
                ),
                Field(
                    "revision",
                    label("revision", lang),
                    data["revision"].get("text", ""),
                    notes.note(data["revision"]),
                ),
            )
        ),
        Table(
            (label("id", lang), "§", label("name", lang)),
            tuple((p["id"], number_shown(p, lang), p["title"]) for p in data["paragraphs"]),
            label("paragraphs", lang),
            key="paragraph",
        ),
        *notes.block(),
    ]


def paragraph(kb: KnowledgeBase, lang: Lang, p: Paragraph, *, as_of: date) -> View:
    data: OneParagraphData = {"paragraph": paragraph_data(Facts(kb, lang, as_of), p)}
    return View("paragraph", lang, data, paragraph_doc, as_of=as_of)


def paragraph_doc(data: OneParagraphData, lang: Lang) -> list[Block]:
    p = data["paragraph"]
    notes = Footnotes(lang, [x["sources"] for x in p["facts"]])
    if p["numbered"]:
        heading = f"{p['label']}: {p['title']}"
    else:  # a topic: its title, and its Danish name where that differs ("Membership fee")
        heading = titled(p["label"], p["title"])
        if heading != p["title"]:
            heading = f"{p['title']} ({p['label']})"
    return [
        Heading(heading, key="title", value=p["title"]),
        Fields(
            (
                Field("id", label("id", lang), p["id"]),
                Field("label", "§", number_shown(p, lang), plain=(p["label"],)),
            )
        ),
        *(Para("fact", x.get("text", ""), notes.note(x)) for x in p["facts"]),
        *notes.block(),
    ]


def amendment(
    kb: KnowledgeBase, lang: Lang, delegates: int | None, votes_for: int | None, *, as_of: date
) -> View:
    a = kb.statutes.amendment
    data = _amendment_data(Facts(kb, lang, as_of), kb)
    if delegates is not None:
        needed = delegates_needed(delegates, a.numerator, a.denominator)
        product = delegates * a.numerator
        data["delegates"] = delegates
        data["votes_needed"] = needed
        data["arithmetic"] = (
            f"{a.numerator}/{a.denominator} × {delegates} = {product}/{a.denominator}"
            f" → ⌈{product}/{a.denominator}⌉ = {needed}"
        )
        if votes_for is not None:
            data["votes_for"] = votes_for
            data["adopted"] = votes_for >= needed
    return View("amendment", lang, data, amendment_doc, as_of=as_of)


def amendment_doc(data: AmendmentData, lang: Lang) -> list[Block]:
    rule, caveat = data["rule"], data["caveat"]
    notes = Footnotes(lang, [rule["sources"], caveat["sources"]])
    fields = [
        Field("rule", label("rule", lang), rule.get("text", ""), notes.note(rule)),
        Field("caveat", label("caveat", lang), caveat.get("text", ""), notes.note(caveat)),
    ]
    if "delegates" in data:
        needed = data["votes_needed"]
        fields.append(Field("delegates", label("delegates", lang), str(data["delegates"])))
        fields.append(Field("votes_needed", label("votes_needed", lang), str(needed)))
        fields.append(Field("arithmetic", label("arithmetic", lang), data["arithmetic"]))
        if "votes_for" in data:
            votes_for, adopted = data["votes_for"], data["adopted"]
            fields.append(Field("votes_for", label("votes_for", lang), str(votes_for)))
            shown = (
                f"{label('yes', lang)} ({votes_for} ≥ {needed})"
                if adopted
                else f"{label('no', lang)} ({votes_for} < {needed})"
            )
            fields.append(
                Field("adopted", label("adopted", lang), shown, plain=(_yes_no(adopted),))
            )
    return [Heading(label("amendment", lang)), Fields(tuple(fields)), *notes.block()]


def _yes_no(flag: bool) -> str:
    """A boolean as plain output's token: `yes` or `no` in every language (people read ja/nej)."""
    return "yes" if flag else "no"


def delegates(
    kb: KnowledgeBase,
    lang: Lang,
    population: int,
    seats: int | None,
    *,
    as_of: date,
    inputs: DelegateInputs | None = None,
) -> View:
    """§ 4 for a population and, if known, a council size; `inputs` says where
    --municipality's figures came from (shown as kl's own computation)."""
    f = Facts(kb, lang, as_of)
    d = kb.statutes.delegates
    count, capped = voting_delegates(population, d.inhabitants_per_delegate, seats)
    arithmetic = delegates_arithmetic(population, d.inhabitants_per_delegate, seats)
    data: DelegatesData = {
        "rule": f.fact(d.rule),
        "cap": f.fact(d.cap),
        "population": population,
        "council_seats": seats,
        "delegates": count,
        "cap_applied": capped if seats is not None else None,
        "arithmetic": arithmetic,
        "computed_by_kl": True,
    }
    if d.example is not None:
        data["example"] = f.fact(d.example)
    if inputs is not None:
        data["municipality"] = inputs
    return View("delegates", lang, data, delegates_doc, as_of=as_of)


def delegates_doc(data: DelegatesData, lang: Lang) -> list[Block]:
    from kl_cli.present.views.municipalities import number

    rule, cap, example = data["rule"], data["cap"], data.get("example")
    inputs = data.get("municipality")
    given_pop = inputs.get("population") if inputs else None
    given_seats = inputs.get("council") if inputs else None
    notes = Footnotes(
        lang,
        [x["sources"] for x in (rule, cap, example, given_pop, given_seats) if x is not None],
    )
    fields = [
        Field("rule", label("rule", lang), rule.get("text", ""), notes.note(rule)),
        Field("cap", label("cap", lang), cap.get("text", ""), notes.note(cap)),
    ]
    if inputs is not None:
        fields.append(
            Field(
                "municipality",
                label("municipality", lang),
                inputs["name"],
                "",
                (inputs["id"], inputs["name"]),
            )
        )
    population_note = ""
    if given_pop is not None and given_pop["value"] == data["population"]:
        population_note = f"({given_pop['date']}) " + notes.note(given_pop)
    fields.append(
        Field(
            "population",
            label("population", lang),
            number(data["population"], lang),
            population_note,
            (str(data["population"]),),  # plain: the number as a script reads it
        )
    )
    if data["council_seats"] is not None:
        seats = str(data["council_seats"])
        seats_note = ""
        if given_seats is not None and given_seats["seats"] == data["council_seats"]:
            seats_note = notes.note(given_seats)
        fields.append(Field("council_seats", label("council_seats", lang), seats, seats_note))
    fields.append(Field("arithmetic", label("arithmetic", lang), data["arithmetic"]))
    capped = data["cap_applied"]
    count_note = notes.note(cap) if capped else ""
    if inputs is not None:
        count_note = (count_note + " " + label("computed_by_kl_short", lang)).strip()
    fields.append(Field("delegates", label("delegates", lang), str(data["delegates"]), count_note))
    if capped is None:
        fields.append(
            Field(
                "cap_applied",
                label("cap_applied", lang),
                label("cap_not_checked", lang),
                plain=("not-checked",),
            )
        )
    else:
        fields.append(
            Field(
                "cap_applied",
                label("cap_applied", lang),
                label(_yes_no(capped), lang),
                plain=(_yes_no(capped),),
            )
        )
    if "confidence" in cap:
        token = cap["confidence"]
        shown = confidence(token, lang)
        fields.append(Field("cap_confidence", label("cap_confidence", lang), shown, plain=(token,)))
    if example is not None:
        fields.append(
            Field("example", label("example", lang), example.get("text", ""), notes.note(example))
        )
    return [Heading(label("delegates", lang)), Fields(tuple(fields)), *notes.block()]
