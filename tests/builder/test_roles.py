"""A speaker's role and the kind of source come only from what the text says of them."""

import pytest

from lessons.builder import Excerpt, build_document

STRIKE = (
    "The dock strike of 1889\n\nThe London dock strike began in August 1889 and lasted a month.\n\n"
)
CLAIM = "The strike was won by the patience of the men and the support of the public."


def excerpt(sentence: str, *, before: str = "") -> Excerpt:
    """The one excerpt a short document about the strike gives for `sentence`."""
    document = build_document(text=STRIKE + before + sentence + "\n", name="strike.txt")
    [found] = [e for e in document.excerpts if e.text.startswith(CLAIM[:20]) or e.quoted]
    return found


@pytest.mark.parametrize(
    "sentence",
    [
        f'Ben Tillett said, "{CLAIM}"',
        f'Ben Tillett says, "{CLAIM}"',
        f'Ben Tillett has argued: "{CLAIM}"',
        f'Ben Tillett wrote: "{CLAIM}"',
        f'"{CLAIM}" said Ben Tillett.',
    ],
)
def test_a_named_speaker_with_no_cue_has_no_role_and_no_kind(sentence):
    found = excerpt(sentence)
    assert found.speaker == "Ben Tillett"
    assert found.speaker_role == "unknown"
    assert found.source_kind == ""


@pytest.mark.parametrize(
    "sentence",
    [
        f'The historian John Lovell argued: "{CLAIM}"',
        f'Professor John Lovell said, "{CLAIM}"',
        f'John Lovell, the author of Stevedores and Dockers, wrote: "{CLAIM}"',
        f'John Lovell wrote in his history of the strike: "{CLAIM}"',
        f'John Lovell, a scholar of labour, said: "{CLAIM}"',
    ],
)
def test_words_naming_a_historian_make_a_historian(sentence):
    found = excerpt(sentence)
    assert found.speaker_role == "historian"
    assert found.source_kind == "historian's account"


def test_a_statement_dated_long_after_the_events_is_a_later_account():
    found = excerpt(f'In 1952, John Lovell wrote: "{CLAIM}"')
    assert found.speaker_role == "historian"


def test_a_statement_dated_at_the_time_says_nothing_of_the_role():
    found = excerpt(f'In 1889, John Lovell wrote: "{CLAIM}"')
    assert found.speaker_role == "unknown"


@pytest.mark.parametrize(
    "sentence",
    [
        f'The correspondent Henry Nevinson reported: "{CLAIM}"',
        f'Henry Nevinson, a journalist, wrote: "{CLAIM}"',
        f'The American ambassador Robert Lincoln wrote: "{CLAIM}"',
        f'Henry Nevinson of the Daily Chronicle wrote: "{CLAIM}"',
    ],
)
def test_a_reporter_or_envoy_at_the_time_is_a_contemporary_observer(sentence):
    assert excerpt(sentence).speaker_role == "contemporary_observer"


@pytest.mark.parametrize(
    "sentence",
    [
        f'Ben Tillett, one of the accused, said: "{CLAIM}"',
        f'A soldier, Tom Mann, said: "{CLAIM}"',
        'Tom Mann said: "I saw the men walk out of the West India Dock at noon that day."',
        'Tom Mann said: "We were at the gates before dawn and nobody passed us all week."',
        'Tom Mann said: "I was arrested at the gates and held for a night at Poplar."',
    ],
)
def test_a_speaker_who_took_part_is_a_participant(sentence):
    assert excerpt(sentence).speaker_role == "participant"


def test_a_speaker_the_document_says_was_arrested_is_a_participant():
    found = excerpt(
        f'Tom Mann said, "{CLAIM}"', before="Tom Mann was arrested at the gates in 1889.\n\n"
    )
    assert found.speaker_role == "participant"


def test_an_unnamed_speaker_without_a_cue_has_no_role():
    found = excerpt(f'"{CLAIM} Nobody who stood there will forget it, not ever."')
    assert found.speaker == "unnamed"
    assert found.speaker_role == "unknown"


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (f'John Burns said in a speech on Tower Hill: "{CLAIM}"', "speech"),
        (f'John Burns told the crowd: "{CLAIM}"', "speech"),
        (f'John Burns wrote to his brother: "{CLAIM}"', "letter"),
        (f'John Burns wrote in a letter: "{CLAIM}"', "letter"),
        (f'John Burns wrote in the Star newspaper: "{CLAIM}"', "newspaper report"),
        (f'John Burns testified: "{CLAIM}"', "trial testimony"),
        (f'John Burns told the court: "{CLAIM}"', "trial testimony"),
        (f'John Burns said under interrogation: "{CLAIM}"', "interrogation"),
        (f'John Burns wrote in his memoirs: "{CLAIM}"', "memoir"),
        (f'John Burns wrote in his diary: "{CLAIM}"', "diary"),
        (f'John Burns said in an interview: "{CLAIM}"', "interview"),
        (f'John Burns issued a statement: "{CLAIM}"', "public statement"),
        (f'John Burns confessed: "{CLAIM}"', "confession"),
        (f'John Burns confessed at his trial: "{CLAIM}"', "trial confession"),
        (f'John Burns said privately: "{CLAIM}"', "private remark"),
        (f'John Burns wrote in his book: "{CLAIM}"', "book"),
    ],
)
def test_each_kind_of_source_comes_from_its_cue(sentence, kind):
    assert excerpt(sentence).source_kind == kind


def test_words_after_a_quotation_name_the_kind_of_source():
    found = excerpt(f'"{CLAIM}" union spokesman Tom Mann told the BBC.')
    assert found.speaker == "Tom Mann"
    assert found.source_kind == "interview"


def test_a_meeting_mentioned_in_passing_does_not_make_a_speech():
    found = excerpt(f'John Burns, meeting the owners at last, wrote: "{CLAIM}"')
    assert found.source_kind == ""


def test_a_signed_letter_is_its_writers_own_part_in_events():
    text = (
        "---\ntitle: To my brother\nauthor: Tom Mann\nrecipient: William Mann\n---\n\n"
        "I write to you from the gates of the West India Dock, where we have stood all week.\n\n"
        "I have not been home since the strike began, and I do not know when I shall be.\n"
    )
    [letter] = build_document(text=text, name="letter.md").excerpts
    assert (letter.speaker, letter.speaker_role, letter.source_kind) == (
        "Tom Mann",
        "participant",
        "letter",
    )


def test_a_first_person_page_not_signed_as_a_letter_is_not_called_one():
    text = (
        "---\ntitle: Thoughts on the strike\nauthor: Tom Mann\n---\n\n"
        "I think the strike taught the whole city something about patience and about hope.\n\n"
        "I believe the dockers will be remembered long after the owners are forgotten.\n"
    )
    excerpts = build_document(text=text, name="essay.md").excerpts
    assert all(e.source_kind != "letter" for e in excerpts)
    assert all(e.speaker_role == "unknown" for e in excerpts)
