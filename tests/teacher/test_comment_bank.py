"""A teacher's comment bank: added to from the grading screen with one click (htmx, or
without JavaScript by saving the grade as typed), used in any comment box, and kept, edited
and deleted on its own page by its owner only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coursework.grades import CriterionScore, Grade
from coursework.models import BankedComment
from tests.conftest import make_user
from tests.teacher.conftest import hand_in, level_ids, page

HTMX = {"HTTP_HX_REQUEST": "true"}


def bank_url(submission, **query) -> str:
    url = reverse("coursework:grade-bank", args=[submission.assignment_id, submission.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def screen_url(submission) -> str:
    return reverse("coursework:grade", args=[submission.assignment_id, submission.pk])


def grade_form(as_teacher, submission, **typed) -> dict:
    """The grade form as the screen sends it, with the page's version and revision."""
    as_teacher.get(screen_url(submission))
    current = Grade.objects.get(version__submission=submission)
    data = {"version": current.version_id, "grade_revision": current.revision, "action": "save"}
    return data | typed


@pytest.fixture
def handed_in(assignment, student):
    return hand_in(assignment, student)


def criteria_of(submission):
    return list(submission.module.rubric.criteria.all())


def test_htmx_adds_the_typed_comment_for_its_criterion_and_saves_no_grade(
    as_teacher, teacher, handed_in
):
    first, second = criteria_of(handed_in)[:2]
    data = grade_form(as_teacher, handed_in, **{f"comment-{first.pk}": "  Quote the order.  "})
    revision = data["grade_revision"]
    response = as_teacher.post(bank_url(handed_in, bank=first.pk), data, **HTMX)
    assert response.status_code == 200
    html = page(response)
    assert "Added to your comment bank." in html
    # The box's bank list comes back out of band with the new comment, and only that box's.
    assert f'id="bank-{first.pk}" data-hx-swap-oob="true"' in html
    assert f'id="bank-{second.pk}"' not in html
    assert 'data-text="Quote the order."' in html
    banked = BankedComment.objects.get()
    assert (banked.teacher, banked.criterion_id, banked.text) == (
        teacher,
        first.pk,
        "Quote the order.",
    )
    assert Grade.objects.get(version__submission=handed_in).revision == revision
    # The same text again is kept once.
    again = as_teacher.post(bank_url(handed_in, bank=first.pk), data, **HTMX)
    assert "Already in your comment bank." in page(again)
    assert BankedComment.objects.count() == 1


def test_an_overall_comment_is_offered_in_every_box(as_teacher, handed_in):
    criteria = criteria_of(handed_in)
    data = grade_form(as_teacher, handed_in, comment="Well argued.")
    html = page(as_teacher.post(bank_url(handed_in, bank="overall"), data, **HTMX))
    for criterion in criteria:
        assert f'id="bank-{criterion.pk}" data-hx-swap-oob="true"' in html
    assert 'id="bank-overall" data-hx-swap-oob="true"' in html
    assert BankedComment.objects.get().criterion_id is None
    screen = page(as_teacher.get(screen_url(handed_in)))
    assert screen.count('data-text="Well argued."') == len(criteria) + 1


def test_an_empty_box_adds_nothing_and_says_why(as_teacher, handed_in):
    first = criteria_of(handed_in)[0]
    data = grade_form(as_teacher, handed_in, **{f"comment-{first.pk}": "   "})
    html = page(as_teacher.post(bank_url(handed_in, bank=first.pk), data, **HTMX))
    assert "Not added: Type a comment first" in html
    assert not BankedComment.objects.exists()


def test_a_box_not_of_the_rubric_is_refused(as_teacher, handed_in):
    data = grade_form(as_teacher, handed_in)
    response = as_teacher.post(bank_url(handed_in, bank="99999"), data, **HTMX)
    assert response.status_code == 400
    assert not BankedComment.objects.exists()


def test_without_javascript_add_saves_the_grade_as_typed_and_banks_the_comment(
    as_teacher, handed_in
):
    first, second = criteria_of(handed_in)[:2]
    levels = level_ids(handed_in, [3, 2])
    typed = {
        f"comment-{first.pk}": "Good sourcing.",
        f"comment-{second.pk}": "Typed, not banked.",
        f"level-{first.pk}": levels[first.pk],
        "comment": "Overall, typed.",
    }
    data = grade_form(as_teacher, handed_in, **typed)
    response = as_teacher.post(bank_url(handed_in, bank=first.pk), data, follow=True)
    html = page(response)
    assert "Added to your comment bank." in html and "Saved the grade" in html
    assert BankedComment.objects.get().text == "Good sourcing."
    saved = Grade.objects.get(version__submission=handed_in)
    assert saved.comment == "Overall, typed."
    scores = {s.criterion_id: s for s in CriterionScore.objects.filter(grade=saved)}
    assert scores[second.pk].comment == "Typed, not banked."
    assert scores[first.pk].level_id == levels[first.pk]


def test_without_javascript_use_adds_the_banked_comment_to_the_box_and_saves(
    as_teacher, teacher, handed_in
):
    first, second = criteria_of(handed_in)[:2]
    banked = BankedComment.objects.create(teacher=teacher, criterion=first, text="Cite it.")
    data = grade_form(as_teacher, handed_in, **{f"comment-{second.pk}": "Mine."})
    data[f"comment-{first.pk}"] = "Start."
    response = as_teacher.post(bank_url(handed_in, use=banked.pk, box=first.pk), data)
    assert response.status_code == 302
    scores = {
        s.criterion_id: s.comment
        for s in CriterionScore.objects.filter(grade__version__submission=handed_in)
    }
    assert scores[first.pk] == "Start.\nCite it."
    assert scores[second.pk] == "Mine."


def test_another_teachers_banked_comment_cant_be_used(as_teacher, handed_in, other_teacher):
    first = criteria_of(handed_in)[0]
    theirs = BankedComment.objects.create(teacher=other_teacher, text="Theirs.")
    data = grade_form(as_teacher, handed_in)
    revision = data["grade_revision"]
    response = as_teacher.post(bank_url(handed_in, use=theirs.pk, box=first.pk), data)
    assert response.status_code == 404
    assert Grade.objects.get(version__submission=handed_in).revision == revision


def test_the_grading_screen_offers_only_the_teachers_own_comments(
    as_teacher, teacher, other_teacher, handed_in
):
    first, second = criteria_of(handed_in)[:2]
    BankedComment.objects.create(teacher=teacher, criterion=first, text="Mine for the first.")
    BankedComment.objects.create(teacher=other_teacher, text="Someone else's.")
    html = page(as_teacher.get(screen_url(handed_in)))
    assert html.count('data-text="Mine for the first."') == 1
    assert f'data-insert="comment-{first.pk}" data-text="Mine for the first."' in html
    assert "Someone else" not in html


# The bank's own page.


def test_the_bank_page_lists_adds_edits_and_deletes_the_owners_comments(
    client, teacher, other_teacher, handed_in
):
    criterion = criteria_of(handed_in)[0]
    mine = BankedComment.objects.create(teacher=teacher, criterion=criterion, text="Mine.")
    BankedComment.objects.create(teacher=other_teacher, text="Theirs.")
    client.force_login(teacher)
    html = page(client.get(reverse("coursework:comment-bank")))
    assert "Mine." in html and criterion.title in html and "Theirs." not in html
    added = client.post(reverse("coursework:comment-bank"), {"text": "For any work."})
    assert added.status_code == 302
    assert BankedComment.objects.filter(teacher=teacher, criterion=None).get().text == (
        "For any work."
    )
    edit = reverse("coursework:comment-bank-edit", args=[mine.pk])
    assert client.post(edit, {"text": "Mine, edited."}).status_code == 302
    mine.refresh_from_db()
    assert mine.text == "Mine, edited." and mine.criterion_id == criterion.pk
    client.post(reverse("coursework:comment-bank-delete", args=[mine.pk]))
    assert not BankedComment.objects.filter(pk=mine.pk).exists()


def test_an_empty_edit_is_refused_and_changes_nothing(client, teacher):
    mine = BankedComment.objects.create(teacher=teacher, text="Keep me.")
    client.force_login(teacher)
    edit = reverse("coursework:comment-bank-edit", args=[mine.pk])
    response = client.post(edit, {"text": "  "})
    assert response.status_code == 400
    assert "Not saved: Type a comment first" in page(response)
    mine.refresh_from_db()
    assert mine.text == "Keep me."
    refused = client.post(reverse("coursework:comment-bank"), {"text": "x" * 2001})
    assert refused.status_code == 400 and BankedComment.objects.count() == 1


def test_another_teacher_gets_404_and_changes_nothing(client, teacher, other_teacher):
    mine = BankedComment.objects.create(teacher=teacher, text="Keep me.")
    client.force_login(other_teacher)
    edit = reverse("coursework:comment-bank-edit", args=[mine.pk])
    delete = reverse("coursework:comment-bank-delete", args=[mine.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"text": "Changed."}).status_code == 404
    assert client.post(delete).status_code == 404
    mine.refresh_from_db()
    assert mine.text == "Keep me."


def test_students_have_no_bank(client, student):
    client.force_login(student)
    assert client.get(reverse("coursework:comment-bank")).status_code == 403
    assert client.post(reverse("coursework:comment-bank"), {"text": "Hi."}).status_code == 403
    assert not BankedComment.objects.exists()


def test_the_screens_queries_do_not_grow_with_the_bank(as_teacher, teacher, handed_in):
    as_teacher.get(screen_url(handed_in))
    small = _count(as_teacher, handed_in)
    criteria = criteria_of(handed_in)
    BankedComment.objects.bulk_create(
        BankedComment(teacher=teacher, criterion=criteria[i % 2] if i % 3 else None, text=f"C{i}")
        for i in range(30)
    )
    assert _count(as_teacher, handed_in) == small


def _count(client, submission) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(screen_url(submission)).status_code == 200
    return len(queries)


def test_a_teacher_without_classes_has_an_empty_bank(client, db):
    newcomer = make_user("newcomer", role="teacher")
    client.force_login(newcomer)
    assert "Your bank is empty." in page(client.get(reverse("coursework:comment-bank")))
