"""Writing notifications. The coursework services call these inside their own transactions,
so a notification exists exactly when the thing it reports was saved."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enrollment, User
from coursework.dates import Dates, dates_for, own_dates_by_assignment
from coursework.models import Assignment, Post, Submission

from .models import Notification, NotificationSettings

Kind = Notification.Kind
DUE_SOON_WINDOW = timedelta(hours=24)


def notify(
    recipients: Iterable[User | int], *, kind: str, text: str, url: str, key: str = ""
) -> list[Notification]:
    """One notification for each recipient. With `key`, a recipient who already has a
    notification with that key gets no second one."""
    rows = [
        Notification(
            recipient_id=getattr(person, "pk", person), kind=kind, text=text[:300], url=url, key=key
        )
        for person in recipients
    ]
    return Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))


def _work_url(submission: Submission) -> str:
    return reverse(
        "coursework:player-module",
        kwargs={"pk": submission.assignment_id, "position": submission.module.position},
    )


def _title(assignment: Assignment) -> str:
    return assignment.lesson.title


def work_returned(submission: Submission) -> None:
    notify(
        [submission.student_id],
        kind=Kind.RETURNED,
        text=f"Your work for “{_title(submission.assignment)}” was returned with a grade.",
        url=_work_url(submission),
    )


def revision_requested(submission: Submission) -> None:
    notify(
        [submission.student_id],
        kind=Kind.REVISION,
        text=f"Your teacher asked for a revision of your work for “"
        f"{_title(submission.assignment)}”"
        + (f": {submission.revision_comment}" if submission.revision_comment else "."),
        url=_work_url(submission),
    )


def work_submitted(submission: Submission) -> None:
    """Tell the class's teachers; late when handed in after the student's own due date."""
    assignment = submission.assignment
    due = dates_for(assignment, submission.student_id).due_at
    late = due is not None and (submission.submitted_at or timezone.now()) > due
    name = submission.student.display_name
    notify(
        assignment.classroom.teachers.all(),
        kind=Kind.LATE if late else Kind.SUBMITTED,
        text=f"{name} handed in work for “{_title(assignment)}”"
        + (" after the due date." if late else "."),
        url=reverse(
            "coursework:grade",
            kwargs={"pk": assignment.pk, "submission_pk": submission.pk},
        ),
    )


def post_replied(post: Post) -> None:
    """Tell a student that someone else replied to their post."""
    parent = post.parent
    if parent is None or parent.author_id == post.author_id or not parent.author.is_student:
        return
    url = reverse(
        "coursework:player-module",
        kwargs={"pk": post.assignment_id, "position": post.module.position},
    )
    notify(
        [parent.author_id],
        kind=Kind.REPLY,
        text=f"{post.author.display_name} replied to your post in “{_title(post.assignment)}”.",
        url=f"{url}#post-{post.pk}",
    )


def remind_due_soon(now: datetime | None = None) -> int:
    """A reminder for every student whose own due date for an open assignment falls in the
    next 24 hours and who has not handed the work in; once per student and due date. The
    number of queries does not grow with the number of students or assignments."""
    now = now or timezone.now()
    end = now + DUE_SOON_WINDOW
    in_window = Q(due_at__gt=now, due_at__lte=end)
    assignments = list(
        Assignment.objects.active()
        .filter(classroom__archived=False)
        .filter(in_window | Q(student_dates__due_at__gt=now, student_dates__due_at__lte=end))
        .distinct()
        .values("pk", "classroom_id", "opens_at", "due_at", "for_whole_class", "lesson__title")
    )
    if not assignments:
        return 0
    ids = [a["pk"] for a in assignments]
    own = own_dates_by_assignment(ids)
    members: dict[int, set[int]] = {}
    for classroom_id, student_id in (
        Enrollment.objects.active()
        .filter(classroom_id__in={a["classroom_id"] for a in assignments})
        .values_list("classroom_id", "student_id")
    ):
        members.setdefault(classroom_id, set()).add(student_id)
    chosen: dict[int, set[int]] = {}
    for a, s in Assignment.students.through.objects.filter(assignment_id__in=ids).values_list(
        "assignment_id", "user_id"
    ):
        chosen.setdefault(a, set()).add(s)
    handed_in = set(
        Submission.objects.filter(assignment_id__in=ids)
        .exclude(status__in=[Submission.Status.DRAFT, Submission.Status.REVISION])
        .values_list("assignment_id", "student_id")
    )
    rows = []
    for assignment in assignments:
        a = assignment["pk"]
        given_to = members.get(assignment["classroom_id"], set())
        if not assignment["for_whole_class"]:
            given_to = given_to & chosen.get(a, set())
        for s in given_to:
            dates = own.get((s, a), Dates(assignment["opens_at"], assignment["due_at"]))
            due = dates.due_at
            if due is None or not now < due <= end or not dates.is_open(now):
                continue
            if (a, s) in handed_in:
                continue
            rows.append(
                Notification(
                    recipient_id=s,
                    kind=Kind.DUE_SOON,
                    text=f"“{assignment['lesson__title']}” is due "
                    f"{timezone.localtime(due):%A %-d %B, %H:%M}.",
                    url=reverse("coursework:player", kwargs={"pk": a}),
                    key=f"due:{a}:{due.isoformat()}",
                )
            )
    sent = set(
        Notification.objects.filter(
            kind=Kind.DUE_SOON, key__in={row.key for row in rows}
        ).values_list("recipient_id", "key")
    )
    rows = [row for row in rows if (row.recipient_id, row.key) not in sent]
    # A run at the same moment may write the same reminder: the database keeps one.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_seen(user: User) -> None:
    """The notifications page showed these: the digest leaves them out."""
    Notification.objects.filter(recipient=user, seen_at__isnull=True).update(seen_at=timezone.now())


def digest_wanted(user: User) -> bool:
    row = NotificationSettings.objects.filter(user=user).first()
    return row.email_digest if row is not None else True


def digest_set(user: User, *, email_digest: bool) -> None:
    NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_digest": email_digest}
    )
