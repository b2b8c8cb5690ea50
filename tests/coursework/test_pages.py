"""Conditional GET on lesson pages (coursework.freshness): once a student holds a page and
its ETag, sending the ETag back answers 304 while nothing changed, and every change the page
shows, by the student, a classmate, the teacher, an admin or the clock, yields a new ETag and
the new page. Access is checked on every request, the ETag belongs to one person, one
browser's CSRF cookie and one kind of request (htmx or not), and flash messages are never
confirmed from a held copy."""

import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts import services as accounts_services
from accounts.models import Classroom, Enrollment, User
from coursework import grading, services, views
from coursework.grades import Grade
from coursework.models import Answer, Assignment, Post, Progress, Submission, WorkStamp
from lessons.models import Module
from tests.conftest import make_user, not_modified_queries
from tests.coursework.conftest import (
    COMPARE,
    DISCUSS,
    READING,
    STUDY,
    STUDY_QUESTIONS,
    WRITE,
    module_url,
    page,
)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


# Helpers -------------------------------------------------------------------------------------


@pytest.fixture
def as_student(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def as_teacher(teacher):
    browser = Client()
    browser.force_login(teacher)
    return browser


def held(client) -> dict:
    if not hasattr(client, "etags"):
        client.etags = {}
    return client.etags


def remember(client, url: str) -> str:
    """Open the page and keep its ETag; sending that back answers 304 with one query beyond
    the session and the user, so the request after a change is the one that must tell."""
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert len(queries) == not_modified_queries(), [q["sql"] for q in queries]
    held(client)[url] = etag
    return page(first)


def revisit(client, url: str):
    """The page asked for again with the ETag the browser holds."""
    return client.get(url, HTTP_IF_NONE_MATCH=held(client)[url])


def reload(client, url: str) -> str:
    """The page again; when the browser holds an ETag for it, something changed, so the
    ETag must be new and the page sent in full."""
    etag = held(client).get(url)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag) if etag else client.get(url)
    assert response.status_code == 200, "a held ETag was confirmed after a change"
    if etag:
        assert response["ETag"] != etag
    if response.has_header("ETag"):
        held(client)[url] = response["ETag"]
    return page(response)


def csrf_of(html: str) -> str:
    tokens = set(TOKEN.findall(html))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def without_csrf(html: str) -> str:
    return html.replace(csrf_of(html), "CSRF")


def question(assignment, position: int, index: int = 0):
    module = assignment.lesson.modules.get(position=position)
    return module.questions.order_by("position")[index]


def answer_field(assignment, position: int = STUDY, index: int = 0) -> str:
    return f"answer-{question(assignment, position, index).pk}"


def save_answer(client, assignment, text: str, *, htmx: bool = True):
    """Save the first study question's answer as the page's autosave (htmx) or its button."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        module_url(assignment, STUDY, "answers-save"),
        {answer_field(assignment): text},
        **headers,
    )


def discussion(assignment) -> Module:
    return assignment.lesson.modules.get(position=DISCUSS)


def share_post(client, assignment, text: str) -> None:
    response = client.post(module_url(assignment, DISCUSS, "post-create"), {"text": text})
    assert response.status_code == 302
    client.get(response.url)  # shows (and so uses up) the "shared" message


def classmate_says(assignment, classmate, text: str) -> Post:
    return services.post_create(
        assignment=assignment, author=classmate, module=discussion(assignment), text=text
    )


def hand_in(client, assignment, text: str) -> Submission:
    response = client.post(
        module_url(assignment, WRITE, "submit"), {"text": text, "revision": 0}, follow=True
    )
    assert "Your work is handed in." in page(response)
    return Submission.objects.get(assignment=assignment, module__position=WRITE)


def grade_form(submission, points: int, comment: str) -> dict:
    """The grading screen's form choosing the level worth `points` for every criterion."""
    grade = grading.grade_for(submission=submission)
    data = {"version": grade.version_id, "grade_revision": grade.revision, "comment": comment}
    for criterion in grade.rubric.criteria.prefetch_related("levels"):
        level = next(lv for lv in criterion.levels.all() if lv.points == points)
        data[f"level-{criterion.pk}"] = level.pk
        data[f"comment-{criterion.pk}"] = ""
    return data


def dates_form(*, opens_at=None, due_at=None) -> dict:
    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""

    return {"opens_at": local(opens_at), "due_at": local(due_at)}


def later(delta: timedelta):
    """Move the clock `delta` ahead of now for everything that asks django.utils.timezone."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + delta)


# 1. Nothing changed: 304 ------------------------------------------------------------------------


def test_same_state_gives_the_same_etag_and_304(as_student, assignment):
    url = module_url(assignment, STUDY)
    first = reload(as_student, url)
    assert STUDY_QUESTIONS[0] in first
    etag = held(as_student)[url]
    # Once the first visit is recorded, every load shows the same state.
    assert as_student.get(url)["ETag"] == etag
    response = revisit(as_student, url)
    assert response.status_code == 304 and response.content == b""


def test_responses_are_private_and_vary_on_htmx(as_student, assignment):
    url = module_url(assignment, STUDY)
    remember(as_student, url)
    for response in (as_student.get(url), revisit(as_student, url)):
        assert "private" in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]
        assert "HX-Request" in response["Vary"]
        assert "Cookie" in response["Vary"]


def test_htmx_and_whole_page_requests_have_different_etags(as_student, assignment):
    url = module_url(assignment, STUDY)
    remember(as_student, url)
    fragment = as_student.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert fragment["ETag"] != held(as_student)[url]
    assert as_student.get(url, HTTP_IF_NONE_MATCH=fragment["ETag"]).status_code == 200
    confirmed = as_student.get(url, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=fragment["ETag"])
    assert confirmed.status_code == 304


def test_a_page_that_is_not_shown_carries_no_etag(as_student, assignment):
    response = as_student.get(module_url(assignment, 99))
    assert response.status_code == 404
    assert not response.has_header("ETag")


# 2-3. The student's own work -----------------------------------------------------------------


def test_own_answer_saved_through_the_answers_endpoint_shows_on_the_study_page(
    as_student, assignment
):
    url = module_url(assignment, STUDY)
    assert "The council's leader." not in remember(as_student, url)
    assert save_answer(as_student, assignment, "The council's leader.").status_code == 200
    html = reload(as_student, url)
    assert re.search(
        rf'name="{answer_field(assignment)}"[^>]*>The council&#x27;s leader\.</textarea>', html
    )


def test_own_draft_saved_through_the_draft_endpoint_shows_on_the_writing_page(
    as_student, assignment
):
    url = module_url(assignment, WRITE)
    before = remember(as_student, url)
    assert 'name="revision" value="0"' in before
    assert "Not saved yet" in before
    response = as_student.post(
        module_url(assignment, WRITE, "draft-save"),
        {"text": "Trade was growing.", "revision": 0},
        HTTP_X_AUTOSAVE="1",
    )
    assert response["X-Revision"] == "1"
    after = reload(as_student, url)
    assert ">\nTrade was growing.</textarea>" in after
    assert 'name="revision" value="1"' in after
    assert "Not saved yet" not in after


# 4. The class discussion ---------------------------------------------------------------------


def test_classmates_post_and_its_hiding_show_on_the_discussion_page(
    as_student, as_teacher, assignment, classmate
):
    url = module_url(assignment, DISCUSS)
    share_post(as_student, assignment, "Amara says it was needed.")
    before = remember(as_student, url)
    assert "Amara says it was needed." in before
    assert "Bruno thinks it was wise." not in before

    post = classmate_says(assignment, classmate, "Bruno thinks it was wise.")
    shown = reload(as_student, url)
    assert "Bruno thinks it was wise." in shown
    assert "This post was hidden by the teacher." not in shown

    remember(as_student, url)
    response = as_teacher.post(
        reverse("coursework:post-moderate", args=[assignment.pk, post.pk]),
        {"action": "hide", "reason": "Off topic."},
    )
    assert response.status_code == 302
    hidden = reload(as_student, url)
    assert "Bruno thinks it was wise." not in hidden
    assert "This post was hidden by the teacher." in hidden


# 5. Grades -----------------------------------------------------------------------------------


def test_grade_shows_once_returned_and_not_while_only_saved(
    as_student, as_teacher, assignment, student
):
    url = module_url(assignment, WRITE)
    submission = hand_in(as_student, assignment, "The bridge served trade.")
    before = remember(as_student, url)
    assert "<strong>Status:</strong> Submitted" in before
    assert "Your grade:" not in before

    response = as_teacher.post(
        reverse("coursework:grade-save", args=[assignment.pk, submission.pk]),
        grade_form(submission, 3, "Well argued, cite more."),
    )
    assert response.status_code == 302
    assert Grade.objects.get(version__submission=submission).points == 12
    saved_only = reload(as_student, url)
    assert "Your grade:" not in saved_only
    assert "Well argued, cite more." not in saved_only

    remember(as_student, url)
    response = as_teacher.post(
        reverse("coursework:grade-return", args=[assignment.pk, submission.pk])
    )
    assert response.status_code == 302
    returned = reload(as_student, url)
    assert "Your grade: 12 of 16" in returned
    assert "<strong>Comment:</strong> Well argued, cite more." in returned
    assert "<strong>Status:</strong> Returned" in returned


# 6. The teacher's changes to the assignment --------------------------------------------------


def test_changed_due_date_shows(as_student, as_teacher, assignment):
    url = module_url(assignment, READING)
    old = f"Due {dateformat.format(timezone.localtime(assignment.due_at), 'D j M, H:i')}"
    assert old in remember(as_student, url)
    new_due = (timezone.now() + timedelta(days=20)).replace(hour=9, minute=15)
    response = as_teacher.post(
        reverse("coursework:assignment-update", args=[assignment.pk]), dates_form(due_at=new_due)
    )
    assert response.status_code == 302
    html = reload(as_student, url)
    assert f"Due {dateformat.format(timezone.localtime(new_due), 'D j M, H:i')}" in html
    assert old not in html


def test_withdrawn_assignment_is_404(as_student, as_teacher, assignment):
    url = module_url(assignment, READING)
    remember(as_student, url)
    as_teacher.post(reverse("coursework:assignment-withdraw", args=[assignment.pk]))
    assert Assignment.objects.get(pk=assignment.pk).withdrawn_at is not None
    assert revisit(as_student, url).status_code == 404


def test_assignment_moved_to_open_later_is_403(as_student, as_teacher, assignment):
    url = module_url(assignment, READING)
    remember(as_student, url)
    now = timezone.now()
    response = as_teacher.post(
        reverse("coursework:assignment-update", args=[assignment.pk]),
        dates_form(opens_at=now + timedelta(days=2), due_at=now + timedelta(days=9)),
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).opens_at > now
    response = revisit(as_student, url)
    assert response.status_code == 403
    assert "Background 1" not in page(response)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ("withdrawn", 404),
        ("opens later", 403),
        ("removed from the class", 404),
    ],
)
def test_access_is_checked_on_every_load_even_when_no_stamp_changed(
    as_student, assignment, student, change, status
):
    """A bulk update sends no signal, so no stamp changes: the access check in the ETag's
    query is what keeps the held copy from being confirmed."""
    url = module_url(assignment, READING)
    remember(as_student, url)
    now = timezone.now()
    if change == "withdrawn":
        Assignment.objects.filter(pk=assignment.pk).update(withdrawn_at=now)
    elif change == "opens later":
        Assignment.objects.filter(pk=assignment.pk).update(opens_at=now + timedelta(days=1))
    else:
        Enrollment.objects.filter(student=student).update(removed_at=now)
    response = revisit(as_student, url)
    assert response.status_code == status
    assert "Background 1" not in page(response)


# 7. The class --------------------------------------------------------------------------------


def test_student_removed_from_the_class_gets_404(as_student, assignment, classroom, student):
    url = module_url(assignment, READING)
    remember(as_student, url)
    accounts_services.class_remove_student(classroom=classroom, student=student)
    assert revisit(as_student, url).status_code == 404


def test_archived_class_makes_the_page_read_only(as_student, as_teacher, assignment, classroom):
    url = module_url(assignment, STUDY)
    save_answer(as_student, assignment, "Kept answer.")
    before = remember(as_student, url)
    assert "Save answers</button>" in before
    assert " readonly" not in before
    response = as_teacher.post(
        reverse("accounts:class-archive", args=[classroom.pk]), {"archived": "1"}
    )
    assert response.status_code == 302
    html = reload(as_student, url)
    assert "This class is archived: you can read the lesson" in html
    assert "Save answers</button>" not in html
    assert re.search(rf'name="{answer_field(assignment)}" rows="4" readonly', html)
    assert "Kept answer.</textarea>" in html


def test_archived_writing_page_has_no_save_buttons(as_student, assignment, classroom):
    url = module_url(assignment, WRITE)
    before = remember(as_student, url)
    assert "Save draft</button>" in before and "Submit</button>" in before
    accounts_services.class_set_archived(classroom=classroom, archived=True)
    html = reload(as_student, url)
    assert "This class is archived" in html
    assert "Save draft</button>" not in html and "Submit</button>" not in html


# 8. Names ------------------------------------------------------------------------------------


def test_renamed_student_sees_the_new_name_in_the_header(as_student, assignment, student):
    url = module_url(assignment, READING)
    assert '<span class="who">Amara Okafor</span>' in remember(as_student, url)
    student.first_name = "Ama"
    student.save()
    html = reload(as_student, url)
    assert '<span class="who">Ama Okafor</span>' in html
    assert "Amara" not in html


def test_renamed_classmate_shows_by_the_new_name_in_the_discussion(
    as_student, assignment, classmate
):
    url = module_url(assignment, DISCUSS)
    share_post(as_student, assignment, "Amara says it was needed.")
    classmate_says(assignment, classmate, "Bruno thinks it was wise.")
    assert "<strong>Bruno Silva</strong>" in remember(as_student, url)
    classmate.first_name = "Bruna"
    classmate.save()
    html = reload(as_student, url)
    assert "<strong>Bruna Silva</strong>" in html
    assert "Bruno Silva" not in html


# 9. Changes made in the admin (the ORM's save and delete) ------------------------------------


def test_answer_changed_through_the_orm_shows(as_student, assignment, student):
    url = module_url(assignment, STUDY)
    save_answer(as_student, assignment, "First thought.")
    assert "First thought.</textarea>" in remember(as_student, url)
    answer = Answer.objects.filter(assignment=assignment, student=student).first()
    answer.text = "Corrected by an admin."
    answer.save()
    html = reload(as_student, url)
    assert "Corrected by an admin.</textarea>" in html
    assert "First thought." not in html


def test_answer_deleted_through_the_orm_disappears(as_student, assignment, student):
    url = module_url(assignment, STUDY)
    save_answer(as_student, assignment, "Soon gone.")
    assert "Soon gone.</textarea>" in remember(as_student, url)
    Answer.objects.filter(assignment=assignment, student=student).delete()
    assert "Soon gone." not in reload(as_student, url)


def test_post_deleted_through_the_orm_disappears(as_student, assignment, classmate):
    url = module_url(assignment, DISCUSS)
    share_post(as_student, assignment, "Amara says it was needed.")
    post = classmate_says(assignment, classmate, "Bruno thinks it was wise.")
    assert "Bruno thinks it was wise." in remember(as_student, url)
    Post.objects.get(pk=post.pk).delete()
    html = reload(as_student, url)
    assert "Bruno thinks it was wise." not in html
    assert "Amara says it was needed." in html


def test_class_renamed_through_the_orm_shows(as_student, assignment, classroom):
    url = module_url(assignment, READING)
    assert '<p class="muted">History 10 · Due' in remember(as_student, url)
    room = Classroom.objects.get(pk=classroom.pk)
    room.name = "History 11"
    room.save()
    assert '<p class="muted">History 11 · Due' in reload(as_student, url)


# 10. Time ------------------------------------------------------------------------------------


def test_activity_is_recorded_again_once_the_resolution_has_passed(as_student, assignment, student):
    url = module_url(assignment, STUDY)
    remember(as_student, url)
    progress = Progress.objects.get(assignment=assignment, student=student, module__position=STUDY)
    first_activity = progress.last_activity_at
    step = services.ACTIVITY_RESOLUTION + timedelta(seconds=1)
    with later(step) as clock:
        reload(as_student, url)
        progress.refresh_from_db()
        assert progress.last_activity_at == clock.return_value
    assert progress.last_activity_at >= first_activity + step


def test_own_post_loses_its_edit_control_when_the_edit_window_closes(as_student, assignment):
    url = module_url(assignment, DISCUSS)
    share_post(as_student, assignment, "Amara says it was needed.")
    # Opened a minute before the window closes, so the window, not the recorded activity,
    # is what limits how long the page stays as rendered.
    with later(services.POST_EDIT_WINDOW - timedelta(minutes=1)):
        assert "Edit your post" in remember(as_student, url)
    with later(services.POST_EDIT_WINDOW + timedelta(seconds=1)):
        html = reload(as_student, url)
    assert "Amara says it was needed." in html
    assert "Edit your post" not in html


# 11. CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def strict_browser(student):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    return browser


def post_answer_with(browser, assignment, token: str, text: str):
    return browser.post(
        module_url(assignment, STUDY, "answers-save"),
        {"csrfmiddlewaretoken": token, answer_field(assignment): text},
    )


def test_token_in_a_confirmed_page_is_accepted(strict_browser, assignment, student):
    html = remember(strict_browser, module_url(assignment, STUDY))
    response = post_answer_with(strict_browser, assignment, csrf_of(html), "Token worked.")
    assert response.status_code == 302
    assert Answer.objects.get(assignment=assignment, student=student).text == "Token worked."


def test_each_response_carries_its_own_token(strict_browser, assignment):
    url = module_url(assignment, STUDY)
    strict_browser.get(url)  # records the first visit
    first, second = page(strict_browser.get(url)), page(strict_browser.get(url))
    assert csrf_of(first) != csrf_of(second)
    assert without_csrf(first) == without_csrf(second)
    # The htmx header carries the same token as the forms of that response.
    assert f'"X-CSRFToken": "{csrf_of(second)}"' in second


@pytest.mark.parametrize("cookie_first", [True, False], ids=["with-cookie", "without-cookie"])
def test_second_browser_with_the_first_ones_etag_gets_a_page_for_its_own_cookie(
    strict_browser, assignment, student, cookie_first
):
    url = module_url(assignment, STUDY)
    first_html = remember(strict_browser, url)

    other = Client(enforce_csrf_checks=True)
    other.force_login(student)
    if cookie_first:  # its own CSRF cookie before the page, else set by that page
        other.get(reverse("coursework:home"))
    response = other.get(url, HTTP_IF_NONE_MATCH=held(strict_browser)[url])
    assert response.status_code == 200
    other_html = page(response)
    assert other.cookies["csrftoken"].value != strict_browser.cookies["csrftoken"].value

    # The first browser's token does not fit the second browser's cookie; its own does.
    refused = post_answer_with(other, assignment, csrf_of(first_html), "Wrong browser.")
    assert refused.status_code == 403
    accepted = post_answer_with(other, assignment, csrf_of(other_html), "Second browser.")
    assert accepted.status_code == 302
    assert Answer.objects.get(assignment=assignment, student=student).text == "Second browser."


# 12. Flash messages --------------------------------------------------------------------------


def test_flash_message_shows_once_and_is_never_confirmed_from_a_held_copy(as_student, assignment):
    url = module_url(assignment, STUDY)
    remember(as_student, url)
    response = save_answer(as_student, assignment, "Saved with the button.", htmx=False)
    assert response.status_code == 302 and response.url == url
    response = revisit(as_student, url)
    assert response.status_code == 200 and not response.has_header("ETag")
    assert "Your answers are saved." in page(response)
    assert "Saved with the button.</textarea>" in page(response)
    after = remember(as_student, url)  # rendered again, then confirmed
    assert "Your answers are saved." not in after
    assert "Saved with the button.</textarea>" in after


# 13. Everyone else ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_student", 404), ("loner", 404), ("teacher", 403), ("admin_user", 403)],
)
def test_others_sending_the_students_etag_get_the_ordinary_refusal(
    request, as_student, assignment, who, status
):
    url = module_url(assignment, STUDY)
    save_answer(as_student, assignment, "Amara's private answer.")
    assert "Amara&#x27;s private answer." in remember(as_student, url)
    browser = Client()
    browser.force_login(request.getfixturevalue(who))
    response = browser.get(url, HTTP_IF_NONE_MATCH=held(as_student)[url])
    assert response.status_code == status
    assert "private answer" not in page(response)


def test_classmate_sending_the_students_etag_gets_their_own_page(as_student, assignment, classmate):
    url = module_url(assignment, STUDY)
    save_answer(as_student, assignment, "Amara's private answer.")
    remember(as_student, url)
    browser = Client()
    browser.force_login(classmate)
    held(browser)[url] = held(as_student)[url]
    html = reload(browser, url)
    assert '<span class="who">Bruno Silva</span>' in html
    assert "private answer" not in html


def test_in_an_archived_class_without_any_work_others_still_get_their_own_answer(
    as_student, assignment, classroom, classmate, other_student, teacher
):
    """An archived class records no visits, so no work stamp tells these pages apart: only
    who is asking does."""
    accounts_services.class_set_archived(classroom=classroom, archived=True)
    url = module_url(assignment, READING)
    assert '<span class="who">Amara Okafor</span>' in remember(as_student, url)
    assert not WorkStamp.objects.exists()

    etag = held(as_student)[url]
    browser = Client()
    browser.force_login(classmate)
    held(browser)[url] = etag
    html = reload(browser, url)
    assert '<span class="who">Bruno Silva</span>' in html
    assert "Amara" not in html
    browser.force_login(other_student)
    assert browser.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    browser.force_login(teacher)
    assert browser.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 403


# 15. Deleting a class with work in it --------------------------------------------------------


def test_deleting_a_class_with_student_work_succeeds(
    as_student, as_teacher, assignment, classroom, student, classmate
):
    save_answer(as_student, assignment, "An answer.")
    share_post(as_student, assignment, "A post.")
    classmate_says(assignment, classmate, "A reply to the class.")
    submission = hand_in(as_student, assignment, "An essay.")
    as_teacher.post(
        reverse("coursework:grade-save", args=[assignment.pk, submission.pk]),
        grade_form(submission, 4, "Full marks."),
    )
    grading.grade_return(submission=Submission.objects.get(pk=submission.pk))
    url = module_url(assignment, STUDY)
    remember(as_student, url)
    assert WorkStamp.objects.filter(assignment=assignment).exists()

    Classroom.objects.get(pk=classroom.pk).delete()

    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert not WorkStamp.objects.exists()
    assert not Answer.objects.exists() and not Post.objects.exists()
    assert not Submission.objects.exists() and not Grade.objects.exists()
    assert revisit(as_student, url).status_code == 404


# Two ways a page could go stale that an early version missed ------------------------------


@contextmanager
def precondition():
    """A failed setup step fails the test as a setup failure, apart from the real check."""
    try:
        yield
    except AssertionError as error:
        pytest.fail(f"setup went wrong: {error}")


def test_change_committed_while_a_page_renders_is_not_hidden(as_student, assignment, classmate):
    """Another request's change landing between reading the page's stamps and its content
    must not leave the older content confirmed under the newer ETag."""
    url = module_url(assignment, DISCUSS)
    build = views._player_context

    def build_then_classmate_posts(*args, **kwargs):
        context = build(*args, **kwargs)
        classmate_says(assignment, classmate, "Bruno posted meanwhile.")  # another request
        return context

    with precondition():
        share_post(as_student, assignment, "Amara says it was needed.")
        with mock.patch.object(views, "_player_context", build_then_classmate_posts):
            assert "Bruno posted meanwhile." not in reload(as_student, url)
    assert "Bruno posted meanwhile." in reload(as_student, url)


@pytest.fixture
def staff_replier(admin_user, classroom):
    return admin_user  # staff may moderate any class, but teaches none


@pytest.fixture
def former_coteacher(classroom):
    person = make_user("coteacher", role=User.Role.TEACHER, first_name="Ines", last_name="Duarte")
    classroom.teachers.add(person)
    return person


@pytest.mark.parametrize("replier", ["staff_replier", "former_coteacher"])
def test_renamed_replier_from_outside_the_class_shows_by_the_new_name(
    request, as_student, assignment, classroom, classmate, replier
):
    person = request.getfixturevalue(replier)
    url = module_url(assignment, DISCUSS)
    old_name = f"<strong>{person.display_name}</strong>"
    with precondition():
        share_post(as_student, assignment, "Amara says it was needed.")
        post = classmate_says(assignment, classmate, "Bruno thinks it was wise.")
        browser = Client()
        browser.force_login(person)
        browser.post(
            reverse("coursework:post-moderate", args=[assignment.pk, post.pk]),
            {"action": "reply", "text": "Why wise?"},
        )
        classroom.teachers.remove(person)  # nothing for the staff member, who never taught it
        assert old_name in remember(as_student, url)
    person.first_name = "Renamed"
    person.save()
    html = reload(as_student, url)
    assert f"<strong>Renamed {person.last_name}</strong>" in html
    assert old_name not in html


@pytest.mark.parametrize("archived", [False, True])
def test_the_etag_a_module_page_sends_is_the_one_it_then_confirms(
    as_student, assignment, classroom, archived
):
    # The view sets its ETag from what it holds after recording the visit; the next request
    # compares with the full query. Both must agree for every kind of module, or no browser
    # would ever get a 304.
    if archived:
        accounts_services.class_set_archived(classroom=classroom, archived=True)
    for position in (READING, STUDY, COMPARE, DISCUSS, WRITE):
        url = module_url(assignment, position)
        as_student.get(url)  # the first visit changes the student's work stamp
        sent = as_student.get(url)
        assert sent.status_code == 200
        confirmed = as_student.get(url, HTTP_IF_NONE_MATCH=sent["ETag"])
        assert confirmed.status_code == 304, f"module {position}"


def test_the_first_opening_sends_an_etag_the_next_request_confirms(as_student, assignment):
    # Recording the visit writes the work stamp the page's ETag is made from, so even the
    # first page of each module can be confirmed.
    for position in (READING, STUDY, COMPARE, DISCUSS, WRITE):
        url = module_url(assignment, position)
        first = as_student.get(url)
        assert first.status_code == 200
        confirmed = as_student.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert confirmed.status_code == 304, f"module {position}"


def test_work_saved_in_another_tab_while_the_visit_is_recorded_is_not_hidden(
    as_student, assignment, student
):
    """Another tab's answers landing between recording the visit and reading the student's
    progress show on the page; its ETag, made from the work stamp the visit wrote, is then
    older than the page, so the next request renders again rather than confirm it."""
    url = module_url(assignment, STUDY)
    read_place = services.place_in_lesson

    def other_tab_answers_then_read(**kwargs):
        for question in assignment.lesson.modules.get(position=STUDY).questions.all():
            services.answer_save(
                assignment=assignment, student=student, question=question, text="Other tab."
            )
        return read_place(**kwargs)

    with mock.patch.object(services, "place_in_lesson", other_tab_answers_then_read):
        sent = as_student.get(url)
    assert "Other tab." in page(sent)
    again = as_student.get(url, HTTP_IF_NONE_MATCH=sent["ETag"])
    assert again.status_code == 200
    assert "Other tab." in page(again)
    assert (
        Progress.objects.get(assignment=assignment, student=student, module__position=STUDY).state
        == Progress.State.COMPLETE
    )
