"""The lesson player: modules with their states, previous and next, resuming, reading and
document study with sourcing cards, answers and the progress they record."""

import re

import pytest
from django.urls import reverse

from coursework.models import Answer, Progress, Visit
from lessons.models import Question
from tests.coursework.conftest import (
    COMPARE,
    COMPARE_QUESTIONS,
    DISCUSS,
    QUOTE,
    READING,
    STUDY,
    STUDY_QUESTIONS,
    WRITE,
    module_url,
    page,
    state_of,
)


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


def nav_states(html: str) -> list[tuple[str, str]]:
    """(state, title) of each module in the player's module list, in order."""
    return re.findall(r'<li class="state-(\w+)">\s*<a href="[^"]+"[^>]*>([^<]+)</a>', html)


def questions(assignment, position: int) -> list[Question]:
    return list(
        Question.objects.filter(module__lesson=assignment.lesson, module__position=position)
    )


def test_player_lists_modules_with_states_previous_next_and_progress(as_student, assignment):
    as_student.get(module_url(assignment, READING))
    html = page(as_student.get(module_url(assignment, STUDY)))
    assert nav_states(html) == [
        ("complete", "Background 1"),
        ("in_progress", "Document_Study 2"),
        ("not_started", "Corroboration 3"),
        ("not_started", "Discussion 4"),
        ("not_started", "Assignment 5"),
    ]
    assert f'href="{module_url(assignment, STUDY)}" aria-current="step"' in html
    assert f'href="{module_url(assignment, READING)}" rel="prev">Previous</a>' in html
    assert f'href="{module_url(assignment, COMPARE)}" rel="next">Next</a>' in html
    assert "1 of 5 modules complete · Module 2 of 5" in html
    assert '<progress max="100" value="20"' in html


def test_first_module_has_no_previous_and_last_leads_back_home(as_student, assignment):
    first = page(as_student.get(module_url(assignment, READING)))
    assert ">Previous</a>" not in first
    last = page(as_student.get(module_url(assignment, WRITE)))
    assert ">Next</a>" not in last
    assert f'href="{reverse("coursework:home")}">Back to your lessons</a>' in last


def test_unknown_module_position_is_404(as_student, assignment):
    assert as_student.get(module_url(assignment, 99)).status_code == 404


def test_opening_the_lesson_again_resumes_at_the_last_module_visited(as_student, assignment):
    resume = reverse("coursework:player", args=[assignment.pk])
    assert as_student.get(resume).url == module_url(assignment, READING)
    as_student.get(module_url(assignment, DISCUSS))
    assert as_student.get(resume).url == module_url(assignment, DISCUSS)
    as_student.get(module_url(assignment, STUDY))
    assert as_student.get(resume).url == module_url(assignment, STUDY)
    assert Visit.objects.count() == 1


def test_reading_module_completes_when_opened(as_student, assignment, student):
    as_student.get(module_url(assignment, READING))
    progress = Progress.objects.get(assignment=assignment, student=student)
    assert progress.state == Progress.State.COMPLETE
    assert progress.started_at <= progress.completed_at
    assert progress.last_activity_at >= progress.started_at


def test_document_study_shows_excerpt_with_sourcing_card_and_link_to_its_passage(
    as_student, assignment, document
):
    html = page(as_student.get(module_url(assignment, STUDY)))
    excerpt = assignment.lesson.modules.get(position=STUDY).excerpts.get()
    assert f"<blockquote>{QUOTE}</blockquote>" in html
    assert "Its leader" in html and "(Participant)" in html
    assert "May 1901" in html and "Council minutes" in html
    link = reverse("lessons:document-detail", args=[document.pk]) + f"?excerpt={excerpt.pk}"
    # The passage's page links back to this module.
    back = module_url(assignment, STUDY)
    assert f'href="{link}&amp;next={back}#passage"' in html
    passage = as_student.get(link)
    assert passage.status_code == 200
    assert QUOTE in page(passage)


def test_source_passage_is_404_for_a_student_of_another_class(
    client, assignment, document, other_student
):
    excerpt = assignment.lesson.modules.get(position=STUDY).excerpts.get()
    client.force_login(other_student)
    link = reverse("lessons:document-detail", args=[document.pk])
    assert client.get(link, {"excerpt": excerpt.pk}).status_code == 404


def test_questions_are_answered_in_fields_labelled_with_their_text_and_skill(
    as_student, assignment
):
    html = page(as_student.get(module_url(assignment, STUDY)))
    for question in questions(assignment, STUDY):
        assert f'<label for="answer-{question.pk}">{question.text}</label>' in html
        assert f'<textarea id="answer-{question.pk}" name="answer-{question.pk}"' in html
    assert html.count("Skill: Sourcing") == 2
    assert "Save answers" in html


def test_saving_answers_stores_them_and_shows_them_again(as_student, assignment, student):
    first, second = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    response = as_student.post(
        url, {f"answer-{first.pk}": " Its leader. ", f"answer-{second.pk}": "A bridge."}
    )
    assert response.url == module_url(assignment, STUDY)
    stored = dict(Answer.objects.filter(student=student).values_list("question_id", "text"))
    assert stored == {first.pk: "Its leader.", second.pk: "A bridge."}
    html = page(as_student.get(response.url))
    assert "Your answers are saved." in html
    assert ">Its leader.</textarea>" in html


def test_saving_an_answer_with_htmx_returns_the_saved_status(as_student, assignment, student):
    first, _ = questions(assignment, STUDY)
    response = as_student.post(
        module_url(assignment, STUDY, "answers-save"),
        {f"answer-{first.pk}": "The leader."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Saved at" in page(response)
    assert "<html" not in page(response)
    assert Answer.objects.get(student=student, question=first).text == "The leader."


def test_answer_for_a_question_of_another_module_is_refused(as_student, assignment):
    other = questions(assignment, COMPARE)[0]
    response = as_student.post(
        module_url(assignment, STUDY, "answers-save"),
        {f"answer-{other.pk}": "Sneaky."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "not in this module" in page(response)
    assert not Answer.objects.exists()


def test_document_study_completes_only_when_every_question_is_answered(
    as_student, assignment, student
):
    first, second = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    as_student.get(module_url(assignment, STUDY))
    assert state_of(assignment, student, STUDY) == "in_progress"
    as_student.post(url, {f"answer-{first.pk}": "The leader."})
    assert state_of(assignment, student, STUDY) == "in_progress"
    as_student.post(url, {f"answer-{second.pk}": "   "})
    assert state_of(assignment, student, STUDY) == "in_progress"
    as_student.post(url, {f"answer-{second.pk}": "A bridge."})
    progress = Progress.objects.get(student=student, module__position=STUDY)
    assert progress.state == "complete" and progress.completed_at is not None
    # Clearing an answer on a page that showed it reopens the module.
    as_student.post(url, {f"answer-{second.pk}": "", f"revision-{second.pk}": 1})
    assert state_of(assignment, student, STUDY) == "in_progress"


def test_corroboration_completes_when_its_question_is_answered(as_student, assignment, student):
    html = page(as_student.get(module_url(assignment, COMPARE)))
    assert "Compare the documents" in html
    assert COMPARE_QUESTIONS[0] in html
    assert state_of(assignment, student, COMPARE) == "in_progress"
    (question,) = questions(assignment, COMPARE)
    as_student.post(
        module_url(assignment, COMPARE, "answers-save"), {f"answer-{question.pk}": "Yes."}
    )
    assert state_of(assignment, student, COMPARE) == "complete"


def test_student_sees_only_their_own_answers(client, as_student, assignment, student, classmate):
    first, _ = questions(assignment, STUDY)
    client.force_login(classmate)
    client.post(module_url(assignment, STUDY, "answers-save"), {f"answer-{first.pk}": "Copy me"})
    client.force_login(student)
    html = page(client.get(module_url(assignment, STUDY)))
    assert "Copy me" not in html
    assert STUDY_QUESTIONS[0] in html
    assert state_of(assignment, student, STUDY) == "in_progress"


def answer_form(question, text: str, revision: int) -> dict:
    return {f"answer-{question.pk}": text, f"revision-{question.pk}": revision}


def test_each_answer_box_carries_the_revision_of_its_stored_answer(as_student, assignment):
    first, second = questions(assignment, STUDY)
    as_student.post(module_url(assignment, STUDY, "answers-save"), answer_form(first, "One.", 0))
    html = page(as_student.get(module_url(assignment, STUDY)))
    assert f'name="revision-{first.pk}" value="1"' in html
    assert f'name="revision-{second.pk}" value="0"' in html
    assert f'data-hx-params="answer-{first.pk},revision-{first.pk}"' in html


def test_an_htmx_save_hands_the_page_the_new_revision(as_student, assignment, student):
    first, _ = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    response = as_student.post(url, answer_form(first, "One.", 0), HTTP_HX_REQUEST="true")
    assert f'id="revision-{first.pk}" name="revision-{first.pk}" value="1" hx-swap-oob="true"' in (
        page(response)
    )
    response = as_student.post(url, answer_form(first, "One, then two.", 1), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    answer = Answer.objects.get(student=student, question=first)
    assert (answer.text, answer.revision) == ("One, then two.", 2)


def test_empty_boxes_from_an_older_tab_leave_newer_answers_alone(as_student, assignment, student):
    first, second = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    # Tab A autosaves both answers; tab B, loaded before, saves its whole form still empty.
    as_student.post(url, answer_form(first, "The leader.", 0), HTTP_HX_REQUEST="true")
    as_student.post(url, answer_form(second, "A bridge.", 0), HTTP_HX_REQUEST="true")
    response = as_student.post(url, {**answer_form(first, "", 0), **answer_form(second, "", 0)})
    assert response.status_code == 302
    stored = dict(Answer.objects.filter(student=student).values_list("question_id", "text"))
    assert stored == {first.pk: "The leader.", second.pk: "A bridge."}
    assert state_of(assignment, student, STUDY) == "complete"


def test_an_ignored_empty_box_is_not_handed_the_newer_revision(as_student, assignment, student):
    first, _ = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    as_student.post(url, answer_form(first, "The leader.", 0))
    response = as_student.post(url, answer_form(first, "", 0), HTTP_HX_REQUEST="true")
    # Else the stale box would count as current, and its next save would clear the answer.
    assert "hx-swap-oob" not in page(response)
    assert Answer.objects.get(student=student).text == "The leader."


def test_other_words_from_an_older_tab_are_refused_with_both_texts(as_student, assignment, student):
    first, second = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    as_student.post(url, answer_form(first, "Newer answer.", 0))
    response = as_student.post(
        url, {**answer_form(first, "Older answer.", 0), **answer_form(second, "A bridge.", 0)}
    )
    assert response.status_code == 409
    html = page(response)
    assert "Not saved: this page was out of date." in html
    assert "Newer answer." in html and "Older answer." in html
    assert f'name="revision-{first.pk}" value="1"' in html
    stored = dict(Answer.objects.filter(student=student).values_list("question_id", "text"))
    assert stored == {first.pk: "Newer answer.", second.pk: "A bridge."}

    response = as_student.post(url, answer_form(first, "Older answer.", 0), HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "Newer answer." in page(response) and "Older answer." in page(response)
    assert "<html" not in page(response)
    assert Answer.objects.get(question=first).text == "Newer answer."


def test_the_same_words_from_an_older_tab_are_no_conflict(as_student, assignment, student):
    first, _ = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    as_student.post(url, answer_form(first, "The leader.", 0), HTTP_HX_REQUEST="true")
    response = as_student.post(url, answer_form(first, "The leader.", 0), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'name="revision-{first.pk}" value="1"' in page(response)
    assert Answer.objects.get(student=student).revision == 1


def test_an_answer_with_a_damaged_revision_is_refused_and_changes_nothing(
    as_student, assignment, student
):
    first, _ = questions(assignment, STUDY)
    url = module_url(assignment, STUDY, "answers-save")
    as_student.post(url, answer_form(first, "The leader.", 0))
    response = as_student.post(url, answer_form(first, "", "x"), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "reload the page" in page(response)
    assert Answer.objects.get(student=student).text == "The leader."


def test_a_discussion_prompt_takes_posts_not_answers(as_student, assignment):
    (prompt,) = questions(assignment, DISCUSS)
    response = as_student.post(
        module_url(assignment, DISCUSS, "answers-save"), answer_form(prompt, "Sneaky.", 0)
    )
    assert response.status_code == 404
    assert not Answer.objects.exists()
