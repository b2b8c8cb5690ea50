"""The same behaviour on small documents of both shapes, so the builder fits no single file."""

from lessons.builder import build_document

WIKI = (
    "Salem witch trials Warning: You are not logged in. Your IP address will be publicly "
    "visible if you make any edits. Anti-spam check. Do not fill this in! ==Trials== "
    "{{main|Salem witch trials}} [[File:Witch trial.jpg|thumb|right|An illustration of the "
    "[[courtroom]] in 1876]] The trials began in February 1692 in [[Salem Village]]."
    "{{sfn|Boyer|Nissenbaum|1974|p=2}} The court of [[Court of Oyer and Terminer|Oyer and "
    "Terminer]] sat in June 1692, and nineteen people were hanged.{{sfnm|1a1=Norton|1y=2002|"
    "1pp=10β12|2a1=Rosenthal|2y=1993|2p=45}} ''Spectral evidence'' was admitted over the "
    "objections of '''some''' ministers.<ref>{{cite book|last=Hoffer|year=1997|title=The "
    "Devil's Disciples|page=88}}</ref> <!-- a hidden editor's note --> The minister Cotton "
    'Mather wrote: "The witches have made a dreadful knot in the country, and the court must '
    'act." Governor [[William Phips]] ended the trials in May 1693βafter his own wife was '
    "accused.{{sfn|Norton|2002|pp=290β295}} Summary: Please note that all contributions to "
    "Wikipedia may be edited. Cancel Editing help (opens in new window) Discuss this page"
)

WEB = """The Salem Witch Trials

Subscribe for fascinating stories connecting the past to the present.

The Salem witch trials began in the spring of , when a group of young girls in Salem Village \
claimed to be possessed by the devil and accused several local women of witchcraft.

As hysteria spread through colonial Massachusetts, a special court convened in Salem to hear \
the witchcraft cases. The first convicted witch, Bridget Bishop, was hanged in June, , and \
eighteen others accused of witchcraft followed her to Gallows Hill.

Tituba, an enslaved woman accused of witchcraft, confessed: "The devil came to me and bid me \
serve him. I saw four women who hurt the children of the village.

The minister Cotton Mather wrote: "The witches have made a dreadful knot in the country, and \
the court must act against them before the village is lost.

Historian Stacy Schiff has argued: "The trials were a collision of fear, faith and local \
grievances that no one in the village could stop.

John Proctor, one of the accused, told the court he would meet his fate "with all my heart." \
Proctor was hanged with four others in August, , after the court rejected his petition.

Governor William Phips dissolved the witchcraft court in October , after his own wife was \
accused. More than people were accused in all, and nineteen were hanged.

The Apollo program was a series of spaceflight missions run by NASA that landed astronauts on \
the lunar surface. Neil Armstrong became the first human to walk on the Moon, followed by Buzz \
Aldrin, while Michael Collins orbited above in the command module.

The Great Wall of China is a series of fortifications built across the historical northern \
borders of ancient Chinese states. Construction began over two thousand years ago and \
continued under the Ming dynasty with bricks and stone.

In the years that followed, the colony annulled the convictions of several accused witches, \
and jurors of the Salem court apologised to the families of the accused.

0 Comments

  • 1000 / 1000
"""


def test_small_wikitext_is_cleaned_of_markup_and_edit_page():
    document = build_document(text=WIKI, name="salem-wiki")
    assert document.shape == "wikitext"
    assert document.title == "Trials"
    text = document.cleaned_text
    for fragment in [
        "{{",
        "[[",
        "]]",
        "==",
        "''",
        "File:",
        "thumb|",
        "<!--",
        "<ref",
        "not logged in",
        "Anti-spam",
        "Please note",
        "Editing help",
        "β",
    ]:
        assert fragment not in text, fragment
    assert "The court of Oyer and Terminer sat in June 1692" in text
    assert "Spectral evidence was admitted over the objections of some ministers." in text
    assert "in May 1693—after his own wife" in text
    assert "illustration" not in text


def test_small_wikitext_citations_become_references_on_their_sentences():
    document = build_document(text=WIKI, name="salem-wiki")
    refs = {(r.author, r.year, r.pages): r for r in document.references}
    assert len(document.references) == 5
    assert refs[("Boyer & Nissenbaum", "1974", "2")].sentence.startswith("The trials began")
    hanged = refs[("Norton", "2002", "10–12")].sentence
    assert hanged.endswith("nineteen people were hanged.")
    assert refs[("Rosenthal", "1993", "45")].sentence == hanged
    assert refs[("Hoffer", "1997", "88")].sentence.startswith("Spectral evidence")
    assert refs[("Norton", "2002", "290–295")].sentence.startswith("Governor William Phips")
    assert document.repairs == 3


def test_small_wikitext_facts_and_excerpt():
    document = build_document(text=WIKI, name="salem-wiki")
    assert [e.date_text for e in document.events] == ["February 1692", "June 1692", "May 1693"]
    assert [(f.value, f.what) for f in document.figures] == [(19, "people were hanged")]
    [mather] = document.excerpts
    assert mather.speaker == "Cotton Mather"
    # "The minister" says neither when he wrote nor what part he had: left for the editor.
    assert mather.speaker_role == "unknown"
    assert mather.text.endswith("the court must act.")


def test_small_web_page_loses_furniture_and_keeps_its_title():
    document = build_document(text=WEB, name="salem-web")
    assert document.shape == "web"
    assert document.title == "The Salem Witch Trials"
    for fragment in ["Subscribe", "Comments", "1000 / 1000"]:
        assert fragment not in document.cleaned_text


def test_small_web_page_drops_unrelated_teasers_and_keeps_the_rest():
    document = build_document(text=WEB, name="salem-web")
    assert "Apollo" not in document.cleaned_text
    assert "Great Wall" not in document.cleaned_text
    assert len(document.dropped) == 2
    assert all(d.reason for d in document.dropped)
    assert len(document.paragraphs) == 8
    assert "jurors of the Salem court apologised" in document.cleaned_text


def test_small_web_page_excerpts_are_attributed():
    document = build_document(text=WEB, name="salem-web")
    by_speaker = {e.speaker: e for e in document.excerpts}
    assert by_speaker["Tituba"].speaker_role == "participant"
    # She "confessed", but the page never puts her confession in a courtroom.
    assert by_speaker["Tituba"].source_kind == "confession"
    assert by_speaker["Tituba"].text.endswith("hurt the children of the village.")
    assert by_speaker["Cotton Mather"].speaker_role == "unknown"
    assert by_speaker["Stacy Schiff"].speaker_role == "historian"
    assert by_speaker["John Proctor"].text == "with all my heart."
    assert by_speaker["John Proctor"].speaker_role == "participant"
    for excerpt in document.excerpts:
        assert document.cleaned_text[excerpt.start : excerpt.end] == excerpt.text


def test_small_web_page_flags_its_stripped_years_and_numbers():
    document = build_document(text=WEB, name="salem-web")
    gaps = {g.text: g for g in document.gaps}
    assert gaps["in June, ,"].month == 6
    assert gaps["in August, ,"].month == 8
    assert gaps["in October ,"].month == 10
    assert "of ," in gaps
    assert gaps["More than"].kind == "missing_number"
    assert len(document.gaps) == 5
    assert document.events == []


def test_a_short_document_on_one_topic_keeps_every_paragraph():
    text = (
        "The Salem witch trials\n\n"
        "In February 1692 two girls in Salem Village began to have fits.\n\n"
        "The magistrate John Hathorne questioned Bridget Bishop in April 1692.\n\n"
        'Cotton Mather wrote in 1693: "The devil has made a dreadful knot of witches here."\n\n'
        "In May 1693 the governor pardoned those still in prison.\n"
    )
    built = build_document(text=text, name="salem.txt")
    assert not built.dropped
    assert len(built.paragraphs) == 4
