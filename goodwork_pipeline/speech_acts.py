"""What a sentence does in a conversation, read from its Dutch form: asks the listener
something, or thanks them. Speech recognition often drops the question mark, and without
speaker labels the form is what tells the interviewer's turns from the participant's."""

from __future__ import annotations

import re

from goodwork_pipeline.text_nl import FIRST_PERSON

QUESTION_WORDS = frozenset(
    [
        "wat",
        "hoe",
        "waarom",
        "welk",
        "welke",
        "wie",
        "waar",
        "wanneer",
        "waarop",
        "waarin",
        "waarmee",
        "waardoor",
        "waarover",
        "waaraan",
        "waarvoor",
        "hoezo",
        "hoeveel",
        "hoelang",
    ]
)
ADDRESSED = frozenset(["je", "jij", "jou", "jouw", "u", "uw", "jullie", "ge", "gij"])
# Words before the question proper ("En wat deed je toen", "Oké, en hoe ...").
_LEADS = frozenset(
    [
        "en",
        "maar",
        "dus",
        "oké",
        "oke",
        "ok",
        "okay",
        "nou",
        "ja",
        "goed",
        "mooi",
        "allee",
        "awel",
        "of",
    ]
)
# Words that start a statement or a clause, not a question, when "je"/"u" follows them
# ("Als je ...", "Toen je binnenkwam", "Dan moet je", "Kijk, je ...").
_NO_VERB = frozenset(
    [
        "als",
        "toen",
        "omdat",
        "dat",
        "zodat",
        "terwijl",
        "nadat",
        "voordat",
        "zodra",
        "tenzij",
        "of",
        "hoewel",
        "sinds",
        "totdat",
        "zoals",
        "dan",
        "en",
        "maar",
        "want",
        "dus",
        "nu",
        "daar",
        "hier",
        "zo",
        "ook",
        "nog",
        "wel",
        "niet",
        "soms",
        "vaak",
        "altijd",
        "nooit",
        "eerst",
        "daarna",
        "misschien",
        "gewoon",
        "kijk",
        "ja",
        "nee",
        "oké",
    ]
)
# A verb and "je" that are a filler, not a question, when a comma or the end follows.
_FILLER_PAIRS = frozenset(
    {("weet", "je"), ("zie", "je"), ("snap", "je"), ("hoor", "je"), ("begrijp", "je")}
)
_REQUEST_VERBS = frozenset(
    [
        "vertel",
        "beschrijf",
        "leg",
        "noem",
        "geef",
        "schets",
        "zeg",
        "stel",
        "neem",
        "probeer",
        "begin",
    ]
)
_REQUEST_MARKS = frozenset(["eens", "maar", "even", "me", "ons"]) | ADDRESSED
_TOLD = frozenset(["zei", "zegt", "vertelde", "vertelt", "noemde", "noemt", "bedoelde"])
_THANKS = ("dank je", "dank u", "bedankt", "merci", "dankjewel", "dankuwel")
_WISHES = (
    "succes met",
    "succes ermee",
    "veel succes",
    "sterkte",
    "veel plezier",
    "fijne dag",
    "fijne avond",
    "fijn weekend",
    "goede reis",
)
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[,:;]", re.UNICODE)


def _tokens(sentence: str) -> list[str]:
    tokens = [t.lower() for t in _TOKEN.findall(sentence)]
    while tokens and (tokens[0] in _LEADS or tokens[0] in ",:;"):
        tokens = tokens[1:]
    return tokens


def is_question(sentence: str) -> bool:
    """A question or a request to the listener, by its form: a question mark, a question word
    or the verb first with "je"/"u" after it ("Wat deed je toen", "Kun je daar meer over
    vertellen", "Heeft u toen gebeld"), or a request ("Vertel maar", "Zeg het eens"). Not "Weet
    je, ..." (a filler), "Als je ..." (a clause) or "Wat ik deed ..." (the speaker's own)."""
    if sentence.rstrip(" \"'”’)").endswith("?"):
        return True
    if ":" in sentence:  # "Laatste vraag dan: wat wil je ... meegeven"
        return any(_asks(_tokens(part)) for part in sentence.split(":"))
    return _asks(_tokens(sentence))


def _asks(tokens: list[str]) -> bool:
    if len(tokens) < 2:
        return False
    first, second = tokens[0], tokens[1]
    near = tokens[1:12]
    if first in QUESTION_WORDS:
        return second not in FIRST_PERSON and "," not in tokens[1:2] and bool(ADDRESSED & {*near})
    if first in _REQUEST_VERBS and _REQUEST_MARKS & {*tokens[1:4]}:
        return (first, second) != ("zeg", "maar")  # 'zeg maar': a filler
    if second in ADDRESSED and first not in _NO_VERB and first not in FIRST_PERSON:
        after = tokens[2] if len(tokens) > 2 else ","
        return not ((first, second) in _FILLER_PAIRS and after in ",:;")
    return False


def reflects(sentence: str) -> bool:
    """The listener's own words given back ("Je zei eerder ...", "U vertelde het team alles",
    "Dus eigenlijk heb je ..."): an interviewer's summary, with "je"/"u" among its first words
    and no "ik"; or a summary by its opening ("Dus eigenlijk: ...", "Oftewel ...",
    "Samengevat ...", "Met andere woorden ...", "Als ik je goed begrijp ...") with no "ik" or
    "we" in it: a participant who sums up says what they did ("Dus eigenlijk heb ik ...")."""
    tokens = [t.lower() for t in _TOKEN.findall(sentence)]
    heard = _checks_understanding(tokens)  # "Als ik je goed begrijp, ..."
    if heard is not None:
        return not FIRST_PERSON & {*heard}
    if not FIRST_PERSON & {*tokens} and _sums_up(tokens):
        return True
    if tokens[:1] == ["dus"]:
        tokens = tokens[2:] if tokens[1:2] == ["eigenlijk"] else tokens[1:]
        head = tokens[:3]
        return bool(ADDRESSED & {*head}) and not FIRST_PERSON & {*tokens[:6]}
    return len(tokens) > 2 and tokens[0] in ADDRESSED and tokens[1] in _TOLD


_SUMS_UP = (
    ("dus", "eigenlijk"),
    ("dus", ":"),
    ("oftewel",),
    ("samengevat",),
    ("met", "andere", "woorden"),
)


_UNDERSTOOD = (
    ("als", "ik", "je", "goed", "begrijp"),
    ("als", "ik", "u", "goed", "begrijp"),
    ("als", "ik", "het", "goed", "begrijp"),
    ("als", "ik", "je", "goed", "hoor"),
    ("als", "ik", "u", "goed", "hoor"),
    ("als", "ik", "het", "goed", "hoor"),
)


def _checks_understanding(tokens: list[str]) -> list[str] | None:
    """What follows "Als ik je goed begrijp" (the listener's story given back), or None."""
    for opening in _UNDERSTOOD:
        if tuple(tokens[: len(opening)]) == opening:
            return tokens[len(opening) :]
    return None


def _sums_up(tokens: list[str]) -> bool:
    while tokens[:1] and tokens[0] in ("en", "o", "oké", "ja", "mooi", ","):
        tokens = tokens[1:]
    return any(tuple(tokens[: len(opening)]) == opening for opening in _SUMS_UP)


def thanks(sentence: str) -> bool:
    """A short word of thanks or a good wish at parting ("Dank je wel, Rik.", "Merci.",
    "Succes met je les."): nothing for a portrait."""
    tokens = _tokens(sentence)
    if len(tokens) > 8:
        return False
    return " ".join(tokens).startswith(_THANKS + _WISHES)


# A question at the end of the speaker's own sentence, asking for no answer ("..., toch?").
_SPEAKER = frozenset(["ik", "mij", "me", "mijn", "m'n", "mezelf"])
_TAGS = frozenset(
    [
        "toch",
        "hè",
        "he",
        "niet",
        "weet je",
        "weet je wel",
        "snap je",
        "snapt u",
        "begrijp je",
        "zie je",
        "weet je wat ik bedoel",
        "snap je wat ik bedoel",
        "begrijp je wat ik bedoel",
        "weet u wat ik bedoel",
        "of niet",
        "toch niet",
    ]
)


def own_question(sentence: str) -> bool:
    """A question the speaker asks themselves or tags on to their own words ("Wat moest ik
    nou?", "Toch?", "Snap je wat ik bedoel?"): it asks for no answer, so the speaker goes on.
    Not "Mag ik je iets vragen?": that addresses the listener."""
    last = sentence.split(":")[-1]
    tokens = [t for t in _tokens(last) if t not in ",:;"]
    # "ik", not "we" ("Zullen we beginnen?"), and not "Mag ik je ..." (that addresses the listener)
    mine = bool(_SPEAKER & {*tokens[1:3]}) and not ADDRESSED & {*tokens}
    return " ".join(tokens) in _TAGS or mine
