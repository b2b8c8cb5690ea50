"""Decide who spoke a quotation, in what role, on what occasion and in what kind of source."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .roles import source_kind, speaker_role
from .text import MONTH_PATTERN
from .types import ROLE_NOT_STATED, UNNAMED, SpeakerRole

SPEECH_VERB = re.compile(
    r"\b(?:(?P<aux>has|have|had)\s+)?(?:also\s+)?(?P<verb>"
    r"said|says|wrote|writes|confessed|confesses|reported|reports|commented|comments|"
    r"argued|argues|pointed out|points out|explained|explains|declared|declares|stated|"
    r"states|told|added|insisted|claimed|claims|noted|notes|recalled|recalls|observed|"
    r"remarked|testified|announced|warned|replied|asked|defended|admitted|concluded|"
    r"exclaimed|recorded|complained|protested|insists|judged|posted|tells|adds|say)\b"
)
# "I said", "And I'd say": the narrator speaks, and the document does not name them.
_FIRST_PERSON_SUBJECT = re.compile(r"(?:^|[\s,])(?:I|I['’]d|we|We)(?:\s+(?:would|then|also))?\s*$")
# "she said", "and he'd say": a pronoun stands for someone the text has just named.
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[\s,])(?:he|she|He|She)(?:['’]d)?(?:\s+(?:would|then|also|finally))?\s*$"
)
_HONORIFIC_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Lady|Lord)\.?\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?"
)
_SEVERAL_CAPITALS = re.compile(r"\b[A-Z][a-z][\w'’-]*(?:\s+[A-Z][a-z][\w'’-]*){1,3}")
_SENTENCE_SUBJECT = re.compile(
    r"^\s*(?:(?:And|But|Then|So|Now)\s+)?(?P<name>[A-Z][a-z][\w'’-]*(?:\s+[A-Z][\w'’-]+){0,3})"
    r"(?![\w'’-])(?!\s+(?:and|or|with)\s+[A-Z])(?=[,\s]+(?:[a-z]|the\b))"
)
_NOT_A_NAME = frozenset(
    """
    the a an and but then so now well when while after before if in on at of this that these
    those it its there here yes no oh my our your his her their we they he she you i what why
    how who where
    """.split()  # noqa: SIM905 - a long word list reads best as text
)
# The words after a quotation that say who spoke it: "said Della", "Kaplan says", "he goes on".
_AFTER_VERB = re.compile(
    r"\b(?:said|says|told|tells|wrote|writes|added|adds|goes on|went on|continued|continues|"
    r"explained|explains|recalled|recalls|asked|replied|noted|notes|insisted|argued|argues|"
    r"declared|remarked|recalls|admitted|concluded)\b"
)
_NAME_AFTER_VERB = re.compile(r"\s*((?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+)")
_PRESENT = frozenset(
    {
        "says",
        "writes",
        "reports",
        "argues",
        "points out",
        "explains",
        "declares",
        "states",
        "claims",
        "notes",
        "recalls",
        "insists",
        "comments",
        "confesses",
    }
)

_NAME = re.compile(
    r"^(?:The\s+)?[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|von|van|der|la|du|al|bin|ibn))*$"
)
_PRONOUNS = frozenset(
    """
    he she they it we i you this that these those one someone some many most others all his her
    their there here
    """.split()  # noqa: SIM905 - a long word list reads best as text
)
_TRAILING_ADVERBS = re.compile(
    r"(?:\s+(?:also|then|later|once|famously|himself|herself|privately|publicly|too|again|"
    r"subsequently|now|soon|afterwards|bitterly|angrily|simply|further))+$",
    re.I,
)
_JOB_TITLE = re.compile(
    r"(?:The\s+)?(?:Historian|Journalist|Correspondent|Reporter|Professor|Author|Writer|"
    r"Minister|Judge|Prosecutor|Officer|Witness|Defendant)\s+"
)
_NAME_PAIR = re.compile(
    r"(?<![\w'’.-])(?:[A-Z][\w'’.-]+\s+){0,2}[A-Z][\w'’.-]+\s+and\s+"
    r"(?:[A-Z][\w'’.-]+\s+){0,2}[A-Z][\w'’.-]+$"
)
_TRAILING_NAME = re.compile(r"(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+$")
_DESCRIBED = re.compile(r"(?:^|\s)((?:the|a|an)\s+[a-z]+(?:\s+of\s+(?:the\s+)?[A-Za-z]+)?)\s*$")
_ACCORDING_TO = re.compile(
    r"\b(?:according|attributed) to\s+(?P<rest>[^\"“”]{2,160}?)[\s,]*$", re.I
)

_DATE = re.compile(
    r"\b(?:(?:early|late|mid-?)\s*)?" + MONTH_PATTERN + r"(?:\s+\d{1,2})?,?\s+\d{4}\b|"
    r"\b(?:[Ii]n|[Oo]n|[Dd]uring)\s+(\d{4})\b"
)
_OCCASION = re.compile(
    r"\b(?:covering|watching|at|during|after|before) the (trials?|hearing|meeting|congress|"
    r"conference|plenum|session)\b",
    re.I,
)


@dataclass(frozen=True)
class Attribution:
    """Who spoke, in what role, when and in what kind of source."""

    speaker: str
    role: SpeakerRole
    date_text: str
    source_kind: str


def attribute(
    *,
    introducer: str,
    context: str,
    quote: str,
    document: str,
    known: dict[str, tuple[str, SpeakerRole]],
    speaker_hint: str = "",
    after: str = "",
) -> Attribution:
    """Attribute a quotation from the words around it; "unnamed" and "not stated" rather than
    a guess."""
    if speaker_hint:
        speaker, descriptor = speaker_hint, ""
    else:
        speaker, descriptor = _speaker(introducer, quote, context)
    cues = " ".join(part for part in (descriptor, introducer, after) if part)
    role = speaker_role(speaker=speaker, cues=cues, quote=quote, document=document)
    resolved = _resolve(speaker, known)
    if resolved is not None:
        # A person the text has described once keeps that description when named again.
        speaker = resolved[0]
        role = resolved[1] if resolved[1] != ROLE_NOT_STATED else role
    if speaker != UNNAMED and (resolved is None or resolved[1] == ROLE_NOT_STATED):
        known[_surname(speaker)] = (speaker, role)
    kind = source_kind(role=role, cues=cues, context=context, speaker=speaker, document=document)
    return Attribution(speaker, role, _date_text(introducer, context, kind), kind)


def clause_after(after: str) -> str:
    """Return the clause right after a quotation's closing mark ("said Della"), or ""."""
    # Only words right after a closing mark belong to the quotation before them.
    tail = re.match(r"[,.!?…]?[\"”’'][,.!?…]?\s*([^\"“”]{0,160})", after)
    if tail is None or not tail.group(1):
        return ""
    clause = re.split(r"[.;:!?]\s", tail.group(1), maxsplit=1)[0]
    # At a paragraph's end the full stop has no space after it: it ends the clause all the same.
    return re.sub(r"(?<=[a-z]{2})[.;:!?]+$", "", clause.rstrip())


def speaker_after(after: str, previous: str) -> str:
    """Return who the words right after a quotation name as its speaker, or ""."""
    clause = clause_after(after)
    if not clause:
        return ""
    verb = _AFTER_VERB.search(clause)
    if verb is None:
        return ""
    subject = clause[: verb.start()].strip(" ,")
    if not subject:
        name = _NAME_AFTER_VERB.match(clause, verb.end())
        return name.group(1) if name and name.group(1).lower() not in _PRONOUNS else ""
    if subject.lower() in ("he", "she", "they"):
        return previous
    if len(subject.split()) > 16:
        return ""
    name, _ = _name_in(subject)
    return "" if name == UNNAMED or name[:1].islower() else name


def first_person_introduced(introducer: str) -> bool:
    """Return whether the words before a quotation give it to an unnamed "I" or "we"."""
    verbs = list(SPEECH_VERB.finditer(introducer))
    return bool(verbs) and bool(_FIRST_PERSON_SUBJECT.search(introducer[: verbs[-1].start()]))


def _people(text: str) -> list[str]:
    """Names of people in `text`, in order: titled names and runs of capitalised words."""
    text = re.sub(r"[\"“][^\"“”]*[\"”]", " ", text)
    found = [(m.start(), m.group()) for m in _HONORIFIC_NAME.finditer(text)]
    taken = [(start, start + len(name)) for start, name in found]
    for match in _SEVERAL_CAPITALS.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        name = match.group()
        if name.split()[0].lower() in _NOT_A_NAME:
            name = " ".join(name.split()[1:])
            if len(name.split()) < 2:
                continue
        found.append((match.start(), name))
    return [name for _, name in sorted(found)]


def _named_for_pronoun(subject: str, context: str) -> str:
    """The person a "she said" points back to: named earlier in the sentence, or the subject
    of the sentence before; "unnamed" when the text leaves a choice."""
    before = _PRONOUN_SUBJECT.sub("", subject)
    named = _people(before)
    if named:
        return named[-1]
    opener = _SENTENCE_SUBJECT.match(context)
    if opener and opener.group("name").split()[0].lower() not in _NOT_A_NAME:
        return opener.group("name")
    named = set(_people(context))
    return named.pop() if len(named) == 1 else UNNAMED


def _speaker(introducer: str, quote: str, context: str = "") -> tuple[str, str]:
    """Return (speaker, descriptor) read from the introducing words."""
    according = _ACCORDING_TO.search(introducer)
    if according:
        rest = according.group("rest").strip(" ,:")
        name, descriptor = _name_in(rest)
        first = re.split(r"\s*,\s*", rest.strip(), maxsplit=1)[0]
        if first[:1].isupper() and (name == UNNAMED or name not in first):
            # "According to Mozilla's manifesto, which outlines...": the source comes first.
            name, descriptor = first, rest[len(first) :].strip(" ,")
        return name, descriptor
    verbs = list(SPEECH_VERB.finditer(introducer))
    if verbs:
        subject = introducer[: verbs[-1].start()]
        if _FIRST_PERSON_SUBJECT.search(subject):
            return UNNAMED, ""
        name, descriptor = _name_in(subject)
        if name == UNNAMED and _PRONOUN_SUBJECT.search(subject):
            name = _named_for_pronoun(subject, context)
        return name, descriptor
    # "X accepted the post "with all my heart"": first-person words belong to the subject.
    if re.search(r"\b(?:I|my|me|we|our|us)\b", quote):
        subject = re.match(r"\s*((?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)\s+[a-z]", introducer)
        if subject and subject.group(1).split()[0].lower() not in _PRONOUNS:
            return subject.group(1), ""
    return UNNAMED, ""


def _name_in(subject: str) -> tuple[str, str]:
    subject = _TRAILING_ADVERBS.sub("", subject.strip(" ,;"))
    # "And Johnnie Carr said": the conjunction joins the sentence, it is not part of the name.
    subject = re.sub(r"^(?:And|But|Then|So|Now|Well)\s+(?=[A-Z])", "", subject)
    segments = [s.strip() for s in re.split(r"\s*,\s*", subject) if s.strip()]
    pair = _NAME_PAIR.search(segments[-1]) if segments else None
    if pair:
        # "Johnnie Carr and Virginia Durr said": both spoke; neither alone.
        return pair.group(), ", ".join(segments[:-1])
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        if _NAME.match(segment) and segment.split()[0].lower() not in _PRONOUNS:
            others = segments[:index] + segments[index + 1 :]
            job = _JOB_TITLE.match(segment)
            if job and job.end() < len(segment):
                # "Historian Stacy Schiff": the job belongs with the descriptor, not the name.
                others.append(job.group().strip())
                segment = segment[job.end() :]
            return segment, ", ".join(others)
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        if segment[:1].islower() and index > 0:
            # "Baker, executive chairwoman of Mozilla": an apposition describes the name before.
            continue
        # "The minister Cotton Mather": a name closing a described subject.
        trailing = _TRAILING_NAME.search(segment)
        if trailing and trailing.start() > 0 and trailing.group().split()[0] not in ("The",):
            descriptor = ", ".join([*segments[:index], segment[: trailing.start()].strip()])
            return trailing.group(), descriptor
        break
    described = _DESCRIBED.search(subject)
    if described and described.group(1).split()[1].lower() not in _PRONOUNS:
        return described.group(1), ""
    return UNNAMED, subject


def name_in(subject: str) -> str:
    """Return the person a subject phrase names ("Her brother Thomas" -> "Thomas"), or "unnamed"."""
    return _name_in(subject)[0]


def _surname(speaker: str) -> str:
    return speaker.split()[-1].lower()


def _resolve(
    speaker: str, known: dict[str, tuple[str, SpeakerRole]]
) -> tuple[str, SpeakerRole] | None:
    if speaker == UNNAMED:
        return None
    found = known.get(_surname(speaker))
    if found and (found[0] == speaker or len(speaker.split()) == 1):
        return found
    return None


def _date_text(introducer: str, context: str, kind: str) -> str:
    for text in (introducer, context):
        date = _DATE.search(text)
        if date:
            return date.group(1) or date.group()
    for text in (introducer, context):
        occasion = _OCCASION.search(text)
        if occasion:
            return "at the " + occasion.group(1).lower()
    if kind in ("trial confession", "trial testimony"):
        return "at the trial"
    return ""
