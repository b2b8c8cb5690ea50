"""Roster sync: a class's students brought in line with its LMS course's learners.

The course's members come from the LMS's Names and Role Provisioning Services, read through
pylti1p3 with our key. Everything is read before anything is written, so an LMS that fails
part-way changes nothing. Members are matched by platform and subject (LtiUser), never by
email or name; a learner seen for the first time gets a student account with no usable
password, made as their first launch would make it, for signing in through the LMS.
Learners gone from the course, or no longer active in it, are taken off the roster with
their work kept. Students who joined without the LMS (with the class code or a roster
file) have no identity on its platform and are left as they are.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from lti_tool.lti_core.constants import ContextRole
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import LtiUser
from pylti1p3.names_roles import NamesRolesProvisioningService

from accounts import services as accounts
from accounts.models import Classroom, Enrollment, User

from .advantage import connector_for, service_error
from .launch import LaunchRefused, account_for
from .models import CourseLink

LEARNER_SUBROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#"
TEACHING = {ContextRole.INSTRUCTOR.value, ContextRole.ADMINISTRATOR.value}


class RosterSyncError(Exception):
    """The roster could not be read from the LMS; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SyncOutcome:
    added: int
    removed: int
    unchanged: int
    # Learners whose account here is a teacher's or switched off, so not enrolled.
    skipped: int = 0

    @property
    def message(self) -> str:
        text = (
            f"Roster synced from the LMS: {self.added} added, {self.removed} removed, "
            f"{self.unchanged} unchanged."
        )
        if self.removed:
            text += " Removed students' work is kept."
        if self.skipped:
            one = self.skipped == 1
            text += (
                f" {self.skipped} {'learner' if one else 'learners'} in the LMS "
                f"{'has' if one else 'have'} a teacher's or a switched-off account here, "
                "so not added."
            )
        return text


def syncable_links(classroom: Classroom):
    """The class's LMS courses that share their roster (their launches gave a memberships
    URL) through a platform and deployment an administrator has left switched on, with
    what a sync needs to reach them."""
    return (
        CourseLink.objects.filter(
            classroom=classroom,
            context__deployment__is_active=True,
            context__deployment__registration__is_active=True,
        )
        .exclude(context__memberships_url="")
        .select_related("context__deployment__registration")
        .order_by("pk")
    )


def _members(link: CourseLink) -> list[dict]:
    registration = link.context.deployment.registration
    try:
        service = NamesRolesProvisioningService(
            connector_for(registration),
            {"context_memberships_url": link.context.memberships_url},
        )
        members = service.get_members()
        if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
            raise ValueError("its members are not a list of people")
    except Exception as error:  # every failure is reported; the caller changes nothing
        reason = service_error(error).reason
        raise RosterSyncError(
            f"The roster could not be read from {registration.name} "
            f"(“{link.context}”): {reason}. Nothing was changed; try again later."
        ) from error
    return [_clean(member) for member in members if str(member.get("user_id") or "").strip()]


def _text(value, limit: int) -> str | None:
    return None if value is None else str(value).strip()[:limit]


def _clean(member: dict) -> dict:
    """A member as django-lti's update_memberships takes it: a subject, roles and a status
    always present (the standard makes status optional, Active when left out), and names
    cut to the columns' lengths."""
    roles = member.get("roles")
    return {
        "user_id": str(member["user_id"]).strip()[:255],
        "roles": [str(role) for role in roles] if isinstance(roles, list) else [],
        "status": member.get("status") or "Active",
        "given_name": _text(member.get("given_name"), 150),
        "family_name": _text(member.get("family_name"), 150),
        "name": _text(member.get("name"), 500),
        "email": _text(member.get("email"), 254),
    }


def is_active_learner(member: dict) -> bool:
    roles = {normalize_role(role) for role in member["roles"]}
    learner = ContextRole.LEARNER.value in roles or any(
        role.startswith(LEARNER_SUBROLE) for role in roles
    )
    return learner and not roles & TEACHING and member["status"] == "Active"


def roster_sync(*, classroom: Classroom, requester: User) -> SyncOutcome:
    """Bring the class's roster in line with its LMS courses' active learners.

    Raises RosterSyncError, having changed nothing, when the class shares no LMS roster or
    any of its LMS courses can't be read."""
    links = list(syncable_links(classroom))
    if not links:
        raise RosterSyncError("This class is not linked to an LMS course that shares its roster.")
    # Every course is read before anything is written.
    fetched = [(link, _members(link)) for link in links]
    added = unchanged = skipped = 0
    with transaction.atomic():
        # One sync of a class at a time; a second waits and then finds the roster current.
        Classroom.objects.select_for_update().filter(pk=classroom.pk).first()
        present: set[int] = set()
        for link, members in fetched:
            link.context.update_memberships(members)
            registration = link.context.deployment.registration
            learners = [member for member in members if is_active_learner(member)]
            lti_users = {
                lti_user.sub: lti_user
                for lti_user in LtiUser.objects.filter(
                    registration=registration, sub__in=[m["user_id"] for m in learners]
                ).select_related("auth_user")
            }
            for member in learners:
                lti_user = lti_users[member["user_id"]]
                try:
                    # Made as a learner's first launch makes it, if they have none here.
                    account = account_for(lti_user, role=User.Role.STUDENT)
                    if account.pk in present:
                        continue
                    enrolled = accounts.class_enroll_student(
                        classroom=classroom, student=account, added_by=requester
                    )
                except (LaunchRefused, ValidationError):
                    # A teacher's or switched-off account: left as it is, but still present,
                    # so not removed either.
                    if lti_user.auth_user_id is not None:
                        present.add(lti_user.auth_user_id)
                    skipped += 1
                    continue
                present.add(account.pk)
                added += enrolled
                unchanged += not enrolled
        # Students the LMS's platforms know, gone from every linked course's learners.
        known = LtiUser.objects.filter(
            registration_id__in=[link.context.deployment.registration_id for link in links],
            auth_user__isnull=False,
        ).values("auth_user_id")
        gone = (
            Enrollment.objects.active()
            .filter(classroom=classroom, student_id__in=known)
            .exclude(student_id__in=present)
            .select_related("student")
        )
        removed = 0
        for enrollment in gone:
            accounts.class_remove_student(classroom=classroom, student=enrollment.student)
            removed += 1
        CourseLink.objects.filter(pk__in=[link.pk for link in links]).update(
            roster_synced_at=timezone.now()
        )
    return SyncOutcome(added=added, removed=removed, unchanged=unchanged, skipped=skipped)
