"""Reading and writing on one page: each excerpt with its own questions, the sourcing card
once per excerpt, the module list folded on phones, the lesson's title in the player, the
passage page's origin and way back, the writing page's evidence panel, word count and
confirmation, and discussion replies behind a button."""

import re

import pytest
from django.urls import reverse

from coursework import services
from coursework.models import Post, Submission
from lessons.models import Excerpt, Question
from tests.coursework.conftest import (
    DISCUSS,
    INSTRUCTIONS,
    MEETING,
    QUOTE,
    STUDY,
    STUDY_QUESTIONS,
    WRITE,
    module_url,
    page,
)


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


def test_each_excerpt_has_its_own_questions_under_it_and_others_come_after(as_student, assignment):
    module = assignment.lesson.modules.get(position=STUDY)
    Question.objects.create(
        module=module, position=9, text="What is missing here?", skill="sourcing"
    )
    html = page(as_student.get(module_url(assignment, STUDY)))
    pair = html[html.index('<div class="study-pair">') : html.index("More questions")]
    card, boxes = pair.split("</figure>", 1)
    assert QUOTE in card and "excerpt-questions" in boxes
    for text in STUDY_QUESTIONS:
        assert text in boxes
    assert "What is missing here?" not in pair
    rest = html.index("More questions")
    assert html.index("What is missing here?") > rest > html.index(STUDY_QUESTIONS[-1])
    # One form saves them all, as before.
    save = module_url(assignment, STUDY, "answers-save")
    assert html.count(f'action="{save}"') == 1
    assert html.index(f'action="{save}"') < html.index(QUOTE) < html.index("Save answers")


def test_answers_typed_under_an_excerpt_save_without_javascript(as_student, assignment, student):
    question = Question.objects.get(module__lesson=assignment.lesson, text=STUDY_QUESTIONS[0])
    url = module_url(assignment, STUDY, "answers-save")
    response = as_student.post(
        url, {f"answer-{question.pk}": "The council's leader.", f"revision-{question.pk}": "0"}
    )
    assert response.status_code == 302
    html = page(as_student.get(module_url(assignment, STUDY)))
    pair = html[html.index('<div class="study-pair">') : html.index("Save answers")]
    assert "The council&#x27;s leader." in pair


def test_the_sourcing_card_shows_once_per_excerpt_and_the_document_once_per_module(
    as_student, assignment, document
):
    module = assignment.lesson.modules.get(position=STUDY)
    start = document.cleaned_text.index(MEETING)
    Excerpt.objects.create(
        module=module,
        document=document,
        position=1,
        text=MEETING,
        start=start,
        end=start + len(MEETING),
        speaker="A clerk",
        speaker_role="participant",
    )
    html = page(as_student.get(module_url(assignment, STUDY)))
    assert html.count('class="sourcing-card"') == 2
    assert html.count("<dt>Who</dt>") == 2
    # The document both come from is described once, not on every card.
    assert html.count("Every excerpt above comes from") == 1
    assert "<dt>Source</dt>" not in html


def test_the_player_shows_the_lesson_title_and_folds_the_module_list(as_student, assignment):
    html = page(as_student.get(module_url(assignment, STUDY)))
    main = html[html.index('<article class="player-main">') :]
    assert f'<p class="lesson-name">{assignment.lesson.title}</p>' in main
    assert main.index("lesson-name") < main.index("<h1>")
    total = assignment.lesson.modules.count()
    assert re.search(
        rf'<details class="modules-toggle">\s*<summary>Modules \(0 of {total} complete\)</summary>',
        html,
    )


def test_the_passage_page_shows_origin_not_the_file_and_links_back(
    as_student, assignment, document
):
    document.author, document.site, document.published = "A. Clerk", "Town Archive", "1902"
    document.save()
    excerpt = Excerpt.objects.get(module__lesson=assignment.lesson, module__position=STUDY)
    back = module_url(assignment, STUDY)
    url = reverse("lessons:document-detail", args=[document.pk])
    html = page(as_student.get(url, {"excerpt": excerpt.pk, "next": back}))
    assert f"<h1>{document.title}</h1>" in html
    assert "By A. Clerk, Town Archive, 1902." in html
    assert document.origin not in html
    assert f'<a href="{back}">Back to where you came from</a>' in html
    assert '<mark id="passage">' in html
    # Only this site's addresses are linked back to.
    html = page(as_student.get(url, {"excerpt": excerpt.pk, "next": "https://evil.example/"}))
    assert "evil.example" not in html and "Back to where you came from" not in html


def test_the_passage_page_says_when_the_document_names_no_origin(as_student, assignment, document):
    document.author = document.site = document.published = ""
    document.save()
    html = page(as_student.get(reverse("lessons:document-detail", args=[document.pk])))
    assert "The document names no author, publisher or date." in html


def test_the_writing_page_shows_the_lessons_evidence_and_own_answers(
    as_student, assignment, student
):
    question = Question.objects.get(module__lesson=assignment.lesson, text=STUDY_QUESTIONS[1])
    services.answer_save(
        assignment=assignment, student=student, question=question, text="A bridge this year."
    )
    html = page(as_student.get(module_url(assignment, WRITE)))
    panel = html[html.index('<aside class="evidence-panel"') : html.index("</aside>")]
    assert '<summary><h2 id="evidence-heading">Evidence to quote</h2></summary>' in panel
    assert QUOTE in panel and MEETING.split(" in ")[0][:10] in html
    assert "The council met." in panel  # the timeline
    assert STUDY_QUESTIONS[1] in panel and "A bridge this year." in panel
    assert INSTRUCTIONS in html


def test_the_writing_pages_queries_do_not_grow_with_the_students_answers(
    client, student, assignment, django_assert_max_num_queries
):
    client.force_login(student)
    url = module_url(assignment, WRITE)
    client.get(url)  # the lesson's evidence is cached from here on
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    questions = Question.objects.filter(module__lesson=assignment.lesson)
    for question in questions:
        services.answer_save(assignment=assignment, student=student, question=question, text="Yes")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client.get(url))
    assert html.count("<dd>Yes</dd>") == questions.count()


def test_answering_a_question_gives_the_writing_page_a_new_etag(as_student, assignment, student):
    url = module_url(assignment, WRITE)
    first = as_student.get(url)["ETag"]
    question = Question.objects.get(module__lesson=assignment.lesson, text=STUDY_QUESTIONS[0])
    services.answer_save(assignment=assignment, student=student, question=question, text="New")
    response = as_student.get(url, headers={"If-None-Match": first})
    assert response.status_code == 200 and response["ETag"] != first
    assert "<dd>New</dd>" in page(response)


def test_the_writing_page_counts_words_and_loads_its_script(as_student, assignment, student):
    module = assignment.lesson.modules.get(position=WRITE)
    services.draft_save(
        assignment=assignment, student=student, module=module, text="One two  three", revision=0
    )
    html = page(as_student.get(module_url(assignment, WRITE)))
    assert '<p class="word-count" id="word-count" aria-live="polite">3 words</p>' in html
    assert "js/writing.js" in html
    assert 'name="confirm" value="ask" data-confirm-submit>Submit</button>' in html


def test_submit_without_javascript_asks_first_and_hands_in_nothing(as_student, assignment, student):
    url = module_url(assignment, WRITE, "submit")
    as_student.get(module_url(assignment, WRITE))
    response = as_student.post(url, {"text": "My essay.", "revision": "0", "confirm": "ask"})
    assert response.status_code == 200
    html = page(response)
    assert "<h1>Hand in your work?</h1>" in html and "(2 words)" in html
    assert '<input type="hidden" name="text" value="My essay.">' in html
    submission = Submission.objects.get(assignment=assignment, student=student)
    assert submission.status == Submission.Status.DRAFT and submission.text == ""
    # Confirming hands it in; saying no keeps it as a draft.
    response = as_student.post(url, {"text": "My essay.", "revision": "0"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.text == "My essay."


def test_saying_no_on_the_confirmation_saves_the_draft(as_student, assignment, student):
    as_student.get(module_url(assignment, WRITE))
    save = module_url(assignment, WRITE, "draft-save")
    response = as_student.post(save, {"text": "Not yet.", "revision": "0"})
    assert response.status_code == 302
    submission = Submission.objects.get(assignment=assignment, student=student)
    assert submission.status == Submission.Status.DRAFT and submission.text == "Not yet."


def test_a_bad_submission_on_the_confirmation_step_is_refused_and_changes_nothing(
    as_student, assignment, student
):
    as_student.get(module_url(assignment, WRITE))
    url = module_url(assignment, WRITE, "submit")
    response = as_student.post(url, {"text": "My essay.", "revision": "x", "confirm": "ask"})
    assert response.status_code == 302
    submission = Submission.objects.get(assignment=assignment, student=student)
    assert submission.status == Submission.Status.DRAFT and submission.text == ""


@pytest.fixture
def discussion(assignment, student, classmate):
    module = assignment.lesson.modules.get(position=DISCUSS)
    mine = services.post_create(assignment=assignment, author=student, module=module, text="Mine.")
    theirs = services.post_create(
        assignment=assignment, author=classmate, module=module, text="Theirs."
    )
    return module, mine, theirs


def test_reply_boxes_are_closed_behind_a_button_and_never_under_ones_own_post(
    as_student, assignment, discussion
):
    _, mine, theirs = discussion
    html = page(as_student.get(module_url(assignment, DISCUSS)))
    assert f'id="reply-{mine.pk}"' not in html
    assert re.search(
        rf'<details class="reply-toggle">\s*<summary class="button secondary-button">Reply'
        rf'<span class="visually-hidden"> to [^<]+</span></summary>\s*<form[^>]*>'
        rf'(?:(?!</details>).)*id="reply-{theirs.pk}"',
        html,
        re.S,
    )


def test_the_moderation_page_heading_and_the_teachers_own_posts(
    client, teacher, assignment, discussion
):
    module, mine, _ = discussion
    own = services.post_create(assignment=assignment, author=teacher, module=module, text="Note.")
    client.force_login(teacher)
    html = page(client.get(reverse("coursework:discussion", args=[assignment.pk, DISCUSS])))
    assert f"<h1>{module.title}</h1>" in html and "Discussion: " not in html
    assert f'for="reason-{mine.pk}"' in html
    assert f'for="reason-{own.pk}"' not in html and f'id="reply-{own.pk}"' not in html
    assert Post.objects.filter(assignment=assignment).count() == 3
