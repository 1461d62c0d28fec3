"""Approved beelden to render in tests, benchmarks and template work (no recording needed).

Four hand-written beelden of one group, as the guide's sections would hold them, plus ways to
make extreme ones: very long, very short, full of emoji, and a group of any size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from goodwork_pipeline.models import Beeld, Section, Sentence, Sidecar

HEADINGS = {
    "wie": "Wie ik ben",
    "puzzel": "De puzzel",
    "deed": "Wat ik deed",
    "afweging": "Wat ik afwoog",
    "belangrijk": "Wat ik belangrijk vind",
    "goed-werk": "Mijn beeld van goed werk",
}
QUESTION = "Wat is jouw beeld van goed werk in zo'n situatie?"
GROUP = "teammanagers VVT 2026"


@dataclass(frozen=True)
class SampleStory:
    beeld: Beeld
    sidecar: Sidecar


def beeld(title: str, quote: str, **sections: str) -> Beeld:
    """A beeld from section texts (keys as in the guide; ``goed_werk`` for ``goed-werk``)."""
    built = []
    for key, heading in HEADINGS.items():
        text = sections.get(key.replace("-", "_"), "")
        sentences = tuple(Sentence(s.strip() + ".") for s in text.split(". ") if s.strip(". "))
        sentences = tuple(Sentence(s.text.replace("..", ".").replace("?.", "?")) for s in sentences)
        built.append(Section(key, heading, sentences))
    return Beeld(title=title, sections=tuple(built), quote=quote, closing_question=QUESTION)


ANNA = SampleStory(
    beeld(
        "Luisteren naar wat de bewoner zelf wil",
        "Goed werk is dat je echt luistert en samen met de familie zoekt naar wat de bewoner wil.",
        wie="Ik ben Anna. Ik werk als teammanager in de ouderenzorg, al twaalf jaar",
        puzzel="Een bewoner wilde niet meer eten. Haar dochter wilde dat wij haar dwongen. "
        "Mevrouw Jansen zei steeds dat ze klaar was met het leven",
        deed="Ik ben met de dochter gaan praten. We hebben samen naar de wensen van haar moeder "
        "gekeken. Ook de huisarts schoof aan",
        afweging="Ik twijfelde tussen de regels volgen en luisteren naar de bewoner. Ik heb "
        "gekozen voor het gesprek met de familie",
        belangrijk="Ik vind het belangrijk dat de bewoner zelf mag kiezen, ook als dat moeilijk "
        "is voor de familie. Autonomie houdt niet op bij de voordeur van het verpleeghuis",
        goed_werk="Goed werk is dat je echt luistert en samen met de familie zoekt naar wat de "
        "bewoner wil",
    ),
    Sidecar(
        participant="Anna de Vries",
        role="Teammanager",
        organisation="Zorggroep De Linde",
        group=GROUP,
        date=dt.date(2026, 3, 12),
        pseudonymise=("Mevrouw Jansen",),
    ),
)

BRAM = SampleStory(
    beeld(
        "Het rooster of het team",
        "Ik wil dat mijn team het gesprek met de familie durft aan te gaan, ook als de regels "
        "iets anders zeggen.",
        wie="Ik ben Bram, teammanager op een afdeling voor mensen met dementie",
        puzzel="Een zoon van een bewoner kwam elke avond na de bezoektijd. Het team vond dat "
        "lastig, want de regels waren duidelijk. Tegelijk zagen we dat zijn vader rustiger "
        "werd als hij er was",
        deed="Ik heb het team bij elkaar geroepen en gevraagd wat zij zagen. Daarna heb ik met "
        "de familie afspraken gemaakt over de avond",
        afweging="Ik twijfelde tussen de regels handhaven voor iedereen en een uitzondering "
        "maken voor deze familie. Een uitzondering voelt oneerlijk voor andere bewoners",
        belangrijk="Ik vind het belangrijk dat de bewoner centraal staat en niet het rooster. "
        "Het team moet zich gesteund voelen als het ruimte geeft",
        goed_werk="Goed werk is ruimte geven binnen de regels en daar samen met het team over "
        "praten",
    ),
    Sidecar(
        participant="Bram Visser",
        role="Teammanager",
        organisation="Zorgcentrum Het Anker",
        group=GROUP,
        date=dt.date(2026, 3, 19),
    ),
)

SARA = SampleStory(
    beeld(
        "Wanneer veiligheid en vrijheid botsen",
        "Vrijheid van de bewoner en veiligheid zijn geen tegenpolen; het gesprek met de familie "
        "maakt de afweging.",
        wie="Ik ben Sara en ik werk als teammanager in een woonzorgcentrum",
        puzzel="Een bewoner wilde elke ochtend alleen gaan wandelen. De familie was bang dat "
        "hij zou vallen en vroeg ons de deur op slot te doen",
        deed="Ik heb met de bewoner en zijn familie om tafel gezeten. We hebben een route "
        "afgesproken en een alarmknop geregeld",
        afweging="Ik twijfelde tussen veiligheid en de vrijheid van de bewoner. De regels "
        "boden geen antwoord",
        belangrijk="Ik vind het belangrijk dat de bewoner zelf kan kiezen hoe hij leeft. De "
        "familie hoort erbij, maar beslist niet alles",
        goed_werk="Goed werk is zoeken naar wat de bewoner wil en de familie daarin meenemen",
    ),
    Sidecar(
        participant="Sara El Amrani",
        role="Teammanager",
        organisation="Woonzorg Aan de Vliet",
        group=GROUP,
        date=dt.date(2026, 3, 26),
    ),
)

JOOST = SampleStory(
    beeld(
        "Een collega die vastliep",
        "Ik heb geleerd dat je een team pas sterk maakt als iemand mag zeggen dat het niet gaat.",
        wie="Ik ben Joost, leercoach en teammanager in de thuiszorg",
        puzzel="Een ervaren collega maakte steeds vaker fouten. Het team begon te mopperen en "
        "de werkdruk liep op",
        deed="Ik heb een open gesprek met haar gevoerd en samen een plan gemaakt",
        afweging="Ik twijfelde tussen streng zijn voor de kwaliteit en ruimte geven aan mijn "
        "collega. Het team had ook recht op duidelijkheid",
        belangrijk="Ik vind het belangrijk dat mensen fouten mogen maken en daarvan leren. "
        "Vertrouwen in het team is de basis",
        goed_werk="Goed werk is dat je het gesprek aangaat voordat het misgaat",
    ),
    Sidecar(
        participant="Joost Bakker",
        role="Leercoach",
        organisation="Thuiszorg Oost",
        group=GROUP,
        date=dt.date(2026, 4, 2),
    ),
)

GROUP_STORIES = (ANNA, BRAM, SARA, JOOST)


def short_beeld() -> Beeld:
    """As little as a participant could leave: a title, one sentence, a five-word quote."""
    return beeld("Kort", "Luisteren is het begin.", puzzel="Ze wilde niet eten")


def long_beeld(repeat: int = 30) -> Beeld:
    """Far longer than any platform allows: every part is long."""
    text = ". ".join(
        f"Dit is zin {i} over de bewoner, de familie en de regels die niet pasten"
        for i in range(1, 3 * repeat)
    )
    return beeld(
        "Een heel lange titel over " + " en ".join(f"onderwerp {i}" for i in range(repeat)),
        " ".join(["Goed werk is luisteren, ook als het schuurt, en samen zoeken."] * repeat),
        wie=text,
        puzzel=text,
        deed=text,
        afweging=text,
        belangrijk=text,
        goed_werk=text,
    )


def emoji_beeld(repeat: int = 60) -> Beeld:
    """Full of emoji: family sequences, flags, skin tones (graphemes != code points)."""
    emoji = "👩‍👩‍👧‍👦🇳🇱👍🏽❤️‍🔥"
    text = ". ".join(f"{emoji} Zin {i} {emoji}" for i in range(repeat))
    return beeld(
        f"{emoji} Goed werk {emoji}",
        " ".join([f"{emoji} Luisteren {emoji}."] * (repeat // 3)),
        wie=text,
        puzzel=text,
        deed=text,
        afweging=text,
        belangrijk=text,
        goed_werk=text,
    )


def quote_of(words: int) -> str:
    """A quote of exactly ``words`` words, ending in a full stop."""
    vocabulary = [
        "goed",
        "werk",
        "is",
        "dat",
        "je",
        "echt",
        "luistert",
        "naar",
        "de",
        "bewoner",
        "en",
        "samen",
        "met",
        "familie",
        "en",
        "team",
        "zoekt",
        "naar",
        "wat",
        "iemand",
        "wil",
        "ook",
        "als",
        "de",
        "regels",
        "iets",
        "anders",
        "zeggen",
    ]
    chosen = [vocabulary[i % len(vocabulary)] for i in range(words)]
    return (" ".join(chosen)).capitalize() + "."


def group_of(size: int) -> list[SampleStory]:
    """``size`` beelden of one group, cycling through the hand-written four."""
    stories = []
    for i in range(size):
        base = GROUP_STORIES[i % len(GROUP_STORIES)]
        first = base.sidecar.participant.split()[0] if base.sidecar.participant else "Deelnemer"
        stories.append(
            SampleStory(
                Beeld(
                    title=f"{base.beeld.title} ({i + 1})",
                    sections=base.beeld.sections,
                    quote=base.beeld.quote,
                    closing_question=base.beeld.closing_question,
                ),
                Sidecar(
                    participant=f"{first} Deelnemer{i + 1}",
                    role=base.sidecar.role,
                    organisation=base.sidecar.organisation,
                    group=base.sidecar.group,
                    date=base.sidecar.date,
                ),
            )
        )
    return stories
