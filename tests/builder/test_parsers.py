"""The parsing pieces on small inputs: wikitext citations, speakers, dates, debris, bad input."""

import pytest

from lessons.builder import BuilderError, build_document, decode_upload
from lessons.builder.relevance import debris_reason
from lessons.builder.wikitext import render_wikitext

LEAD = "'''Bodmin''' is a town in Cornwall. "


def refs(text: str) -> list:
    return build_document(text=text, name="page.wiki").references


def test_harvnb_and_harv_inside_refs_become_references_with_author_year_and_page():
    document = build_document(
        text=LEAD
        + "The priory was founded in 1120.<ref>{{harvnb|Orme|2010|p=44}}</ref> "
        + "It was dissolved in 1539.{{harv|Doble|1965|pp=12–14}} [[Category:Towns]]",
        name="page.wiki",
    )
    found = [(r.author, r.year, r.pages) for r in document.references]
    assert found == [("Orme", "2010", "44"), ("Doble", "1965", "12–14")]
    assert document.references[0].sentence == "The priory was founded in 1120."


def test_sfnm_cite_family_citation_and_efn_are_all_references():
    found = refs(
        LEAD
        + "A fair was granted.{{sfnm|1a1=Hull|1y=1987|1p=3|2a1=Henderson|2y=1935|2p=9}} "
        + "The gaol opened.<ref>{{cite book|last=Pearce|year=1999|title=Gaol|page=7}}</ref> "
        + "A railway came.<ref>{{Citation|author=Vaughan|date=4 May 1991|title=Lines}}</ref> "
        + "The assizes moved.{{efn|Assizes were held at Launceston until 1838.}}"
    )
    assert [(r.author, r.year, r.pages) for r in found[:4]] == [
        ("Hull", "1987", "3"),
        ("Henderson", "1935", "9"),
        ("Pearce", "1999", "7"),
        ("Vaughan", "1991", ""),
    ]
    assert found[4].note == "Assizes were held at Launceston until 1838."


def test_a_named_ref_reused_cites_the_same_source_again():
    found = refs(
        LEAD
        + 'The town grew.<ref name="orme">{{harvnb|Orme|2010|p=44}}</ref> '
        + 'The market thrived.<ref name="orme" />'
    )
    assert [(r.author, r.sentence) for r in found] == [
        ("Orme", "The town grew."),
        ("Orme", "The market thrived."),
    ]


def test_maintenance_templates_never_become_references_or_dates():
    document = build_document(
        text=LEAD
        + "The abbey was rebuilt.{{verify source|date=March 2017}} "
        + "It burned down.{{citation needed|date=June 2009}}{{by whom|date=May 2012}} "
        + "Trade declined.<ref>{{cite web|title=Trade|access-date=24 March 2017"
        + "|archive-date=1 April 2018|url=http://example.org}}</ref>",
        name="page.wiki",
    )
    assert "verify" not in document.cleaned_text and "needed" not in document.cleaned_text
    assert [r.note for r in document.references] == ["Trade"]
    assert not any(r.year for r in document.references)
    assert document.events == []


def test_circa_lang_convert_and_nowrap_render_their_text():
    text = render_wikitext(
        "He was born {{circa|965}} in Basra ({{lang|ar|البصرة}}), {{convert|500|km}} away, "
        "on {{nowrap|1 May}}."
    ).text
    assert "born c. 965 in Basra (البصرة), 500 km away, on 1 May." in " ".join(text.split())


def test_the_lead_term_titles_an_article_and_reference_sections_are_debris():
    document = build_document(
        text=LEAD + "It had a priory.\n\n==References==\n* Orme, N. (2010). ''Cornish Saints''.",
        name="page.wiki",
    )
    assert document.title == "Bodmin"
    assert "Cornish Saints" not in document.cleaned_text
    assert document.dropped and document.dropped[0].reason.startswith("debris")


def test_said_name_after_a_quotation_names_its_speaker():
    document = build_document(
        text='"The city must face what it did in Africa," said Tahir Della. '
        '"We have waited a long time for the streets to be renamed," he added.',
        name="article.txt",
    )
    assert [e.speaker for e in document.excerpts] == ["Tahir Della", "Tahir Della"]


def test_name_wrote_on_the_line_before_a_blockquote_names_its_speaker():
    document = build_document(
        text="# Letters home\n\nHer brother Thomas wrote:\n\n> I have seen the sea at last "
        "and it is wider than any field at home.\n\n- one\n- two\n",
        name="post.md",
    )
    assert [e.speaker for e in document.excerpts] == ["Thomas"]


def test_cite_after_a_blockquote_and_dash_lines_name_the_speaker():
    document = build_document(
        text="# Quotes\n\n> I went to the woods because I wished to live deliberately.\n>\n"
        "> -- Thoreau, _Walden_\n\n> Nothing is so painful to the human mind as a great and "
        "sudden change.\n>\n> — Mary Shelley\n\n- a\n- b\n",
        name="post.md",
    )
    assert [e.speaker for e in document.excerpts] == ["Thoreau", "Mary Shelley"]


def test_titles_scare_quotes_and_unattributed_fragments_are_not_excerpts():
    document = build_document(
        text='The project, named "Postcolonial Remembrance in the City", began. Peters earned '
        'the nickname "the man with the bloody hand" for his cruelty. The paper called itself '
        '"a general newspaper and journal of literature" at first.',
        name="article.txt",
    )
    assert document.excerpts == []


def test_a_quotation_without_a_speaker_is_unnamed_not_guessed():
    document = build_document(
        text="The crowd waited in the cold.\n\n"
        '"Let it be told to the future world that in the depth of winter hope survived."',
        name="speech.txt",
    )
    assert [e.speaker for e in document.excerpts] == ["unnamed"]


def test_she_said_is_the_person_named_earlier_in_the_sentence():
    document = build_document(
        text="Every now and then Ms. Carr would call me, and she'd say, "
        '"Bryan, Ms. Parks is coming to town. Do you want to come over and listen?"',
        name="captions.txt",
    )
    assert [e.speaker for e in document.excerpts] == ["Ms. Carr"]


def test_he_said_is_the_subject_of_the_sentence_before():
    document = build_document(
        text="Vaclav Havel, the great Czech leader, talked about this. He said, "
        '"When we were dealing with oppression, mostly what we needed was hope."',
        name="captions.txt",
    )
    assert [e.speaker for e in document.excerpts] == ["Vaclav Havel"]


def test_she_said_after_two_people_is_unnamed_not_guessed():
    document = build_document(
        text="Johnnie Carr and Virginia Durr met every month in Montgomery. She said, "
        '"Those evenings were the best hours of the whole year for all of us."',
        name="captions.txt",
    )
    assert [e.speaker for e in document.excerpts] == ["unnamed"]


def test_i_said_is_an_unnamed_narrators_quotation_even_when_short():
    document = build_document(
        text='After an hour Ms. Parks turned to me and she said, "Tell me what you are doing '
        'here today." I said, "I\'m going to listen." She said, "That will make you tired."',
        name="captions.txt",
    )
    assert [(e.speaker, e.text) for e in document.excerpts] == [
        ("Ms. Parks", "Tell me what you are doing here today."),
        ("unnamed", "I'm going to listen."),
        ("Ms. Parks", "That will make you tired."),
    ]


@pytest.mark.parametrize(
    ("sentence", "year", "month", "inferred"),
    [
        ("He was born c. 900 in Basra.", 900, None, False),
        ("Caesar was killed in 44 BC by senators.", -44, None, False),
        ("St. Petroc founded a monastery in the 6th century.", 501, None, False),
        ("Officials arrived in the 1880s with troops.", 1880, None, False),
        ("Her parents were born in slavery in the 1840&#39;s.", 1840, None, False),
        ("The letter was sent on Dec. 20, 1861 from camp.", 1861, 12, False),
        ("The Domesday Book recorded it in 1086.", 1086, None, False),
    ],
)
def test_dates_of_any_era_are_found(sentence, year, month, inferred):
    events = build_document(text=sentence, name="d.txt").events
    assert [(e.year, e.month, e.inferred) for e in events] == [(year, month, inferred)]


def test_a_day_and_month_without_a_year_take_the_year_before_and_say_so():
    events = build_document(
        text="The fleet sailed in 1805. On October 21 it met the enemy off Cape Trafalgar.",
        name="d.txt",
    ).events
    assert [(e.year, e.month, e.inferred) for e in events] == [
        (1805, None, False),
        (1805, 10, True),
    ]


def test_retrieval_and_archive_dates_are_never_events():
    events = build_document(
        text="The museum opened in 1901. Its online guide (retrieved 24 March 2017, archived "
        "on 3 May 2018) lists the rooms.",
        name="d.txt",
    ).events
    assert [e.year for e in events] == [1901]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Read more: Looted colonial art: Germany to set up new contact office",
        "Citation: Flint flake tool (2019, October 22) retrieved 20 January 2020 from phys.org",
        '^ "Mozilla.org WHOIS". Retrieved 2016-05-01.',
        "© 2019 Science X Network",
    ],
)
def test_reference_lists_links_and_credits_are_debris(paragraph):
    assert debris_reason(paragraph).startswith("debris")


def test_a_paragraph_quoting_someone_is_never_debris_or_dropped():
    assert debris_reason('"We have never given up," Kaplan says of the company.') == ""


def test_caption_lines_with_entities_are_joined_and_unescaped():
    document = build_document(
        text="so we went down to the river\nand it was &quot;cold&quot;\n"
        "that&#39;s what I remember\n",
        name="captions.txt",
    )
    assert document.cleaned_text == (
        'so we went down to the river and it was "cold" that\'s what I remember'
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 binary", "Upload MediaWiki wikitext, Markdown"),
        (b"PK\x03\x04 word file", "a saved HTML page"),
        (b"{\\rtf1\\ansi hello}", "plain text such as a transcript"),
        (b"\x00\x01\x02\x03", "binary"),
    ],
)
def test_unsupported_formats_are_refused_naming_the_accepted_ones(data, message):
    with pytest.raises(BuilderError, match=message):
        decode_upload(data=data, name="upload.bin")


def test_a_lesson_never_takes_a_file_name_or_its_builder_note_into_the_catalogue():
    from lessons.builder import build_lesson

    draft = build_lesson(
        documents=[
            (
                "txt_speech_2009.txt",
                "We gather here today to remember what our fathers built.\n\n"
                "We will carry it forward, and we will not turn back from the work.",
            )
        ]
    )
    assert "txt_speech" not in draft.title and "txt_speech" not in draft.central_question
    assert "Draft built from" not in draft.summary
    assert draft.editor_note.startswith("Draft built from 1 document(s)")


@pytest.mark.parametrize(
    "quotation",
    [
        "> What, to the American slave, is your Fourth of July? I answer: a day that reveals "
        "to him the gross injustice.\n\n<cite>Frederick Douglass</cite>\n",
        "<blockquote><p>What, to the American slave, is your Fourth of July? I answer: a day "
        "that reveals to him the gross injustice.</p></blockquote>\n"
        "<cite>Frederick Douglass</cite>\n",
    ],
)
def test_a_cite_line_after_a_blockquote_names_its_speaker(quotation):
    document = build_document(
        text="# Speeches\n\nAn abolitionist spoke in Rochester in 1852.\n\n"
        + quotation
        + "\nThe speech was printed soon after.\n",
        name="speeches.md",
    )
    assert [(e.speaker, e.text[:28]) for e in document.excerpts] == [
        ("Frederick Douglass", "What, to the American slave,")
    ]
    assert "<cite>" not in document.cleaned_text
    assert "Frederick Douglass" not in document.cleaned_text
