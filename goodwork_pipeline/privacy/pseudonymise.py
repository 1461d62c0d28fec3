"""Replacing third parties' names consistently, and the participant's own name as they chose.

Names of third parties (residents, colleagues, family) come from two places:

- the sidecar: ``pseudonymise: [Mevrouw Jansen, Karel de Wit]``;
- staff: ``goodwork pseudonymise STORY NAME...``, kept in the story's private workspace
  folder as ``pseudoniemen.yaml`` (a list; staff may also edit it by hand).

Either may give the stand-in itself as ``"Naam = vervanging"`` (e.g. ``Karel = haar zoon``).
Otherwise each name gets a neutral stand-in with a letter in the order the names are listed,
sidecar first: ``Mevrouw Jansen`` -> ``mevrouw A``, ``Karel de Wit`` -> ``persoon B``. The
same name always gets the same stand-in, and so do its parts: ``Karel`` and ``de Wit`` alone
become ``persoon B`` too; a surname after a title (``Jansen``) as well.

The draft step applies the third-party names before the participant sees the text, so what
they approve (and what consent is bound to) is already pseudonymised. Publishing applies them
again as a safety net (a participant may type a name back in), and also hides the
participant's own name as they chose: nothing for a full name, every other form of it for a
first name, every form for "role only" (``own_name.py`` finds the forms: titles, initials,
particles, parts of a double surname, case and accents, the e-mail address, other names).
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import regex
import yaml

from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.models import Beeld, NameDisplay, Sidecar
from goodwork_pipeline.own_name import OwnName, same_name_key
from goodwork_pipeline.privacy.name_lists import read_name_list
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.store.workspace import Workspace

STAFF_FILE = "pseudoniemen.yaml"
SEPARATOR = "="

HONORIFICS = frozenset(
    [
        "mevrouw",
        "meneer",
        "mevr",
        "mevr.",
        "dhr",
        "dhr.",
        "heer",
        "dokter",
        "dr",
        "dr.",
        "zuster",
        "broeder",
        "opa",
        "oma",
        "tante",
        "oom",
        "juf",
        "meester",
        "pastoor",
        "dominee",
    ]
)
PARTICLES = frozenset(
    [
        "de",
        "van",
        "der",
        "den",
        "het",
        "ter",
        "ten",
        "te",
        "'t",
        "op",
        "in",
        "la",
        "le",
        "du",
        "da",
        "di",
        "von",
        "zu",
    ]
)
DEFAULT_STAND_IN = "persoon"
PARTICIPANT_STAND_IN = "de deelnemer"

_SENTENCE_START = regex.compile(r"(?:^|[.!?…:]\s+|[\"“‘'(]\s*)$")


@dataclass(frozen=True)
class Pseudonym:
    """A third party's name and the stand-in that replaces it everywhere."""

    name: str
    stand_in: str


def parse_entry(entry: str) -> tuple[str, str | None]:
    """``"Naam = vervanging"`` -> (name, stand-in); a bare name has no stand-in yet."""
    name, _, stand_in = entry.partition(SEPARATOR)
    return " ".join(name.split()), (" ".join(stand_in.split()) or None)


def assign(entries: Iterable[str]) -> tuple[Pseudonym, ...]:
    """Give every distinct name one stand-in: its own, or a lettered neutral one."""
    result: list[Pseudonym] = []
    seen: set[str] = set()
    for entry in entries:
        name, stand_in = parse_entry(entry)
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        if stand_in is None:
            words = name.split()
            title = words[0].lower() if len(words) > 1 and _is_honorific(words[0]) else None
            stand_in = f"{title or DEFAULT_STAND_IN} {_letter(len(result))}"
        result.append(Pseudonym(name, stand_in))
    return tuple(result)


def _key(name: str) -> str:
    """How two spellings of a name are compared: NFC, case folded."""
    return unicodedata.normalize("NFC", name).casefold()


def _letter(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


def _is_honorific(word: str) -> bool:
    return word.lower().rstrip(".") in {h.rstrip(".") for h in HONORIFICS}


def _variants(name: str, *, skip: frozenset[str] = frozenset()) -> list[tuple[str, bool]]:
    """The ways a name appears in text: (variant, case-sensitive?), longest first.

    The full name matches in any case; its parts only as names are written (capitalised, or
    all in capitals), so ``Roos`` the person does not replace ``roos`` the flower.
    """
    words = name.split()
    variants: list[tuple[str, bool]] = [(name, False)]
    core = words[1:] if len(words) > 1 and _is_honorific(words[0]) else words
    if core != words and core:
        variants.append((" ".join(core), True))
    if len(core) > 1:
        first, rest = core[0], core[1:]
        variants.append((first, True))
        surname = " ".join(rest)
        variants.append((surname, True))
        if rest[0].lower() in PARTICLES:
            variants.append((surname[0].upper() + surname[1:], True))
    result = []
    for variant, case_sensitive in variants:
        if _key(variant) in skip or len(variant) < 2 or variant.lower() in PARTICLES:
            continue
        if _is_honorific(variant):
            continue
        result.append((variant, case_sensitive))
    return sorted(set(result), key=lambda item: -len(item[0]))


@dataclass(frozen=True)
class Replacement:
    variant: str
    case_sensitive: bool
    stand_in: str


class Pseudonymiser:
    """Replaces every listed name (and the participant's, as they chose) in one pass."""

    def __init__(
        self,
        pseudonyms: Sequence[Pseudonym] = (),
        *,
        participant: str | None = None,
        name_display: NameDisplay | None = None,
        role: str | None = None,
        also_known_as: Sequence[str] = (),
        email: str | None = None,
    ):
        self.pseudonyms = tuple(pseudonyms)
        self._own: OwnName | None = None
        self._choice = name_display
        if participant and name_display in (NameDisplay.FIRST, NameDisplay.ROLE):
            self._own = OwnName(participant, also_known_as=also_known_as, email=email)
        role_stand_in = (
            f"de {role.strip().lower()}" if role and role.strip() else PARTICIPANT_STAND_IN
        )
        first = self._own.first if self._own else None
        self._own_stand_in = first if name_display == NameDisplay.FIRST and first else role_stand_in
        participant_parts = frozenset(
            _key(part)
            for name in (participant or "", *also_known_as)
            for part in name.split()
            if len(part) > 1
        )
        replacements = []
        for pseudonym in self.pseudonyms:
            for variant, case_sensitive in _variants(pseudonym.name, skip=participant_parts):
                replacements.append(Replacement(variant, case_sensitive, pseudonym.stand_in))
        replacements.sort(key=lambda r: -len(r.variant))
        self._by_key: dict[str, Replacement] = {}
        patterns = []
        for index, item in enumerate(replacements):
            key = f"r{index}"
            self._by_key[key] = item
            forms = _forms(item.variant)
            if item.case_sensitive:  # as names are written: Capitalised, or in capitals
                forms += _forms(item.variant.upper())
            body = "|".join(r"\s+".join(regex.escape(w) for w in form.split()) for form in forms)
            if not item.case_sensitive:
                body = f"(?i:{body})"
            patterns.append(f"(?P<{key}>{body})")
        self._pattern = (
            regex.compile(
                r"(?<![\w-])(?:" + "|".join(patterns) + r")(?P<genitive>'?s)?(?![\w-])",
                regex.V1,
            )
            if patterns
            else None
        )

    @classmethod
    def for_story(
        cls,
        sidecar: Sidecar,
        story_dir: Path,
        name_display: NameDisplay | None = None,
    ) -> Pseudonymiser:
        """Third parties from the sidecar and staff; the participant's name only once chosen."""
        entries = [*sidecar.pseudonymise, *staff_names(story_dir)]
        return cls(
            assign(entries),
            participant=sidecar.participant,
            name_display=name_display,
            role=sidecar.role,
            also_known_as=sidecar.also_known_as,
            email=sidecar.email,
        )

    @classmethod
    def for_publishing(
        cls, sidecar: Sidecar, staff: Sequence[str], name_display: NameDisplay
    ) -> Pseudonymiser:
        """Third parties from the sidecar and ``staff``, and the participant as they chose."""
        return cls(
            assign([*sidecar.pseudonymise, *staff]),
            participant=sidecar.participant,
            name_display=name_display,
            role=sidecar.role,
            also_known_as=sidecar.also_known_as,
            email=sidecar.email,
        )

    @property
    def active(self) -> bool:
        return self._pattern is not None or (self._own is not None and self._own.active)

    def text(self, text: str) -> str:
        """Third parties' names first (a longer name wins: "Anna Jansen" the resident is not
        the participant Anna), then every mention of the participant their choice excludes."""
        if not text:
            return text
        if self._pattern is not None:
            text = self._pattern.sub(lambda match: self._stand_in(match, text), text)
        return self._own_text(text)

    def _own_text(self, text: str) -> str:
        if self._own is None or self._choice is None:
            return text
        pieces, at = [], 0
        for mention in self._own.mentions(text):
            if not self._own.hidden_by(mention, self._choice):
                continue
            stand_in = self._own_stand_in
            if _SENTENCE_START.search(text[: mention.start]):
                stand_in = stand_in[:1].upper() + stand_in[1:]
            pieces += [text[at : mention.start], stand_in]
            at = mention.end
        return "".join(pieces) + text[at:] if pieces else text

    def _stand_in(self, match: regex.Match[str], text: str) -> str:
        stand_in = self._replacement(match).stand_in
        if match.group("genitive"):
            stand_in += "'s"
        if _SENTENCE_START.search(text[: match.start()]):
            return stand_in[:1].upper() + stand_in[1:]
        return stand_in

    def _replacement(self, match: regex.Match[str]) -> Replacement:
        return next(self._by_key[k] for k, v in match.groupdict().items() if v and k[0] == "r")

    def beeld(self, beeld: Beeld) -> Beeld:
        """The same beeld with every name replaced (title, sections, quote, question)."""
        if not self.active:
            return beeld
        return replace(
            beeld,
            title=self.text(beeld.title),
            sections=tuple(
                replace(
                    section,
                    heading=self.text(section.heading),
                    sentences=tuple(
                        replace(sentence, text=self.text(sentence.text))
                        for sentence in section.sentences
                    ),
                )
                for section in beeld.sections
            ),
            quote=self.text(beeld.quote),
            closing_question=self.text(beeld.closing_question),
            title_suggestions=tuple(self.text(t) for t in beeld.title_suggestions),
        )

    def stand_ins_used(self, beeld: Beeld) -> tuple[str, ...]:
        """The stand-ins that replaced something in this beeld (never the names themselves)."""
        used: dict[str, None] = {}
        for text in _texts(beeld):
            for match in self._pattern.finditer(text) if self._pattern is not None else ():
                used[self._replacement(match).stand_in] = None
            if text != self._own_text(text):
                used[self._own_stand_in] = None
        return tuple(used)


def _forms(name: str) -> tuple[str, ...]:
    """A name as it may be stored: composed (NFC) or decomposed (NFD, e.g. pasted from a macOS
    file name: 'e' + a combining diaeresis for 'ë'). Both look the same on screen."""
    return tuple(dict.fromkeys(unicodedata.normalize(form, name) for form in ("NFC", "NFD")))


def _texts(beeld: Beeld) -> Iterable[str]:
    yield beeld.title
    for section in beeld.sections:
        yield section.heading
        yield from (sentence.text for sentence in section.sentences)
    yield beeld.quote
    yield beeld.closing_question


# Staff-marked names -------------------------------------------------------------------------


def staff_file(story_dir: Path) -> Path:
    return story_dir / STAFF_FILE


def staff_names(story_dir: Path) -> list[str]:
    """The names staff marked for this story (``pseudoniemen.yaml``), in the order marked."""
    return read_name_list(
        staff_file(story_dir),
        redo="mark the names again with 'goodwork pseudonymise'",
        redo_nl="geef de namen opnieuw op met 'goodwork pseudonymise'",
    )


def own_names_among(entries: Iterable[str], sidecar: Sidecar) -> list[str]:
    """The entries that are the participant's own name (or another name they go by): those
    are shown as the participant chooses, never replaced as a third party's."""
    mine = {
        same_name_key(n) for n in (sidecar.participant or "", *sidecar.also_known_as) if n.strip()
    }
    return [parse_entry(e)[0] for e in entries if same_name_key(parse_entry(e)[0]) in mine]


def mark_names(story_dir: Path, names: Iterable[str]) -> list[str]:
    """Add names to the staff list (existing ones keep their place, so their stand-in)."""
    current = staff_names(story_dir)
    known = {parse_entry(entry)[0].casefold() for entry in current}
    added = []
    for entry in names:
        name, _ = parse_entry(entry)
        if name and name.casefold() not in known:
            known.add(name.casefold())
            current.append(entry.strip())
            added.append(name)
    if added:
        header = (
            "# Namen die goodwork in dit verhaal vervangt, naast die uit het metadatabestand.\n"
            "# Eén naam per regel. 'Naam = vervanging' kiest de vervanging zelf; zonder '=' "
            "krijgt\n# de naam een neutrale vervanging met een letter (persoon A, mevrouw B).\n"
        )
        body = yaml.safe_dump(current, allow_unicode=True, default_flow_style=False)
        atomic_write_text(staff_file(story_dir), header + body)
    return added


def story_pseudonyms(store: Store, workspace_dir: Path, story: str) -> tuple[Pseudonym, ...]:
    """The stand-ins STORY's outputs get: the sidecar's 'pseudonymise' list, then the names
    staff marked (``goodwork pseudonymise``)."""
    found = store.story(story)
    marked = staff_names(Workspace(workspace_dir).story(found.id).root)
    return assign([*found.sidecar.pseudonymise, *marked])
