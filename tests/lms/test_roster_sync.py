"""Roster sync: the class's students brought in line with the LMS course's learners, read
from the platform's Names and Role Provisioning Services."""

# ruff: noqa: F811 - the fixtures are imported from platform_services

import pytest
from django.urls import reverse
from lti_tool.models import LtiMembership, LtiUser

from accounts.models import Enrollment, User
from coursework.models import Submission
from tests.conftest import enroll, make_user
from tests.lessons.conftest import document, draft_lesson, published_lesson  # noqa: F401
from tests.lms.platform_services import (  # noqa: F401
    CONNECTION_REFUSED,
    INSTRUCTOR,
    NRPS_SCOPE,
    linked,
    lms_identity,
    member,
    platform,
    tool_key,
)
from tests.teacher.conftest import assignment, hand_in  # noqa: F401


def sync_url(classroom) -> str:
    return reverse("lms_services:roster-sync", args=[classroom.pk])


def roster_tab(classroom) -> str:
    return reverse("accounts:class-roster", args=[classroom.pk])


def active_usernames(classroom) -> set[str]:
    return set(
        Enrollment.objects.active()
        .filter(classroom=classroom)
        .values_list("student__username", flat=True)
    )


@pytest.fixture
def course(platform, classroom, student, classmate, assignment):
    """The LMS course: Amara (here already), Carla (an account here, not in the class),
    Dev (new to this site), an inactive learner and the instructor. Bruno is in the class
    through an earlier launch but has left the course; Chidi joined with the class code."""
    registration = platform.registration
    lms_identity(student, "u-amara", registration)
    lms_identity(classmate, "u-bruno", registration)
    carla = make_user("carla", first_name="Carla", last_name="Mendes")
    lms_identity(carla, "u-carla", registration)
    chidi = make_user("chidi", first_name="Chidi", last_name="Anang")
    enroll(classroom, chidi)
    hand_in(assignment, classmate)
    platform.members = [
        member("u-amara", "Amara", "Okafor"),
        member("u-carla", "Carla", "Mendes"),
        member("u-dev", "Dev", "Patel", email="dev.patel@school.example.edu"),
        member("u-eve", "Eve", "Moreau", status="Inactive"),
        member("u-teacher", "Maria", "Rivera", role=INSTRUCTOR),
    ]
    return platform


def test_sync_adds_the_courses_learners_and_removes_those_gone_keeping_their_work(
    client, teacher, classroom, classmate, course, linked
):
    client.force_login(teacher)
    response = client.post(sync_url(classroom), follow=True)
    assert response.redirect_chain == [(roster_tab(classroom), 302)]
    page = response.content.decode()
    assert "Roster synced from the LMS: 2 added, 1 removed, 1 unchanged." in page
    assert "Removed students&#x27; work is kept." in page

    dev = LtiUser.objects.get(sub="u-dev").auth_user
    assert active_usernames(classroom) == {"student", "carla", dev.username, "chidi"}
    # Bruno left the course: off the roster, his enrollment and hand-in kept.
    bruno = Enrollment.objects.get(classroom=classroom, student=classmate)
    assert bruno.removed_at is not None
    assert Submission.objects.filter(student=classmate, status="submitted").exists()
    # Dev is new here: a student account without a usable password, found by subject.
    assert (dev.first_name, dev.last_name, dev.email) == (
        "Dev",
        "Patel",
        "dev.patel@school.example.edu",
    )
    assert dev.is_student and not dev.has_usable_password()
    # Neither the inactive learner nor the instructor is enrolled; no account for them.
    assert not User.objects.filter(first_name__in=["Eve"]).exists()
    assert not LtiUser.objects.get(sub="u-teacher").auth_user
    assert LtiMembership.objects.get(user__sub="u-teacher").is_instructor
    assert not LtiMembership.objects.get(user__sub="u-eve").is_active

    linked.refresh_from_db()
    assert linked.roster_synced_at is not None
    # One access token, asked for with the roster's scope and our signed assertion.
    (token_request,) = course.token_requests
    assert token_request["scope"] == NRPS_SCOPE


def test_a_second_sync_changes_nothing_and_says_so(client, teacher, classroom, course):
    client.force_login(teacher)
    client.post(sync_url(classroom))
    accounts = User.objects.count()
    response = client.post(sync_url(classroom), follow=True)
    assert "0 added, 0 removed, 3 unchanged." in response.content.decode()
    assert User.objects.count() == accounts
    dev = LtiUser.objects.get(sub="u-dev").auth_user
    assert active_usernames(classroom) == {"student", "carla", dev.username, "chidi"}


def test_a_learner_removed_earlier_comes_back_and_is_counted_as_added(
    client, teacher, classroom, student, course
):
    Enrollment.objects.filter(student=student).update(removed_at="2026-01-01T00:00Z")
    client.force_login(teacher)
    response = client.post(sync_url(classroom), follow=True)
    assert "3 added, 1 removed, 0 unchanged." in response.content.decode()
    assert Enrollment.objects.get(student=student).removed_at is None


def test_members_are_matched_by_subject_never_by_email(client, teacher, classroom, course):
    # An account here with Dev's name and address is not Dev's.
    namesake = make_user(
        "dev", first_name="Dev", last_name="Patel", email="dev.patel@school.example.edu"
    )
    client.force_login(teacher)
    client.post(sync_url(classroom))
    dev = LtiUser.objects.get(sub="u-dev").auth_user
    assert dev != namesake
    assert dev.username.startswith("dev-patel-")
    assert not Enrollment.objects.filter(student=namesake).exists()


def test_a_learner_with_a_teacher_account_here_is_not_enrolled(
    client, teacher, classroom, course, other_teacher
):
    lms_identity(other_teacher, "u-frank", course.registration)
    course.members.append(member("u-frank", "David", "Chen"))
    client.force_login(teacher)
    page = client.post(sync_url(classroom), follow=True).content.decode()
    assert "1 learner in the LMS has a teacher&#x27;s or a switched-off account here" in page
    assert not Enrollment.objects.filter(student=other_teacher).exists()


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (503, "the LMS answered 503 Service Unavailable"),
        (403, "the LMS answered 403 Forbidden"),
        (CONNECTION_REFUSED, "the LMS could not be reached"),
    ],
)
def test_a_platform_error_changes_nothing_and_says_why(
    client, teacher, classroom, course, linked, failure, reason
):
    course.roster_failure = failure
    before = (active_usernames(classroom), User.objects.count(), LtiUser.objects.count())
    client.force_login(teacher)
    response = client.post(sync_url(classroom), follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(roster_tab(classroom), 302)]
    assert "The roster could not be read from Example LMS (“World History 10”)" in page
    assert reason in page
    assert "Nothing was changed; try again later." in page
    after = (active_usernames(classroom), User.objects.count(), LtiUser.objects.count())
    assert after == before
    assert not LtiMembership.objects.exists()
    linked.refresh_from_db()
    assert linked.roster_synced_at is None


def test_a_refused_token_changes_nothing(client, teacher, classroom, course):
    course.token_refusal = True
    before = active_usernames(classroom)
    client.force_login(teacher)
    page = client.post(sync_url(classroom), follow=True).content.decode()
    assert "the LMS answered 400 Bad Request: invalid_client." in page
    assert active_usernames(classroom) == before
    assert not LtiUser.objects.filter(sub="u-dev").exists()


def test_the_roster_tab_offers_the_sync_only_for_a_linked_class(
    client, teacher, classroom, other_classroom, other_teacher, linked
):
    client.force_login(teacher)
    page = client.get(roster_tab(classroom)).content.decode()
    assert "Sync roster from LMS" in page
    assert f'action="{sync_url(classroom)}"' in page
    assert "“World History 10” in Example LMS" in page
    assert "Not synced yet." in page
    client.force_login(other_teacher)
    assert "Sync roster from LMS" not in client.get(roster_tab(other_classroom)).content.decode()


def test_only_the_class_teachers_and_staff_may_sync(
    client, classroom, student, other_teacher, admin_user, course
):
    url = sync_url(classroom)
    before = active_usernames(classroom)
    assert client.post(url).status_code == 302  # to the login page
    assert client.post(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(student)
    assert client.post(url).status_code == 403
    client.force_login(other_teacher)
    assert client.post(url).status_code == 404
    assert active_usernames(classroom) == before
    assert course.token_requests == []
    client.force_login(admin_user)
    assert client.post(url).status_code == 302
    assert LtiUser.objects.get(sub="u-dev").auth_user.username in active_usernames(classroom)


def test_a_class_without_an_lms_roster_is_404_and_get_is_refused(
    client, teacher, classroom, linked
):
    client.force_login(teacher)
    assert client.get(sync_url(classroom)).status_code == 405
    linked.context.memberships_url = ""
    linked.context.save()
    assert client.post(sync_url(classroom)).status_code == 404


def test_a_switched_off_platform_offers_no_sync(client, teacher, classroom, linked):
    registration = linked.context.deployment.registration
    registration.is_active = False
    registration.save()
    client.force_login(teacher)
    assert "Sync roster from LMS" not in client.get(roster_tab(classroom)).content.decode()
    assert client.post(sync_url(classroom)).status_code == 404


def test_a_roster_on_several_pages_is_read_whole(client, teacher, classroom, course):
    course.page_size = 2
    client.force_login(teacher)
    page = client.post(sync_url(classroom), follow=True).content.decode()
    assert "2 added, 1 removed, 1 unchanged." in page
    assert course.roster_pages == [
        "https://lms.example.edu/api/lti/courses/7/names_and_roles",
        "https://lms.example.edu/api/lti/courses/7/names_and_roles?page=2",
        "https://lms.example.edu/api/lti/courses/7/names_and_roles?page=3",
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<html>Maintenance</html>", "the LMS&#x27;s answer was not JSON"),
        ('{"members": "everyone"}', "its members are not a list of people"),
    ],
)
def test_an_unusable_roster_changes_nothing(client, teacher, classroom, course, body, reason):
    course.roster_body = body
    before = (active_usernames(classroom), User.objects.count(), LtiUser.objects.count())
    client.force_login(teacher)
    page = client.post(sync_url(classroom), follow=True).content.decode()
    assert reason in page and "Nothing was changed" in page
    assert (active_usernames(classroom), User.objects.count(), LtiUser.objects.count()) == before
