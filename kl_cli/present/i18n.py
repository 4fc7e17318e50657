"""Every word kl prints around knowledge-base text, in Danish and English: labels, column
headers, command descriptions, confidence words, the kinds search names and the relation phrases.

One rule for labels and column headers in both languages: they start with a capital letter
(sentence case: "Id", "Navn", "Kommuner", "Senest revideret"); symbols (§, #) and acronyms (URL)
stay as they are. Words kl shows as running text (relation phrases, confidence words, the kinds
of search hits) are lower case, as they stand mid-sentence. Help and error messages are English
whatever --lang says (see the README).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kl_cli.core.models import Lang

if TYPE_CHECKING:
    from kl_cli.core.models import Edge
    from kl_cli.core.org import Graph

LABELS: dict[str, dict[Lang, str]] = {
    "mission": {"da": "Mission", "en": "Mission"},
    "vision": {"da": "Vision", "en": "Vision"},
    "values": {"da": "Organisationsværdier", "en": "Organisational values"},
    "bodies": {"da": "Politiske organer", "en": "Political bodies"},
    "leadership": {"da": "Ledelsesadfærd", "en": "Leadership behaviours"},
    "facts": {"da": "Fakta", "en": "Facts"},
    "sources": {"da": "Kilder", "en": "Sources"},
    "more": {"da": "Læs mere", "en": "More"},
    "command": {"da": "Kommando", "en": "Command"},
    "shows": {"da": "Viser", "en": "Shows"},
    "id": {"da": "Id", "en": "Id"},
    "name": {"da": "Navn", "en": "Name"},
    "title": {"da": "Titel", "en": "Title"},
    "aliases": {"da": "Slås også op som", "en": "Also looked up as"},
    "role": {"da": "Rolle", "en": "Role"},
    "composition": {"da": "Sammensætning", "en": "Composition"},
    "election": {"da": "Valg", "en": "Election"},
    "meetings": {"da": "Møder", "en": "Meetings"},
    "term": {"da": "Periode", "en": "Term"},
    "paragraphs": {"da": "Paragraffer", "en": "Paragraphs"},
    "relations": {"da": "Relationer", "en": "Relations"},
    "units": {"da": "Enheder", "en": "Units"},
    "municipalities": {"da": "Kommuner", "en": "Municipalities"},
    "statutes": {"da": "KL's love", "en": "KL's statutes"},
    "edition": {"da": "Udgave", "en": "Edition"},
    "last_revised": {"da": "Senest revideret", "en": "Last revised"},
    "revision": {"da": "Revision", "en": "Revision"},
    "amendment": {"da": "Lovændring", "en": "Amending the statutes"},
    "delegates": {"da": "Stemmeberettigede delegerede", "en": "Voting delegates"},
    "services": {"da": "KL som medlemsorganisation", "en": "KL as a member organisation"},
    "international": {"da": "Internationalt arbejde og EU", "en": "International work and the EU"},
    "medium": {"da": "middel sikkerhed", "en": "medium confidence"},
    "low": {"da": "lav sikkerhed", "en": "low confidence"},
    "last_known": {"da": "senest kendt", "en": "last known"},
    "role_formand": {"da": "Formand", "en": "Chairman"},
    "role_naestformand": {"da": "Næstformand", "en": "Vice chairman"},
    "role_medlem": {"da": "Medlem", "en": "Member"},
    "forecast": {"da": "forventning (ikke bekræftet)", "en": "forecast (not confirmed)"},
    "forecast_head": {"da": "Forventning (ikke bekræftet)", "en": "Forecast (not confirmed)"},
    "current": {"da": "nu", "en": "current"},
    "ended": {"da": "afsluttet", "en": "ended"},
    "future": {"da": "senere", "en": "later"},
    "period": {"da": "Periode", "en": "Period"},
    "where": {"da": "Hvor", "en": "Where"},
    "holder": {"da": "Hvem", "en": "Who"},
    "status": {"da": "Status", "en": "Status"},
    "not_confirmed": {
        "da": "ingen bekræftet pr. {day}",
        "en": "none confirmed as of {day}",
    },
    "last_confirmed": {"da": "Senest bekræftet", "en": "Last confirmed"},
    "none_known": {"da": "ingen i kilderne", "en": "none in the sources"},
    "people": {"da": "Personer", "en": "People"},
    "posts_as_of": {"da": "Poster", "en": "Posts"},
    "holders_as_of": {"da": "Posterne pr. {day}", "en": "Posts as of {day}"},
    "history": {"da": "Historik", "en": "History"},
    "committees_as_of": {"da": "Udvalg pr. {day}", "en": "Sub-Committees as of {day}"},
    "committees_last_known": {
        "da": "Udvalg pr. {day}: ingen kendt; senest kendte periode",
        "en": "Sub-Committees as of {day}: none known; the last period known",
    },
    "committees_word": {"da": "udvalg", "en": "Sub-Committees"},
    "committees_by_period": {"da": "Udvalg efter periode", "en": "Sub-Committees by period"},
    "regions_title": {"da": "Regionerne", "en": "The regions"},
    "region_history": {"da": "Regioner", "en": "Regions"},
    "council_history": {"da": "Pladser i kommunalbestyrelsen", "en": "Council seats"},
    "population_history": {"da": "Indbyggertal", "en": "Population figures"},
    "date": {"da": "Dato", "en": "Date"},
    "count_in_period": {"da": "Antal {period}", "en": "Number {period}"},
    "electoral_periods": {"da": "KL's valgperioder", "en": "KL's electoral periods"},
    "starts": {"da": "Begynder", "en": "Starts"},
    "ends": {"da": "Slutter", "en": "Ends"},
    "kkr_members_as_of": {
        "da": "Kommunerne i hvert KKR pr. {day}",
        "en": "The municipalities in each KKR as of {day}",
    },
    "municipality": {"da": "Kommune", "en": "Municipality"},
    "computed_by_kl_short": {"da": "(kl's egen udregning)", "en": "(kl's own computation)"},
    "cap_not_checked": {
        "da": "ikke kontrolleret: angiv --council-seats eller --municipality",
        "en": "not checked: give --council-seats or --municipality",
    },
    "word_high": {"da": "høj", "en": "high"},
    "word_medium": {"da": "middel", "en": "medium"},
    "word_low": {"da": "lav", "en": "low"},
    "review_title": {"da": "Gennemgang pr. {day}", "en": "Review as of {day}"},
    "review_ended": {
        "da": "Udløbet, uden noget gældende i stedet",
        "en": "Ended, with nothing current in its place",
    },
    "review_disagree": {"da": "Kilderne er uenige", "en": "The sources disagree"},
    "review_unsure": {"da": "Middel eller lav sikkerhed", "en": "Medium or low confidence"},
    "review_old_source": {
        "da": "Kilder ældre end {years} år",
        "en": "Sources older than {years} years",
    },
    "review_undated_source": {"da": "Udaterede kilder", "en": "Undated sources"},
    "detail": {"da": "Detalje", "en": "Detail"},
    "what": {"da": "Hvad", "en": "What"},
    "none": {"da": "ingen", "en": "none"},
    "period_as_of": {
        "da": "Pr. {day} er KL i valgperioden {period}.",
        "en": "On {day} KL is in the electoral period {period}.",
    },
    "chair_is": {"da": "Formand: {who}.", "en": "Chairman: {who}."},
    "not_covered": {
        "da": "Kilderne dækker endnu ikke perioden: ingen bekræftet formand; senest bekræftet: "
        "{last}. Se kl bodies formand.",
        "en": "The sources do not cover it yet: no confirmed chairman; last confirmed: {last}. "
        "See kl bodies formand.",
    },
    "municipalities_title": {
        "da": "KL's {n} medlemskommuner pr. {day}",
        "en": "KL's {n} member municipalities as of {day}",
    },
    "code": {"da": "Kode", "en": "Code"},
    "region": {"da": "Region", "en": "Region"},
    "kkr_unknown": {
        "da": "Kilderne siger endnu ikke, hvordan KL organiserer sine KKR efter sammenlægningen "
        "af Region Hovedstaden og Region Sjælland 1. januar 2027.",
        "en": "The sources do not yet say how KL organises its KKR after Region Hovedstaden and "
        "Region Sjælland merge on 1 January 2027.",
    },
    "gap": {"da": "ikke i kilderne", "en": "not in the sources"},
    "computed_by_kl": {
        "da": "kl's egen udregning efter § 4, indbyggertal pr. {day}",
        "en": "kl's own computation under § 4, population as of {day}",
    },
    "delegates_unknown": {
        "da": "kan ikke udregnes pr. {day}: indbyggertal eller pladser mangler",
        "en": "cannot be computed as of {day}: population or council size missing",
    },
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
    "bundled": {"da": "indbygget", "en": "bundled"},
    "kb_version": {"da": "Version", "en": "Version"},
    "last_reviewed": {"da": "Senest gennemgået", "en": "Last reviewed"},
    "url": {"da": "URL", "en": "URL"},
    "notes": {"da": "Noter om kilderne", "en": "Notes on the sources"},
    "note": {"da": "Note", "en": "Note"},
    "org": {"da": "KL's politiske organisation", "en": "KL's political organisation"},
    "search": {"da": "Søgning: {query}", "en": "Search: {query}"},
    "hits_one": {"da": "1 træf", "en": "1 hit"},
    "hits_all": {"da": "{total} træf", "en": "{total} hits"},
    "hits_some": {
        "da": "{total} træf, de første {shown} vises",
        "en": "{total} hits, the first {shown} shown",
    },
    "elects": {"da": "vælger", "en": "elects"},
    "advises": {"da": "rådgiver", "en": "advises"},
    "sets_up": {"da": "nedsætter", "en": "sets up"},
    "member_of": {"da": "er medlem af", "en": "is a member of"},
    "decides": {"da": "beslutter", "en": "decides"},
    "sends_delegates_to": {"da": "vælger delegerede til", "en": "elects delegates to"},
    "approves": {"da": "godkender", "en": "approves"},
    "summits": {"da": "Kommunalpolitiske Topmøder", "en": "Local Government Summits"},
    "summit_notes": {"da": "Om Topmøderne", "en": "About the Summits"},
    "place": {"da": "Sted", "en": "Place"},
    "cancelled": {"da": "aflyst", "en": "cancelled"},
    "cancelled_head": {"da": "Aflyst", "en": "Cancelled"},
    "as_stated": {
        "da": "ifølge KL's side om lovene, ca. {day}",
        "en": "according to KL's statutes page, c. {day}",
    },
    "no_paragraph_number": {"da": "nr. ikke i kilderne", "en": "number not in the sources"},
}

# The confidence of a fact, as a word (the data's token is the English one).
CONFIDENCE: dict[str, dict[Lang, str]] = {
    "high": {"da": "høj", "en": "high"},
    "medium": {"da": "middel", "en": "medium"},
    "low": {"da": "lav", "en": "low"},
}

# The general facts of `kl about`, by their id; a fact with an id not listed here is shown
# under its id (a knowledge base of one's own may add facts).
FACTS: dict[str, dict[Lang, str]] = {
    "members": {"da": "Medlemmer", "en": "Members"},
    "name": {"da": "Navn", "en": "Name"},
    "founded": {"da": "Dannet", "en": "Founded"},
    "employer": {"da": "Arbejdsgiver", "en": "Employer"},
    "economy": {"da": "Økonomi", "en": "Economy"},
    "address": {"da": "Adresse", "en": "Address"},
}

# The kinds search hits name (kl_cli/core/kinds.py, hit_kind), as people read them; JSON and
# plain keep the kind's token.
HIT_KINDS: dict[str, dict[Lang, str]] = {
    "about": {"da": "om KL", "en": "about KL"},
    "value": {"da": "værdi", "en": "value"},
    "behaviour": {"da": "ledelsesadfærd", "en": "behaviour"},
    "body": {"da": "organ", "en": "body"},
    "actor": {"da": "aktør", "en": "actor"},
    "statute": {"da": "love", "en": "statutes"},
    "services": {"da": "medlemsorganisation", "en": "services"},
    "international": {"da": "internationalt", "en": "international"},
    "source": {"da": "kilde", "en": "source"},
    "meeting": {"da": "topmøde", "en": "summit"},
    "person": {"da": "person", "en": "person"},
    "post": {"da": "post", "en": "post"},
    "committee": {"da": "udvalg", "en": "sub-committee"},
    "committee_count": {"da": "udvalg", "en": "sub-committees"},
    "period": {"da": "valgperiode", "en": "electoral period"},
    "region": {"da": "region", "en": "region"},
    "municipality": {"da": "kommune", "en": "municipality"},
}

# A relation seen from its object: "udvalg" is "set up by" the bestyrelse.
INVERSE: dict[str, dict[Lang, str]] = {
    "elects": {"da": "vælges af", "en": "elected by"},
    "advises": {"da": "rådgives af", "en": "advised by"},
    "sets_up": {"da": "nedsættes af", "en": "set up by"},
    "member_of": {"da": "har som medlemmer", "en": "has as members"},
    "decides": {"da": "besluttes af", "en": "decided by"},
    "sends_delegates_to": {
        "da": "består af delegerede valgt af",
        "en": "is made up of delegates elected by",
    },
    "approves": {"da": "godkendes af", "en": "approved by"},
}

# English verbs agree with a plural subject ("The mayors are members of"); Danish verbs do not
# change with number, and the passive phrases ("elected by") have no number.
PLURAL: dict[str, str] = {
    "elects": "elect",
    "advises": "advise",
    "sets_up": "set up",
    "member_of": "are members of",
    "decides": "decide",
    "sends_delegates_to": "elect delegates to",
    "approves": "approve",
}
INVERSE_PLURAL: dict[str, str] = {
    "member_of": "have as members",
    "sends_delegates_to": "are made up of delegates elected by",
}

# What the overview's "more" table lists: (command, what it shows in Danish, in English).
# Command names and their metavars are names, the same in both languages.
COMMANDS: tuple[tuple[str, dict[Lang, str]], ...] = (
    (
        "kl search TEXT...",
        {
            "da": "find en tekst, på dansk eller engelsk",
            "en": "find any text, in Danish or English",
        },
    ),
    (
        "kl about",
        {
            "da": "mission, vision, formål og generelle fakta",
            "en": "mission, vision, purpose and general facts",
        },
    ),
    (
        "kl values [VALUE]",
        {"da": "de tre organisationsværdier", "en": "the three organisational values"},
    ),
    (
        "kl leadership [VALUE]",
        {
            "da": "ledelsesadfærden under hver værdi",
            "en": "the leadership behaviours under each value",
        },
    ),
    ("kl bodies [BODY]", {"da": "de politiske organer", "en": "the political bodies"}),
    (
        "kl statutes [PARAGRAPH]",
        {
            "da": "lovene; også lovændringer og delegerede",
            "en": "the statutes; also: amendment, delegates",
        },
    ),
    (
        "kl org",
        {"da": "organisationsdiagram over organerne", "en": "the organisation chart of the bodies"},
    ),
    ("kl services", {"da": "hvad KL gør for sine medlemmer", "en": "what KL does for its members"}),
    (
        "kl international",
        {"da": "det internationale arbejde og EU", "en": "the international and EU work"},
    ),
    (
        "kl sources [SOURCE]",
        {"da": "hvor hver oplysning kommer fra", "en": "where every fact comes from"},
    ),
    (
        "kl export / kl validate",
        {
            "da": "din egen kopi af vidensbasen, kontrolleret",
            "en": "your own copy of the knowledge base, checked",
        },
    ),
)


def label(key: str, lang: Lang) -> str:
    return LABELS[key][lang]


def fact_label(fact_id: str, lang: Lang) -> str:
    """A general fact's label: its word in `lang`, or its id when kl has none for it."""
    return FACTS[fact_id][lang] if fact_id in FACTS else fact_id


def confidence(token: str, lang: Lang) -> str:
    return CONFIDENCE[token][lang] if token in CONFIDENCE else token


def hit_kind(kind: str, lang: Lang) -> str:
    return HIT_KINDS[kind][lang] if kind in HIT_KINDS else kind


def relation(relation_id: str, lang: Lang, *, plural: bool = False, inverse: bool = False) -> str:
    """The relation as a phrase, its verb agreeing with the subject in English.

    `inverse`: seen from the object ("elected by"), whose number `plural` then is.
    """
    if lang == "en" and plural:
        forms = INVERSE_PLURAL if inverse else PLURAL
        if relation_id in forms:
            return forms[relation_id]
    return (INVERSE if inverse else LABELS)[relation_id][lang]


def relation_of(relation_id: str, lang: Lang, subject_number: str) -> str:
    """The relation's phrase for a subject of this grammatical number ("singular", "plural")."""
    return relation(relation_id, lang, plural=subject_number == "plural")


def at_start(name: str) -> str:
    """A name where it begins a line or a sentence: its first letter capitalised. Names of
    actors are written as they stand mid-sentence ("the mayors", "kommunerne")."""
    return name[:1].upper() + name[1:]


def edge_sentence(graph: Graph, edge: Edge, lang: Lang) -> str:
    """'The mayors are members of Committee of Representatives': the verb agrees with the
    subject, which begins the sentence; the object's name stands as written."""
    subject = graph.node(edge.subject)
    phrase = relation_of(edge.relation, lang, subject.number)
    return f"{at_start(subject.name.get(lang))} {phrase} {graph.node(edge.object).name.get(lang)}"
