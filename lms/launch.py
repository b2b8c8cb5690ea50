"""An LTI launch carried out: the signed message checked, then the LMS's person, course and
link mapped onto our account, class and assignment.

A launch that can't be carried out raises LaunchRefused inside the transaction that would
have written it, so a refused launch leaves no account, class or assignment behind.
"""

import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.text import slugify
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import (
    LtiContext,
    LtiLaunch,
    LtiLineItem,
    LtiRegistration,
    LtiResourceLink,
    LtiUser,
)
from lti_tool.utils import DjangoToolConfig, sync_data_from_launch
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem

from accounts.models import CLASS_NAME_MAX, Classroom, Enrollment, User
from accounts.services import class_create
from coursework.models import Assignment
from coursework.services import assignment_create
from lessons.models import Lesson, Module

from .models import CourseLink, Placement
from .platforms import (
    BoundNonceMessageLaunch,
    OneTimeCacheDataStorage,
    OneTimeNonceSessionService,
    origin_of,
    registration_origins,
    signing_key,
)

logger = logging.getLogger(__name__)

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
# Context roles that teach here. A teaching assistant is an Instructor sub-role
# (membership/Instructor#TeachingAssistant), so it teaches too; a Mentor neither teaches
# nor learns and is refused.
TEACHING_ROLES = frozenset({"Instructor", "Administrator", "ContentDeveloper"})
LEARNING_ROLES = frozenset({"Learner"})
CUSTOM_LESSON = "lesson"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DEPLOYMENT_ID = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"

# What a message that isn't a valid launch makes pylti1p3 (or the JSON under it) raise.
UNVERIFIED = (LtiException, ValueError, TypeError, KeyError, AttributeError, AssertionError)


class LaunchRefused(Exception):
    """A verified launch we won't carry out; the message is for the person launching."""

    def __init__(self, message: str, *, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class LaunchResult:
    user: User
    classroom: Classroom
    teaching: bool
    assignment: Assignment | None = None

    @property
    def landing_url(self) -> str:
        if self.assignment is None:
            return reverse("accounts:class-assignments", args=[self.classroom.pk])
        if self.teaching:
            return reverse("coursework:dashboard", args=[self.assignment.pk])
        return reverse("coursework:player", args=[self.assignment.pk])


def launch_verify(request) -> LtiLaunch:
    """The launch in this POST, its state, nonce, signature, issuer, audience, expiry and
    deployment checked by pylti1p3; raises one of UNVERIFIED otherwise. The nonce must be
    the one issued with the posted state, and is used up, so the same id_token can't launch
    twice. A deployment seen for the first time is
    recorded, inactive."""
    signing_key()
    storage = OneTimeCacheDataStorage()
    message_launch = BoundNonceMessageLaunch(
        request,
        DjangoToolConfig(),
        session_service=OneTimeNonceSessionService(request),
        launch_data_storage=storage,
    )
    message_launch.validate()
    return LtiLaunch(message_launch)


def _object(claim) -> dict:
    return claim if isinstance(claim, dict) else {}


def _has_id(claim) -> bool:
    return isinstance(claim, dict) and isinstance(claim.get("id"), str) and bool(claim["id"])


OBJECT_CLAIMS = (
    "https://purl.imsglobal.org/spec/lti/claim/launch_presentation",
    "https://purl.imsglobal.org/spec/lti/claim/tool_platform",
    "https://purl.imsglobal.org/spec/lti/claim/custom",
    AGS_ENDPOINT,
    DEEP_LINKING_SETTINGS,
)


def claims_check(lti_launch: LtiLaunch) -> None:
    """Refuses a signed message whose claims aren't shaped as LTI says: the course and
    link ids strings, the other claims read here objects when present."""
    if not _has_id(lti_launch.context_claim):
        raise LaunchRefused("Open History Lessons from inside a course.", status=400)
    if lti_launch.is_resource_launch and not _has_id(lti_launch.resource_link_claim):
        raise LaunchRefused("The LMS's link to History Lessons is incomplete.", status=400)
    if any(
        lti_launch.get_claim(name) is not None and not isinstance(lti_launch.get_claim(name), dict)
        for name in OBJECT_CLAIMS
    ):
        raise LaunchRefused("The LMS's launch message is malformed.", status=400)


def launch_origins(lti_launch: LtiLaunch) -> list[str]:
    """The origins that may frame the pages of this launch's session: the platform's
    registered ones and the HTTPS origins its signed message names (where it returns people
    to, where deep linking answers, its own address), each a plain scheme, host and port.
    A platform's frame often lives on neither its issuer's nor its login's host (a Canvas
    school's own domain), so the message's addresses are needed; being signed by the
    registered platform's key, they are the platform's word."""
    origins = registration_origins(lti_launch.registration)
    presentation = _object(lti_launch.launch_presentation_claim)
    settings = _object(lti_launch.get_claim(DEEP_LINKING_SETTINGS))
    platform = _object(lti_launch.platform_instance_claim)
    for url in (
        presentation.get("return_url"),
        settings.get("deep_link_return_url"),
        platform.get("url"),
    ):
        if origin := origin_of(url, schemes=("https",)):
            origins.add(origin)
    return sorted(origins)


def role_of(roles) -> str | None:
    """Teacher or student from the launch's context roles; None for any other role."""
    principal = set()
    for role in roles if isinstance(roles, list) else []:
        full = normalize_role(str(role))
        if full.startswith(MEMBERSHIP + "#"):
            principal.add(full.partition("#")[2])
        elif full.startswith(MEMBERSHIP + "/"):
            principal.add(full[len(MEMBERSHIP) + 1 :].partition("#")[0])
    if principal & TEACHING_ROLES:
        return User.Role.TEACHER
    if principal & LEARNING_ROLES:
        return User.Role.STUDENT
    return None


def _new_username(lti_user: LtiUser) -> str:
    name = lti_user.name or f"{lti_user.given_name} {lti_user.family_name}"
    base = slugify(name)[:40].strip("-") or "lms-user"
    while True:
        username = f"{base}-{secrets.token_hex(3)}"
        if not User.objects.filter(username__iexact=username).exists():
            return username


def account_for(lti_user: LtiUser, *, role: str) -> User:
    """Our account for the LMS's person, found by platform and subject (never by email);
    a person new here gets an account of the launch's role without a usable password. An
    account with admin rights is never signed in this way."""
    # Only the LMS person's row is locked: the account beside it may not exist yet.
    lti_user = (
        LtiUser.objects.select_for_update(of=("self",))
        .select_related("auth_user")
        .get(pk=lti_user.pk)
    )
    user = lti_user.auth_user
    if user is None:
        user = User(
            username=_new_username(lti_user),
            first_name=(lti_user.given_name or lti_user.name)[:150],
            last_name=lti_user.family_name[:150],
            email=lti_user.email,
            role=role,
        )
        user.set_unusable_password()
        user.save()
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
        return user
    if not user.is_active:
        raise LaunchRefused("Your account here is switched off. Ask the school's administrator.")
    if user.is_staff or user.is_superuser:
        # An LMS must never sign anyone in to an account that can open the admin.
        raise LaunchRefused(
            "Your account here is an administrator's, which can't be opened from an LMS. "
            "Sign in to History Lessons directly."
        )
    if role == User.Role.TEACHER and user.is_student:
        raise LaunchRefused(
            "This course lists you as a teacher, but your account here is a student's. "
            "Ask the school's administrator to make it a teacher's account."
        )
    if role == User.Role.STUDENT and not user.is_student:
        raise LaunchRefused(
            "This course lists you as a student, but your account here is a teacher's. "
            "Open the course as its teacher, or use the LMS's student view."
        )
    return user


def _class_name(context: LtiContext) -> str:
    return (context.title or context.label or "Course from the LMS")[:CLASS_NAME_MAX]


def classroom_for(context: LtiContext, *, user: User, teaching: bool) -> Classroom:
    """The class the LMS's course is taught as. An instructor's first launch in a new course
    creates it with them as its teacher; a learner is enrolled."""
    # The context row is locked, so two first launches in a course make one class.
    LtiContext.objects.select_for_update().get(pk=context.pk)
    link = CourseLink.objects.filter(context=context).select_related("classroom").first()
    if link is None:
        if not teaching:
            raise LaunchRefused(
                "Your teacher hasn't opened History Lessons in this course yet. "
                "Try again once they have."
            )
        classroom = class_create(teacher=user, name=_class_name(context))
        CourseLink.objects.create(context=context, classroom=classroom)
        return classroom
    classroom = link.classroom
    if teaching:
        if not classroom.teachers.filter(pk=user.pk).exists():
            classroom.teachers.add(user)
        return classroom
    if classroom.archived:
        raise LaunchRefused("This class is archived, so its lessons are closed.")
    enrollment, created = Enrollment.objects.select_for_update().get_or_create(
        classroom=classroom, student=user
    )
    if not created and not enrollment.is_active:
        enrollment.removed_at = None
        enrollment.save(update_fields=["removed_at"])
    return classroom


def written_module_prefetch() -> Prefetch:
    """A lesson's written assignment with its rubric's criteria and levels, as `written`."""
    return Prefetch(
        "modules",
        queryset=Module.objects.filter(kind=Module.Kind.ASSIGNMENT)
        .select_related("rubric")
        .prefetch_related("rubric__criteria__levels"),
        to_attr="written",
    )


def lesson_max_points(lesson: Lesson) -> int | None:
    """The most points the written assignment can earn: its rubric's top levels added up
    (the grading screen's maximum), or the module's points without a rubric; None for a
    lesson with nothing graded."""
    written = getattr(lesson, "written", None)
    if written is None:
        written = list(
            Module.objects.filter(lesson=lesson, kind=Module.Kind.ASSIGNMENT)
            .select_related("rubric")
            .prefetch_related("rubric__criteria__levels")
        )
    if not written:
        return None
    module = written[0]
    points = module.rubric.max_points if module.rubric_id else module.points
    return points or None


def _lesson_named(value, classroom: Classroom) -> Lesson | None:
    """The published lesson a link's custom `lesson` names, if the class may have it: a
    school lesson, or a copy of one of the class's teachers."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    pk = int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
    lesson = (
        Lesson.objects.filter(pk=pk, status=Lesson.Status.PUBLISHED)
        .filter(Q(owner__isnull=True) | Q(owner__in=classroom.teachers.all()))
        .first()
        if pk
        else None
    )
    if lesson is None:
        raise LaunchRefused(
            "This link opens a lesson that isn't published here. Ask your teacher to choose "
            "the lesson again.",
            status=404,
        )
    return lesson


def _line_item(lti_launch: LtiLaunch, context, resource_link, lesson) -> LtiLineItem | None:
    """The grade column the platform made for this link, as its AGS claim names it."""
    endpoint = lti_launch.get_claim(AGS_ENDPOINT) or {}
    url = endpoint.get("lineitem") if isinstance(endpoint, dict) else None
    if not isinstance(url, str) or not origin_of(url):
        return None
    maximum = lesson_max_points(lesson)
    line_item, _ = LtiLineItem.objects.get_or_create(
        url=url,
        defaults={
            "context": context,
            "resource_link": resource_link,
            "label": lesson.title[:255],
            "maximum_score": maximum or 0,
        },
    )
    return line_item


def placement_for(
    lti_launch: LtiLaunch, *, classroom: Classroom, user: User, teaching: bool
) -> Placement | None:
    """The assignment this resource link opens. The first launch of a link naming a lesson
    places it; a class that doesn't have that lesson gets it assigned."""
    resource_link = LtiResourceLink.objects.select_for_update().get(pk=lti_launch.resource_link.pk)
    placement = (
        Placement.objects.filter(resource_link=resource_link)
        .select_related("assignment", "lesson")
        .first()
    )
    if placement is None:
        lesson = _lesson_named(lti_launch.get_custom_claim(CUSTOM_LESSON), classroom)
        if lesson is None:
            return None
        placement = Placement(resource_link=resource_link, lesson=lesson)
    assignment = placement.assignment
    if assignment is not None and assignment.classroom_id != classroom.pk:
        assignment = None
    if assignment is not None and assignment.withdrawn_at is not None:
        if not teaching:
            raise LaunchRefused("Your teacher has taken this lesson back from the class.")
        assignment = None
    if assignment is None:
        assignment = (
            Assignment.objects.active().filter(classroom=classroom, lesson=placement.lesson).first()
        )
    if assignment is None:
        assigner = user if teaching else classroom.teachers.order_by("pk").first()
        try:
            assignment = assignment_create(
                classroom=classroom, lesson=placement.lesson, teacher=assigner
            )
        except ValidationError as error:
            raise LaunchRefused(error.messages[0], status=400) from None
    placement.assignment = assignment
    if placement.line_item_id is None:
        placement.line_item = _line_item(
            lti_launch, resource_link.context, resource_link, placement.lesson
        )
    placement.save()
    return placement


def launch_carry_out(lti_launch: LtiLaunch) -> LaunchResult:
    """Write what a verified launch from an active deployment means here: django-lti's
    records of the person, course and link, then our account, class and assignment."""
    role = role_of(lti_launch.roles_claim)
    if role is None:
        raise LaunchRefused(
            "History Lessons opens for a course's instructors and learners only. "
            "Your role in this course is neither."
        )
    claims_check(lti_launch)
    teaching = role == User.Role.TEACHER
    if lti_launch.is_deep_link_launch and not teaching:
        raise LaunchRefused("Only a course's instructors can add lessons to it.")
    with transaction.atomic():
        sync_data_from_launch(lti_launch)
        user = account_for(lti_launch.user, role=role)
        classroom = classroom_for(lti_launch.context, user=user, teaching=teaching)
        result = LaunchResult(user=user, classroom=classroom, teaching=teaching)
        if lti_launch.is_resource_launch:
            placement = placement_for(lti_launch, classroom=classroom, user=user, teaching=teaching)
            if placement is None and not teaching:
                raise LaunchRefused(
                    "This link doesn't open a lesson. Ask your teacher to choose one.",
                    status=404,
                )
            result.assignment = placement.assignment if placement else None
    return result


def deep_linking_session(lti_launch: LtiLaunch, *, user: User) -> dict:
    """What answering a deep-linking request needs later, kept in the session: the
    registration, the deployment and the platform's settings (its return URL and data)."""
    return {
        "registration": lti_launch.registration.pk,
        "deployment_id": lti_launch.get_claim(DEPLOYMENT_ID),
        "settings": lti_launch.get_claim(DEEP_LINKING_SETTINGS),
        "user": user.pk,
    }


def deep_link_response(*, pending: dict, lesson: Lesson, launch_url: str) -> tuple[str, str]:
    """The platform's return URL and the signed deep-linking response placing `lesson`: an
    LTI resource link to our launch URL with custom `lesson`, and, when the lesson has
    written work and the platform takes one (`accept_lineitem`), a grade column worth its
    rubric's maximum."""
    settings = pending.get("settings") or {}
    return_url = settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or not origin_of(return_url):
        raise LaunchRefused("The LMS gave no address to send the lesson back to.", status=400)
    try:
        registration = LtiRegistration.objects.active().get(pk=pending.get("registration"))
    except LtiRegistration.DoesNotExist:
        raise LaunchRefused("This LMS is no longer registered here.") from None
    signing_key()
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(lesson.title)
        .set_custom_params({CUSTOM_LESSON: str(lesson.pk)})
    )
    maximum = lesson_max_points(lesson)
    if maximum and settings.get("accept_lineitem") is not False:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(maximum)
            .set_label(lesson.title)
            .set_resource_id(f"lesson-{lesson.pk}")
        )
    deep_link = DeepLink(registration.to_registration(), pending["deployment_id"], settings)
    return return_url, deep_link.get_response_jwt([resource])
