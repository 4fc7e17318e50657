"""Every label kl prints around knowledge-base text, in Danish and English: one table."""

from __future__ import annotations

from kl_cli.core.models import Lang

LABELS: dict[str, dict[Lang, str]] = {
    "mission": {"da": "Mission", "en": "Mission"},
    "vision": {"da": "Vision", "en": "Vision"},
    "values": {"da": "Organisationsværdier", "en": "Organisational values"},
    "bodies": {"da": "Politiske organer", "en": "Political bodies"},
    "leadership": {"da": "Ledelsesadfærd", "en": "Leadership behaviours"},
    "facts": {"da": "Fakta", "en": "Facts"},
    "sources": {"da": "Kilder", "en": "Sources"},
    "more": {"da": "Læs mere", "en": "More"},
    "id": {"da": "id", "en": "id"},
    "name": {"da": "Navn", "en": "Name"},
    "role": {"da": "Rolle", "en": "Role"},
    "composition": {"da": "Sammensætning", "en": "Composition"},
    "election": {"da": "Valg", "en": "Election"},
    "meetings": {"da": "Møder", "en": "Meetings"},
    "term": {"da": "Periode", "en": "Term"},
    "paragraphs": {"da": "Paragraffer", "en": "Paragraphs"},
    "relations": {"da": "Relationer", "en": "Relations"},
    "units": {"da": "Enheder", "en": "Units"},
    "municipalities": {"da": "kommuner", "en": "municipalities"},
    "statutes": {"da": "KL's love", "en": "KL's statutes"},
    "edition": {"da": "Udgave", "en": "Edition"},
    "last_revised": {"da": "Senest revideret", "en": "Last revised"},
    "amendment": {"da": "Lovændring", "en": "Amending the statutes"},
    "delegates": {"da": "Stemmeberettigede delegerede", "en": "Voting delegates"},
    "services": {"da": "KL som medlemsorganisation", "en": "KL as a member organisation"},
    "international": {"da": "Internationalt arbejde og EU", "en": "International work and the EU"},
    "medium": {"da": "middel sikkerhed", "en": "medium confidence"},
    "low": {"da": "lav sikkerhed", "en": "low confidence"},
    "rule": {"da": "Regel", "en": "Rule"},
    "caveat": {"da": "Forbehold", "en": "Caveat"},
    "votes_needed": {"da": "Stemmer der kræves", "en": "Votes needed"},
    "arithmetic": {"da": "Udregning", "en": "Arithmetic"},
    "votes_for": {"da": "Stemmer for", "en": "Votes for"},
    "adopted": {"da": "Vedtaget", "en": "Adopted"},
    "yes": {"da": "ja", "en": "yes"},
    "no": {"da": "nej", "en": "no"},
    "example": {"da": "Eksempel", "en": "Example"},
    "cap": {"da": "Loft", "en": "Cap"},
    "population": {"da": "Indbyggere", "en": "Inhabitants"},
    "council_seats": {"da": "Pladser i kommunalbestyrelsen", "en": "Council seats"},
    "cap_applied": {"da": "Loftet anvendt", "en": "Cap applied"},
    "cap_confidence": {"da": "Loftets sikkerhed", "en": "Cap confidence"},
    "kb": {"da": "Vidensbase", "en": "Knowledge base"},
    # What a narrow terminal leaves out of kl org, in one dim line: the longest that fits.
    "narrow": {"da": "Smal terminal: {} udeladt", "en": "Narrow terminal: {} left out"},
    "narrow_short": {"da": "Smalt: {} udeladt", "en": "Narrow: {} left out"},
    "narrow_hint": {"da": "; se -f json", "en": "; see -f json"},
    "narrow_refs": {"da": "§ og kilder", "en": "§ and sources"},
    "narrow_levels": {"da": "§, kilder, dybe niveauer", "en": "§, sources, deep levels"},
    "elects": {"da": "vælger", "en": "elects"},
    "advises": {"da": "rådgiver", "en": "advises"},
    "sets_up": {"da": "nedsætter", "en": "sets up"},
    "member_of": {"da": "er medlem af", "en": "is a member of"},
    "decides": {"da": "beslutter", "en": "decides"},
}

# A relation seen from its object: "udvalg" is "set up by" the bestyrelse.
INVERSE: dict[str, dict[Lang, str]] = {
    "elects": {"da": "vælges af", "en": "elected by"},
    "advises": {"da": "rådgives af", "en": "advised by"},
    "sets_up": {"da": "nedsættes af", "en": "set up by"},
    "member_of": {"da": "har som medlemmer", "en": "has as members"},
    "decides": {"da": "besluttes af", "en": "decided by"},
}

# What the overview's "more" table lists: (command, what it shows).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("kl search TEXT...", "find any text, in Danish or English"),
    ("kl about", "mission, vision, purpose and general facts"),
    ("kl values [VALUE]", "the three organisational values"),
    ("kl leadership [VALUE]", "the leadership behaviours under each value"),
    ("kl bodies [BODY]", "the political bodies"),
    ("kl statutes [PARAGRAPH]", "the statutes; also: amendment, delegates"),
    ("kl org", "the organisation chart of the bodies"),
    ("kl services", "what KL does for its members"),
    ("kl international", "the international and EU work"),
    ("kl sources", "where every fact comes from"),
    ("kl export / kl validate", "your own copy of the knowledge base, checked"),
)


def label(key: str, lang: Lang) -> str:
    return LABELS[key][lang]
