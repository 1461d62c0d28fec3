"""What a participant's sentence does: introduce a person, tell what happened, act, weigh...

The guide says, per section, which kinds of answer belong there (``answer_kinds``); this
module recognises the kinds in a sentence from the form of Dutch (and Flemish) speech, not
from the topic: a first-person past tense ("ik heb gebeld", "toen ben ik gaan praten") is an
action, "aan de ene kant", "ik twijfelde", "ik had ook kunnen" are weighing, "ik vind" and
"voor mij" are values, and so on. Each kind gives a score with the words that gave it, so a
placement can say why.

The kinds, and what they look for:

- ``person``: who someone is and what they do ("ik ben ... als", "ik werk al tien jaar");
- ``events``: what happened, told in the past tense about others ("er kwam", "zij wilde");
  what made it hard ("lastig", "ik wist niet wat");
- ``actions``: what the speaker did, in the past tense ("ik heb ... gesproken", "we belden");
- ``weighing``: doubt and options ("twijfel", "aan de andere kant", "had ook kunnen");
- ``values``: what matters ("ik vind", "belangrijk", "voor mij", "het gaat erom");
- ``definition``: an image of good work, a lesson, advice ("goed werk is", "je moet",
  "meegeven", "geleerd", "trots").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goodwork_pipeline.drafting.answer_model import NONE, features, prior, probabilities
from goodwork_pipeline.text_nl import fold, words

ANSWER_KINDS = ("person", "events", "actions", "weighing", "values", "definition")

KIND_NL = {
    "person": "vertelt wie iemand is",
    "events": "vertelt wat er gebeurde",
    "actions": "vertelt wat de deelnemer deed",
    "weighing": "weegt af, twijfelt",
    "values": "zegt wat belangrijk is",
    "definition": "zegt wat goed werk is",
}

CAP = 1.5  # the forms of one kind never count for more than this in one sentence
HIT = 0.6  # one sign of a kind
# The learned reader: per unit of probability over the kind's share of all answers plus a
# margin (so a bland "Ja, heel veel." is no action just because actions are common); chosen
# out of fold on tune/ (bench/train_answer_model.py --check)
MODEL = 2.5
MODEL_MARGIN = 0.1

_SUBJECT_1 = r"(?:ik|we|wij|'k)"
# Past tenses and participles that are thinking or feeling, not doing.
_NOT_ACTIONS = frozenset(
    [
        "dacht",
        "dachten",
        "wist",
        "wisten",
        "vond",
        "vonden",
        "twijfelde",
        "twijfelden",
        "voelde",
        "voelden",
        "wilde",
        "wilden",
        "moest",
        "moesten",
        "kon",
        "konden",
        "mocht",
        "mochten",
        "zou",
        "zouden",
        "hoopte",
        "merkte",
        "merkten",
        "was",
        "waren",
        "had",
        "hadden",
        "werd",
        "werden",
        "zag",
        "zagen",
        "snapte",
        "begreep",
        "gedacht",
        "getwijfeld",
        "gevonden",
        "geleerd",
        "gevoeld",
        "geweten",
        "gehad",
        "geweest",
        "gezien",
        "gemerkt",
        "gehoopt",
        "gewild",
        "gemoeten",
        "gekund",
        "gemogen",
        "geworden",
        "gebeurd",
        "begrepen",
        "vergeten",
        "verwacht",
    ]
)
_STRONG_PAST = frozenset(
    [
        "ging",
        "gingen",
        "sprak",
        "spraken",
        "vroeg",
        "vroegen",
        "zei",
        "zeiden",
        "nam",
        "namen",
        "gaf",
        "gaven",
        "koos",
        "kozen",
        "liep",
        "liepen",
        "bleef",
        "bleven",
        "besloot",
        "besloten",
        "schreef",
        "schreven",
        "zocht",
        "zochten",
        "bracht",
        "brachten",
        "liet",
        "lieten",
        "kwam",
        "kwamen",
        "trok",
        "deed",
        "deden",
        "hielp",
        "hielpen",
        "riep",
        "stond",
        "stonden",
        "hield",
        "hielden",
        "belde",
        "sloot",
        "sloten",
        "droeg",
        "bood",
        "boden",
    ]
)
# Particles of separable verbs, longest first ('bijeen' before 'bij').
_PARTICLES = (
    "samen",
    "bijeen",
    "terug",
    "binnen",
    "buiten",
    "achter",
    "langs",
    "tegen",
    "over",
    "door",
    "voor",
    "rond",
    "neer",
    "mee",
    "aan",
    "uit",
    "bij",
    "toe",
    "weg",
    "los",
    "af",
    "in",
    "na",
    "om",
    "op",
)
_HAVE = frozenset(["heb", "hebben", "had", "hadden", "hebt", "heeft"])
_AUX = _HAVE | frozenset(["ben", "zijn", "was", "waren", "is", "bent"])
# Someone else as the subject of a perfect tense ("hij heeft ... gebeld", "ze is gebleven")
_OTHER_SUBJECTS = frozenset(
    ["hij", "zij", "ze", "men", "iemand", "niemand", "iedereen", "mevrouw", "meneer"]
)
_PERSON_VERBS = r"(?:ben|werk|zit|studeer|heet|doe|geef|leid|begeleid|coordineer|volg)"
_ROLE_WORDS = re.compile(
    r"\b(?:als|functie|rol|beroep|vak|opleiding|studie|student|stage|jaar|jaren|sinds|"
    r"afdeling|team|teams|organisatie|school|werk|leerjaar|collega's|klas)\b"
)
# Job titles: 'programmamanager', 'verpleegkundige', 'teamleider', 'docent', 'coach' ...
_ROLE_NOUN = re.compile(
    r"\b\w*(?:manager|leider|coach|kundige|verzorgende|docent|leraar|lerares|juf|meester|"
    r"begeleider|medewerker|adviseur|coordinator|directeur|arts|therapeut|consulent|"
    r"student|stagiair|werker|agoog)\b"
)
_EVENT_START = re.compile(
    r"\b(?:er (?:was|waren|kwam|kwamen|werd|ontstond|gebeurde|lag)|het (?:was|ging|begon|"
    r"liep)|dat was|op een (?:gegeven )?(?:moment|dag|avond|ochtend|nacht)|"
    r"die (?:dag|avond|week|nacht)|vorig (?:jaar|schooljaar)|vorige (?:week|maand|zomer)|"
    r"laatst|onlangs|een tijd geleden|een keer|had ik (?:een|twee|drie)|hadden we (?:een|"
    r"twee|drie))\b"
)
_OTHERS = (
    r"(?:hij|zij|ze|mevrouw|meneer|de \w+|een \w+|haar \w+|zijn \w+|mijn \w+|het team|"
    r"iemand|niemand|de familie|hun \w+)"
)
_OTHER_PAST = re.compile(
    rf"\b{_OTHERS} (?:\w+ )?(?:was|waren|had|hadden|kwam|kwamen|wilde|wilden|werd|werden|"
    r"ging|gingen|zei|zeiden|kon|konden|mocht|moest|weigerde|vond|riep|belde|stond|lag|"
    r"viel|raakte|bleef|begon)\b"
)
_HARD = re.compile(
    r"\b(?:lastig|moeilijk|ingewikkeld|probleem|problemen|conflict|spanning|botsing|botste|"
    r"schuurde|(?:wist|weet) (?:ik )?niet (?:wat|hoe)|klopte niet|ging mis|misging|zat vast|"
    r"knelde|frustr\w*|boos|bang|zorgen)\b"
)
_WEIGHING = re.compile(
    r"\b(?:\w*twijfel\w*|afweg\w*|afgewogen|afwoog|gewogen|woog|aan de (?:ene|andere) kant|"
    r"enerzijds|anderzijds|had(?: \w+){0,6} kunnen|had(?: \w+){0,6} moeten|kon (?:ik )?ook|"
    r"kan (?:ik )?ook|(?:vraag|vroeg) (?:ik )?me af|(?:weet|wist) (?:ik )?niet of|"
    r"of ik (?:nu|nou )?|of niet|"
    r"keuze\w*|kiezen|koos|gekozen|optie\w*|mogelijkhe\w+|alternatie\w+|overwo\w+|"
    r"overweg\w*|risico\w*|dilemma|zou ik|moest ik|vroeg (?:ik )?me af|"
    r"door mijn hoofd|in mijn hoofd|voor- en nadelen|nadelen|tegen elkaar|liever|"
    r"heen en weer|ofwel|of dat|ik kon ook|(?:de|een) \w+ (?:weg|route)|"
    # what could have been: the conditional and the counterfactual
    r"(?:ik|we|wij) (?:zou|zouden)|wat als|stel dat|spijt|had(?: \w+){0,4} gekund|"
    r"dan had (?:ik|we|hij|ze|zij)|(?:dacht|denk) (?:ik )?(?:ook )?(?:eerlijk )?als ik)\b"
)
_VALUES = re.compile(
    r"\b(?:ik vind|vind ik|voor mij|belangrijk\w*|waarde\w*|ik geloof|geloof ik|"
    r"(?:het|waar het) (?:mij )?(?:gaat|ging|draait|draaide) (?:niet )?(?:om|erom)|"
    r"(?:gaat|ging) het (?:mij )?(?:om|erom)|"
    # the verb last in a subordinate clause: 'waar het (mij) om gaat', 'waar het om draait'
    r"waar het (?:mij |ons |je )?(?:eigenlijk )?om (?:gaat|ging|draait|draaide)|"
    r"principe\w*|"
    r"ik sta voor|drijft|wat telt|verdien\w+|het recht|mens\w* moet\w*)\b"
)
_DEFINITION = re.compile(
    r"\b(?:goed werk|goed werken|goed gedaan|is dat je|betekent (?:dat|voor)|meegeven|"
    r"meegeef|trots|geleerd|leer ik|les|terugkijk\w*|voortaan|volgende keer|"
    r"collega's|je moet|moet je|dan ben je|als je|durven|durft)\b"
)


# How it went on after what the participant did: part of the story of the action.
_OUTCOME = re.compile(
    r"\b(?:uiteindelijk|sindsdien|inmiddels|achteraf|na (?:een|twee|drie|vier|een paar) "
    r"(?:dagen|weken|maanden)|liep (?:het )?(?:goed|slecht|anders) af|is (?:het )?gelukt|"
    r"het resultaat|het effect|het werkte)\b"
)


@dataclass(frozen=True)
class KindScore:
    kind: str
    score: float
    signs: tuple[str, ...]  # the words that gave it


def answer_kinds(text: str) -> dict[str, KindScore]:
    """Every kind of answer that the hand-written forms find in a sentence, with its score and
    the words that show it."""
    return read_kinds(text)[0]


def learned_kinds(text: str) -> dict[str, KindScore]:
    """The kinds the learned reader (``answer_model``) finds clearly more likely in this
    sentence than they are in general (their share of all answers, plus MODEL_MARGIN); it also
    reads sentences that show none of the forms. Its sign says how sure it is."""
    return read_kinds(text)[1]


def read_kinds(text: str) -> tuple[dict[str, KindScore], dict[str, KindScore]]:
    """A sentence read once: the kinds of its hand-written forms, and the learned reader's."""
    tokens, found = form_kinds(text)
    forms = {
        kind: KindScore(kind, min(CAP, HIT * len(signs)), tuple(dict.fromkeys(signs)))
        for kind, signs in found.items()
    }
    learned = {}
    if MODEL:
        shares = prior()
        for kind, p in probabilities(features(tokens, found)).items():
            lift = p - shares[kind] - MODEL_MARGIN
            if lift > 0 and kind != NONE:
                learned[kind] = KindScore(kind, MODEL * lift, (f"taalmodel {p:.0%}",))
    return forms, learned


def form_kinds(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """The sentence's folded words, and per kind found by its hand-written forms the words
    that show it (only kinds with at least one)."""
    tokens = [fold(w) for w in words(text)]
    plain = " ".join(tokens)
    found: dict[str, list[str]] = {kind: [] for kind in ANSWER_KINDS}
    found["person"] += _person(plain)
    found["actions"] += _actions(tokens)
    found["actions"] += [m.group(0) for m in _OUTCOME.finditer(plain)]
    found["events"] += [m.group(0) for m in _EVENT_START.finditer(plain)]
    found["events"] += ([m.group(0) for m in _OTHER_PAST.finditer(plain)] + _others_did(tokens))[:2]
    found["events"] += [m.group(0) for m in _HARD.finditer(plain)]
    found["weighing"] += [m.group(0) for m in _WEIGHING.finditer(plain)]
    found["values"] += [m.group(0) for m in _VALUES.finditer(plain)]
    found["definition"] += [m.group(0) for m in _DEFINITION.finditer(plain)]
    return tokens, {kind: signs for kind, signs in found.items() if signs}


def _person(plain: str) -> list[str]:
    opening = re.match(rf"^(?:\w+ ){{0,3}}?{_SUBJECT_1} {_PERSON_VERBS}\b", plain)
    roles = _ROLE_WORDS.findall(plain)
    signs = []
    if opening and (roles or _ROLE_NOUN.search(plain)):
        signs += [opening.group(0), roles[0] if roles else "beroep"]  # a clear introduction
    elif opening or re.search(r"\bmijn (?:naam|functie|rol|werk|opleiding|studie)\b", plain):
        signs.append(opening.group(0) if opening else "mijn ...")
    if re.search(r"\b(?:al|sinds|ruim|bijna) (?:\w+ )?(?:jaar|jaren|maanden)\b", plain):
        signs.append("al ... jaar")
    return signs


def _actions(tokens: list[str]) -> list[str]:
    """First person, past tense, a verb of doing: 'ik heb gebeld', 'we gingen', 'ben ik gaan'."""
    signs = []
    subjects = [i for i, t in enumerate(tokens) if t in ("ik", "we", "wij", "'k")]
    for i in subjects:
        window = tokens[max(0, i - 2) : i + 9]
        if any(t in ("zou", "zouden") for t in window[1:4]):
            continue  # 'ik zou eerder zijn gaan kijken': what could have been, not done
        if any(t in _AUX for t in window[:5]):
            have = any(t in _HAVE for t in window[:5])
            participle = next((t for t in window if _participle(t, have)), None)
            if participle:
                signs.append(f"{tokens[i]} ... {participle}")
                continue
            if "gaan" in window or "gegaan" in window or "begonnen" in window:
                signs.append(f"{tokens[i]} ... gaan")
                continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        before = tokens[i - 1] if i > 0 else ""
        for verb in (after, before):
            if verb and verb not in _NOT_ACTIONS and (verb in _STRONG_PAST or _weak_past(verb)):
                signs.append(f"{tokens[i]} {verb}")
                break
    return signs[:2]


def _others_did(tokens: list[str]) -> list[str]:
    """Someone else in the perfect tense: 'hij heeft de huisarts gebeld', 'ze is gebleven'."""
    signs = []
    for i, token in enumerate(tokens):
        if token not in _OTHER_SUBJECTS:
            continue
        aux = next((j for j in range(i + 1, min(i + 3, len(tokens))) if tokens[j] in _AUX), None)
        if aux is None:
            continue
        have = tokens[aux] in _HAVE
        after = tokens[aux + 1 : aux + 8]
        participle = next((t for t in after if _participle(t, have)), None)
        if participle:
            signs.append(f"{token} ... {participle}")
    return signs


def _participle(token: str, have: bool = False) -> bool:
    """'gebeld'; a separable verb's, with its particle before 'ge-' ('opgebeld',
    'teruggebeld', 'bijeengeroepen'); after a form of 'hebben' also the participles without
    'ge-' ('besproken', 'verteld', 'ontdekt', 'herhaald', 'erkend'), which after 'zijn' are
    mostly adjectives ('ik was bezorgd', 'ze is bekend')."""
    if token in _NOT_ACTIONS or len(token) < 5:
        return False
    if token.startswith("ge") and token.endswith(("d", "t", "n")):
        return True
    prefixed = token.startswith(("be", "ver", "ont", "her"))
    if prefixed and len(token) >= 7 and token.endswith(("d", "t", "n")) and "ge" in token[2:]:
        return True
    # a separable verb: the particle before 'ge' ('opgebeld', 'bijeengeroepen', 'voorgelegd')
    particle = next((p for p in _PARTICLES if token.startswith(p + "ge")), None)
    if particle and len(token) >= len(particle) + 5 and token.endswith(("d", "t", "n")):
        return True
    unprefixed = have and token.startswith(("be", "ver", "ont", "her", "er")) and len(token) >= 7
    if not unprefixed or token.endswith("heid"):
        return False
    # a strong participle's last vowel is a short o or e ('besproken', 'beschreven'); not a
    # noun or infinitive ('vertrouwen', 'verlangen')
    return token.endswith(("d", "t")) or re.search(r"[oe][^aeiou]{1,2}en$", token) is not None


def _weak_past(token: str) -> bool:
    """'belde', 'regelde', 'maakten': a weak verb's past tense (not 'de' words like 'zonde')."""
    return (
        len(token) >= 5 and token.endswith(("de", "te", "den", "ten")) and token[-3] not in "aeiou"
    )
