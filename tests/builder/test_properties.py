"""Property tests: any text either builds with exact spans or fails with a BuilderError."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.builder import BuilderError, build_document

FRAGMENTS = [
    "{{sfn|",
    "{{sfnm|1a1=A|1y=2000|1p=1",
    "}}",
    "{{",
    "[[",
    "]]",
    "[[File:",
    "|",
    "==",
    "'''",
    '"',
    "“",
    "”",
    ":",
    ":.",
    " said",
    " wrote: ",
    "β",
    "â€”",
    "\n",
    "\n\n",
    " ",
    ". ",
    "[…]",
    "<ref>",
    "</ref>",
    "<!--",
    "-->",
    "in August, , of",
    "In , ",
    "the s and s",
    "1937",
    "January 1936",
    "268,950",
    "twenty-one",
    "Stalin",
    "We were",
    "I am",
    "Anti-spam check. ",
    "Do not fill this in!",
    "Subscribe for more.",
    "0コメント",
    "The ",
    "trial",
    "resumed saying",
]
markup_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60).map(
    "".join
)


def assert_spans_hold(text: str) -> None:
    try:
        document = build_document(text=text, name="generated")
    except BuilderError:
        return
    cleaned = document.cleaned_text
    assert document.paragraphs
    for item in document.paragraphs + document.excerpts + document.events + document.gaps:
        assert cleaned[item.start : item.end] == item.text
    for figure in document.figures:
        assert cleaned[figure.start : figure.end] == figure.value_text
    for ref in document.references:
        assert cleaned[ref.start : ref.end] == ref.sentence


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_builds_or_raises_builder_error(text):
    assert_spans_hold(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup_text)
def test_text_mixing_markup_fragments_builds_or_raises_builder_error(text):
    assert_spans_hold(text)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=200, max_size=400).map("".join))
def test_long_markup_soup_stays_fast_and_safe(text):
    assert_spans_hold(text)
