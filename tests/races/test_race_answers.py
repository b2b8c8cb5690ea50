"""Answers saved from two tabs at the same moment: an older tab's empty boxes never wipe
newer answers, and of two different answers one wins and the other is told, both shown."""

from functools import partial

from coursework.models import Answer
from lessons.models import Question
from tests.coursework.conftest import STUDY, module_url
from tests.races.conftest import at_once


def study_questions(assignment) -> list[Question]:
    return list(Question.objects.filter(module__lesson=assignment.lesson, module__position=STUDY))


def boxes(*pairs) -> dict:
    form = {}
    for question, text, revision in pairs:
        form[f"answer-{question.pk}"] = text
        form[f"revision-{question.pk}"] = revision
    return form


def test_older_tabs_empty_form_saved_while_answers_autosave_wipes_nothing(tab, assignment, student):
    first, second = study_questions(assignment)
    url = module_url(assignment, STUDY, "answers-save")
    for round_ in range(3):
        Answer.objects.filter(student=student).delete()
        autosaving, older = tab(student), tab(student)
        older.get(module_url(assignment, STUDY))  # loaded before any answer was stored
        replies = at_once(
            partial(autosaving.post, url, boxes((first, f"Six {round_}", 0)), htmx=True),
            partial(autosaving.post, url, boxes((second, f"Seven {round_}", 0)), htmx=True),
            partial(older.post, url, boxes((first, "", 0), (second, "", 0))),
        )
        assert [reply.status for reply in replies] == [200, 200, 302]
        stored = dict(Answer.objects.filter(student=student).values_list("question_id", "text"))
        assert stored == {first.pk: f"Six {round_}", second.pk: f"Seven {round_}"}


def test_two_tabs_answering_the_same_question_at_once_lose_nothing_silently(
    tab, assignment, student
):
    first, _ = study_questions(assignment)
    url = module_url(assignment, STUDY, "answers-save")
    one, other = tab(student), tab(student)
    replies = at_once(
        partial(one.post, url, boxes((first, "From the first tab", 0)), htmx=True),
        partial(other.post, url, boxes((first, "From the second tab", 0)), htmx=True),
    )
    assert sorted(reply.status for reply in replies) == [200, 409]
    refused = next(reply for reply in replies if reply.status == 409)
    assert "From the first tab" in refused.text and "From the second tab" in refused.text
    answer = Answer.objects.get(student=student, question=first)
    assert answer.revision == 1
    assert answer.text in {"From the first tab", "From the second tab"}
