"""Decide a speaker's role and the kind of source only from what the text says of them."""

from __future__ import annotations

import re
from functools import lru_cache

from .text import sentence_spans
from .types import KIND_NOT_STATED, ROLE_NOT_STATED, UNNAMED, SpeakerRole

# Words describing the speaker or their writing as later scholarship.
_HISTORIAN_CUES = re.compile(
    r"\bhistorians?\b|\bauthor of\b|\bprofessor\b|\bscholars?\b|\bbiographer\b|"
    r"\bresearchers?\b|\b(?:his|her|their) (?:history|study|biography) of\b",
    re.I,
)
# Words saying the speaker took part: stood accused, fought, guarded, was held.
_PARTICIPANT_CUES = re.compile(
    r"\bofficers?\b|\bdefendants?\b|\baccused\b|\bconfess\w*|\bprisoners?\b|"
    r"\binterrogators?\b|\bguards?\b|\bagents?\b|\bchief witness\b|\bsurvivors?\b|"
    r"\bsoldiers?\b|\bveterans?\b",
)
# Words saying the speaker reported or watched at the time: the press, envoys, visitors.
_OBSERVER_CUES = re.compile(
    r"\bjournalists?\b|\bcorrespondents?\b|\breporters?\b|\bnewspapers?\b|\beditor\b|"
    r"\bmagazine\b|\bambassadors?\b|\bdiplomats?\b|\benvoys?\b|\bconsuls?\b|\bvisitors?\b|"
    r"\beyewitness(?:es)?\b|\bwitnessed\b|"
    r"\b(?:Times|News|Observer|Republic|Post|Herald|Gazette|Tribune|Daily|Guardian|Nation|"
    r"Chronicle|Telegraph)\b|(?<=[a-z] )Review\b"
)
# A quotation telling what its speaker saw or underwent is testimony from a participant.
_FIRST_HAND = re.compile(
    r"\b(?:I|[Ww]e)\s+(?:saw|watched|witnessed|fought|marched|took part|lived through|"
    r"(?:was|were)\s+(?:arrested|imprisoned|jailed|there|present|sentenced|tortured|"
    r"interrogated|deported|wounded|captured|in|at|on))\b|\bwith (?:my|our) own eyes\b"
)
# Another sentence of the document that says the speaker took part in the events.
_DOCUMENT_PARTICIPANT_CUES = re.compile(
    r"\b(?:accused|defendants?|confess\w*|sentenced|executed|arrested|guilty|chief witness|"
    r"ordered|deport\w*|purged|(?:was|were) tried|stood trial)\b"
)
# Writing dated this long after every other year the document gives is a later account.
_LATER_BY_YEARS = 25
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_STATEMENT_YEAR = re.compile(
    r"\b(?:[Ii]n|[Oo]n|of)\s+(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\.?\s+(?:\d{1,2},?\s+)?)?"
    r"(1[0-9]{3}|20[0-9]{2})\b"
)

_TRIAL = re.compile(r"\b(?:trials?|court|tribunal)\b", re.I)
_KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "trial testimony",
        re.compile(
            r"\btestif\w*|\btestimony\b|\bwitness stand\b|\bchief witness\b|"
            r"\btold the court\b|\bbefore the court\b|\bat (?:his|her|their|the) trial\b",
            re.I,
        ),
    ),
    ("interrogation", re.compile(r"\binterrogat\w*", re.I)),
    ("private remark", re.compile(r"\bprivately\b|\bin private\b", re.I)),
    (
        "speech",
        re.compile(
            r"\bspeech\b|\baddress(?:ed)?\b(?! book)|\bsermon\b|\blecture\b|\bdeclared to\b|"
            r"\btold the (?:crowd|audience|congress|assembly|convention|delegates|nation|plenum|"
            r"senate|house|rally|meeting)\b",
            re.I,
        ),
    ),
    ("letter", re.compile(r"\bletters?\b|\bwrote to\b|\btelegram\b", re.I)),
    ("diary", re.compile(r"\bdiary\b|\bdiaries\b", re.I)),
    (
        "memoir",
        re.compile(r"\bmemoirs?\b|\bautobiography\b|\brecollections\b|\breminiscences\b", re.I),
    ),
    (
        "interview",
        re.compile(
            r"\binterview\w*|\btold (?:a |the )?(?:reporter|journalist|"
            r"interviewer)s?\b|\btold (?:the )?[A-Z]{2,}\b"
        ),
    ),
    (
        "public statement",
        re.compile(
            r"\b(?:posted|issued|released|published) a statement\b|"
            r"\bin a statement\b|\bpress release\b",
            re.I,
        ),
    ),
    ("review", re.compile(r"(?<=[a-z] )Review\b|\breviewed\b|\bin (?:a|his|her|its) review\b")),
    (
        "newspaper report",
        re.compile(
            r"\bnewspapers?\b|\bjournal\b|\beditor\b|\beditorial\b|\bmagazine\b|\bcolumn\b|"
            r"\b(?:Times|News|Observer|Republic|Post|Herald|Gazette|Tribune|Daily|Guardian|"
            r"Chronicle|Telegraph)\b"
        ),
    ),
    ("conversation", re.compile(r"\bconversation\b", re.I)),
    ("book", re.compile(r"\bin (?:his|her|their|the|a) book\b", re.I)),
)


def speaker_role(*, speaker: str, cues: str, quote: str, document: str) -> SpeakerRole:
    """The role the text gives the speaker, or "not stated" where it gives none."""
    if _HISTORIAN_CUES.search(cues):
        return "historian"
    if _PARTICIPANT_CUES.search(cues):
        return "participant"
    if _OBSERVER_CUES.search(cues):
        return "contemporary_observer"
    if _FIRST_HAND.search(quote):
        return "participant"
    if speaker == UNNAMED:
        return ROLE_NOT_STATED
    if _named_as_participant(speaker, document, quote):
        return "participant"
    if _dated_long_after(cues, document):
        return "historian"
    return ROLE_NOT_STATED


def source_kind(
    *, role: SpeakerRole, cues: str, context: str, speaker: str = UNNAMED, document: str = ""
) -> str:
    """The kind of source the text names, or "" where it names none."""
    if re.search(r"\bconfess", cues, re.I) or (
        role == "participant" and re.search(r"\bconfess", context, re.I)
    ):
        on_trial = _TRIAL.search(cues + " " + context) or _named_on_trial(speaker, document)
        return "trial confession" if on_trial else "confession"
    for kind, pattern in _KIND_CUES:
        if pattern.search(cues):
            return kind
    if role == "historian":
        return "historian's account"
    return KIND_NOT_STATED


def first_hand(quote: str) -> bool:
    """Return whether a quotation tells what its speaker saw or underwent."""
    return bool(_FIRST_HAND.search(quote))


def _named_as_participant(speaker: str, document: str, quote: str) -> bool:
    surname = speaker.split()[-1]
    if len(surname) < 3:
        return False
    name = re.compile(r"\b" + re.escape(surname) + r"\b")
    for sentence in _sentences(document):
        if name.search(sentence):
            # The quotation's own words say nothing about the speaker's part in events.
            outside = sentence.replace(quote, " ") if quote else sentence
            if name.search(outside) and _DOCUMENT_PARTICIPANT_CUES.search(outside):
                return True
    return False


def _named_on_trial(speaker: str, document: str) -> bool:
    """Whether the document puts the speaker in a trial: "the trial of Lev Kamenev"."""
    if speaker == UNNAMED or len(speaker.split()[-1]) < 3:
        return False
    name = re.compile(r"\b" + re.escape(speaker.split()[-1]) + r"\b")
    return any(name.search(s) and _TRIAL.search(s) for s in _sentences(document))


def _dated_long_after(cues: str, document: str) -> bool:
    """Whether the words naming the speaker date the statement long after the events told."""
    dated = _STATEMENT_YEAR.search(cues)
    if dated is None:
        return False
    year = int(dated.group(1))
    others = [
        int(found)
        for sentence in _sentences(document)
        if dated.group() not in sentence
        for found in _YEAR.findall(sentence)
    ]
    return bool(others) and year - max(others) >= _LATER_BY_YEARS


@lru_cache(maxsize=4)
def _sentences(document: str) -> tuple[str, ...]:
    return tuple(document[start:end] for start, end in sentence_spans(document))
