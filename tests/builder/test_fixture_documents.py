"""The builder on the two shipped source documents: a scraped page and a wiki edit page."""

import re
from functools import cache
from pathlib import Path

import pytest

from lessons.builder import BuiltDocument, build_document

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
SCRAPED = "000_665a2d081ee84e32"
WIKI = "004_630794c8bc6d6129"

MARKUP = ["{{", "}}", "[[", "]]", "==", "sfn", "File:", "thumb|"]
BOILERPLATE = [
    "not logged in",
    "Anti-spam",
    "Subscribe for",
    "click here",
    "コメント",
    "1000 / 1000",
    "Please note that all contributions",
    "Editing help",
]


def raw(name: str) -> str:
    return (SOURCES / f"{name}.txt").read_text(encoding="utf-8")


@cache
def built(name: str) -> BuiltDocument:
    return build_document(text=raw(name), name=name)


def excerpt_by(name: str, speaker: str):
    matches = [e for e in built(name).excerpts if e.speaker == speaker]
    assert matches, f"no excerpt attributed to {speaker}"
    return matches


@pytest.mark.parametrize("name", [SCRAPED, WIKI])
def test_no_markup_or_boilerplate_is_left(name):
    text = built(name).cleaned_text
    for fragment in MARKUP + BOILERPLATE:
        assert fragment not in text, fragment
    assert "β" not in text


def test_shapes_are_recognised_from_the_text():
    assert built(SCRAPED).shape == "web"
    assert built(WIKI).shape == "wikitext"


def test_titles_are_guessed():
    assert built(SCRAPED).title == "What was the great purge characterized by"
    assert built(WIKI).title == "The Great Terror"


def test_greek_beta_is_repaired_to_dashes():
    document = built(WIKI)
    assert document.repairs == raw(WIKI).count("β")
    assert "groups—among them" in document.cleaned_text
    assert "were – according to Khlevniuk –" in document.cleaned_text
    pages = {ref.pages for ref in document.references}
    assert "126–127" in pages
    assert not any("β" in p for p in pages)


def test_every_citation_template_becomes_a_reference():
    text = raw(WIKI)
    sfn = text.count("{{sfn|")
    templates = re.findall(r"\{\{sfnm[^}]*\}\}", text)
    sfnm_authors = sum(len(re.findall(r"\|\d+a1=", template)) for template in templates)
    document = built(WIKI)
    total = len(document.references) + sum(len(d.references) for d in document.dropped)
    assert total == sfn + sfnm_authors == 63


def test_references_sit_with_the_sentence_they_followed():
    document = built(WIKI)
    for ref in document.references:
        paragraph = document.paragraphs[ref.paragraph]
        assert ref in paragraph.references
        assert document.cleaned_text[ref.start : ref.end] == ref.sentence
        assert paragraph.start <= ref.start < ref.end <= paragraph.end
    yezhov = [r for r in document.references if r.sentence.startswith("In 1936, Nikolai Yezhov")]
    assert [(r.author, r.year, r.pages) for r in yezhov] == [("Khlevniuk", "2015", "139")]
    kirov = [r for r in document.references if "Kirov was murdered" in r.sentence]
    assert {r.author for r in kirov} == {"Conquest", "Montefiore", "Service", "Khlevniuk"}


def test_links_become_their_labels_and_images_vanish():
    text = built(WIKI).cleaned_text
    assert "Sergey Kirov was murdered" in text
    assert "signed Order No. 00447" in text
    assert "Vinnitsia" not in text
    assert "White Sea Canal" not in text


def test_the_wiki_section_is_split_into_readable_paragraphs():
    document = built(WIKI)
    assert len(document.paragraphs) >= 5
    assert all(len(p.text) < 1200 for p in document.paragraphs)
    assert all(p.section == "The Great Terror" for p in document.paragraphs)
    assert document.dropped == []


@pytest.mark.parametrize(
    "teaser",
    ["Romanov", "Cultural Revolution", "Great Awakening", "Basic Books", "archipelago in the"],
)
def test_teasers_for_other_topics_are_dropped_with_a_reason(teaser):
    document = built(SCRAPED)
    assert teaser not in document.cleaned_text
    dropped = [d for d in document.dropped if teaser in d.text]
    assert dropped and dropped[0].reason


@pytest.mark.parametrize(
    "kept",
    [
        "The men made confessions of their guilt.",
        "The Observer reported",
        "Feuchtwanger",
        "Anna Louise Strong",
        "Duranty charged",
        "Karl Radek and Grigori Sokolnikov",
        "chief witness",
        "Stalin did not trust the Koreans at all.",
        "Stalin said privately",
    ],
)
def test_genuine_content_is_kept(kept):
    assert kept in built(SCRAPED).cleaned_text


@pytest.mark.parametrize(
    ("speaker", "role", "kind", "opening"),
    [
        ("Lev Kamenev", "participant", "trial confession", "I Kamenev, together with"),
        ("Gregory Zinoviev", "participant", "trial confession", "I would like to repeat"),
        ("The Observer", "contemporary_observer", "newspaper report", "It is futile"),
        ("Anna Louise Strong", "contemporary_observer", "newspaper report", "The key to the"),
        # "a NKVD officer": the text names his part, but not what kind of source he left.
        ("Alexander Orlov", "participant", "", "Stalin decided to arrange"),
        # "a leading figure in the British Communist Party" says neither when he wrote nor
        # whether he watched the trials, so his role is left for the editor.
        ("Robin Page Arnot", "unknown", "", "A second Moscow trial"),
        ("Edvard Radzinsky", "historian", "historian's account", "After they saw"),
        ("James William Crowl", "historian", "historian's account", "Although Louis Fischer"),
        ("Yuri Piatakov", "participant", "trial testimony", "with all my heart"),
    ],
)
def test_quoted_excerpts_have_their_speakers(speaker, role, kind, opening):
    excerpts = excerpt_by(SCRAPED, speaker)
    assert any(e.text.startswith(opening) for e in excerpts)
    assert all(e.speaker_role == role for e in excerpts)
    assert all(e.source_kind == kind for e in excerpts)


def test_confessions_run_to_the_end_of_their_paragraph():
    kamenev = excerpt_by(SCRAPED, "Lev Kamenev")[0]
    assert kamenev.text.endswith("by boundless hatred and by lust of power.")
    assert kamenev.date_text == "at the trial"


def test_feuchtwanger_has_two_excerpts_including_radek():
    texts = [e.text for e in excerpt_by(SCRAPED, "Lion Feuchtwanger")]
    assert len(texts) == 2
    assert any(t.startswith("gave the condemned men a guilty smile") for t in texts)
    # A quotation woven into a sentence ends with that sentence.
    assert any(t.endswith("embarrassed by his luck.") for t in texts)


def test_stalins_unquoted_words_are_found():
    stalin = excerpt_by(SCRAPED, "Stalin")
    private = [e for e in stalin if e.text.startswith("We were aware of certain facts")]
    assert private and private[0].source_kind == "private remark" and not private[0].quoted
    korea = [e for e in stalin if e.text.startswith("It is necessary to clean up the army")]
    assert korea and korea[0].text.endswith("there the Japanese rule […]")
    assert all(e.speaker_role == "participant" for e in stalin)


def test_a_pronoun_is_never_guessed_into_a_speaker():
    speakers = {e.speaker.lower() for e in built(SCRAPED).excerpts}
    assert not speakers & {"he", "she", "they", "it", "him", "her"}


def test_reported_speech_woven_into_a_sentence_is_not_an_excerpt():
    # "he came to the conclusion "that the confessions are true"": the writer's words, reported.
    texts = {e.text for e in built(SCRAPED).excerpts}
    assert "that the confessions are true" not in texts


def test_short_scare_quotes_are_not_excerpts():
    texts = {e.text for e in built(WIKI).excerpts} | {e.text for e in built(SCRAPED).excerpts}
    assert "excesses" not in texts
    assert "anti-Soviet elements" not in texts
    assert "hypocritical psychologist" not in texts


@pytest.mark.parametrize("name", [SCRAPED, WIKI])
def test_every_span_points_at_its_text(name):
    document = built(name)
    text = document.cleaned_text
    for item in document.paragraphs + document.excerpts + document.events + document.gaps:
        assert text[item.start : item.end] == item.text
    for figure in document.figures:
        assert text[figure.start : figure.end] == figure.value_text


def test_events_are_dated_and_sortable():
    events = built(WIKI).events
    by_date = {e.date_text: e for e in events}
    assert "Kirov was murdered" in by_date["December 1934"].text
    assert "Trotsky was assassinated" in by_date["August 1940"].text
    assert by_date["August 1936"].text == "The first Moscow Trial took place in August 1936"
    assert (by_date["July 1937"].year, by_date["July 1937"].month) == (1937, 7)
    assert by_date["1936"].month is None
    for date in [
        "May 1933",
        "September 1934",
        "early 1935",
        "January 1937",
        "March 1938",
        "May 1937",
        "April 1939",
        "1940",
        "December 1936",
        "November 1938",
    ]:
        assert date in by_date, date


def test_figures_say_what_they_count():
    figures = {f.value_text: f for f in built(WIKI).figures}
    assert figures["268,950"].value == 268950 and figures["268,950"].what == "people for arrest"
    assert figures["75,950"].what == "were executed"
    assert figures["1.6 million"].value == 1_600_000
    assert figures["700,000"].what == "were shot"
    assert figures["11,000"].qualifier == "over"
    assert "00447" not in figures
    scraped = {f.value_text: f for f in built(SCRAPED).figures}
    assert scraped["63"].what == "of them were executed"
    assert scraped["twenty-one"].value == 21
    assert scraped["thirteen"].what == "other party members"
    assert "18 million" not in scraped  # stated only in a dropped teaser


def test_stripped_years_are_flagged_not_invented():
    gaps = {g.text: g for g in built(SCRAPED).gaps}
    assert gaps["in August, ,"].month == 8
    assert gaps["in January ,"].month == 1
    assert gaps["in March, ,"].month == 3
    assert gaps["on 14th July, ,"].kind == "missing_year"
    for expected in ["since November ,", "In ,", "In late", "the mids", "[]", "more than"]:
        assert expected in gaps, expected
    assert gaps["more than"].kind == "missing_number"
    assert built(WIKI).gaps == []
