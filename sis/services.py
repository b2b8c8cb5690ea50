"""Importing a OneRoster zip: checked whole, then written whole in one transaction, or not at all.

People, classes and enrollments are matched by their sourcedId, so importing the same
district again updates what the first import made. Records marked `tobedeleted` (or, in a
bulk file, no longer listed) are put out of use, never deleted: a person's account is
deactivated, a class archived, an enrollment marked removed, and their work is kept.
"""

import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import CLASS_NAME_MAX, Classroom, Enrollment, User, new_join_code
from coursework.models import Post
from coursework.stamps import bump_assignments, bump_classrooms

from .models import DistrictRecord, OneRosterImport
from .oneroster import (
    ADMINISTRATOR_ROLES,
    ENROLLMENT_ROLES,
    PROBLEMS_KEPT,
    SKIPPED,
    STUDENT,
    TEACHER,
    USER_ROLES,
    OneRosterError,
    Parsed,
    Problem,
    Row,
    archive_parse,
    archive_read,
    file_name,
    fold_username,
)

BATCH = 1000
UNRESOLVED = "?"  # a person whose own row has a problem: references to them aren't checked
# Written at most this often while the files are read, so the page stays current without a
# write per row.
PROGRESS_SECONDS = 0.5
STOPPED = "The import stopped before it finished. Nothing was saved; upload the zip again."
RACED = (
    "A username or class changed while the files were importing. Nothing was saved; "
    "upload the zip again."
)

# What a finished import reports, in this order: (count's name, singular, plural).
SKIPPED_PEOPLE = "aides, guardians, parents, relatives, proctors and counselors get no account"
SUMMARY_LINES = [
    ("users_created", "account created", "accounts created"),
    ("users_updated", "account updated", "accounts updated"),
    (
        "users_linked",
        "existing account linked by its username",
        "existing accounts linked by their usernames",
    ),
    ("users_deactivated", "account deactivated", "accounts deactivated"),
    (
        "administrators",
        "administrator imported as a teacher",
        "administrators imported as teachers",
    ),
    ("users_skipped", f"person skipped ({SKIPPED_PEOPLE})", f"people skipped ({SKIPPED_PEOPLE})"),
    ("classes_created", "class created", "classes created"),
    ("classes_updated", "class updated", "classes updated"),
    ("classes_archived", "class archived", "classes archived"),
    ("teachers_added", "teacher added to a class", "teachers added to classes"),
    ("teachers_removed", "teacher taken off a class", "teachers taken off classes"),
    ("enrollments_added", "student enrolled", "students enrolled"),
    (
        "enrollments_removed",
        "enrollment marked removed (work kept)",
        "enrollments marked removed (work kept)",
    ),
    (
        "enrollments_skipped",
        "enrollment of an aide, proctor or administrator skipped",
        "enrollments of aides, proctors or administrators skipped",
    ),
    ("unchanged", "record already up to date", "records already up to date"),
]


# ---------------------------------------------------------------------------------------
# Starting an import
# ---------------------------------------------------------------------------------------


def oneroster_import_start(*, requester: User, name: str, data: bytes) -> OneRosterImport:
    """Keep an uploaded zip and start the job that imports it.

    Raises OneRosterError, and keeps nothing, for an upload that is not a readable OneRoster
    zip; problems within its files are found by the job and shown on the import's page.
    """
    from .tasks import oneroster_import_job  # the task module imports this one

    archive = archive_read(data)
    job = OneRosterImport.objects.create(
        requested_by=requester,
        file_name=name[:255],
        version=archive.manifest.version,
        archive=data,
        rows_total=archive.rows_total,
    )
    # Outside any transaction, so a worker can see the import as soon as it is queued.
    try:
        oneroster_import_job.enqueue(job.pk)
    except Exception:
        _end(job.pk, failed_with=[Problem("", 0, "", STOPPED)])
        raise
    job.refresh_from_db()
    return job


def _end(pk: int, *, failed_with: list[Problem] | None = None, **fields) -> None:
    """Finish an import; the uploaded zip is erased either way."""
    problems = sorted(failed_with or [], key=lambda p: (p.file, p.line, p.field))
    OneRosterImport.objects.filter(pk=pk).update(
        status=OneRosterImport.Status.FAILED if failed_with else OneRosterImport.Status.DONE,
        problems=[problem.as_list() for problem in problems[:PROBLEMS_KEPT]],
        problems_total=len(problems),
        archive=b"",
        finished_at=timezone.now(),
        **fields,
    )


# ---------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------


def oneroster_import_run(*, import_id: int) -> str:
    """The job: read and check every file (progress shown as lines read), then check every
    reference against the files and the database and write everything in one transaction.
    Any problem fails the whole import and nothing is written."""
    claimed = OneRosterImport.objects.filter(
        pk=import_id, status=OneRosterImport.Status.QUEUED
    ).update(status=OneRosterImport.Status.CHECKING)
    if not claimed:
        return "already started"
    job = OneRosterImport.objects.select_related("requested_by").get(pk=import_id)
    try:
        return _run(job)
    except OneRosterError as error:
        _end(job.pk, failed_with=[Problem("", 0, "", str(error))])
        return "refused"
    except IntegrityError:
        _end(job.pk, failed_with=[Problem("", 0, "", RACED)])
        return "refused"
    except BaseException:
        _end(job.pk, failed_with=[Problem("", 0, "", STOPPED)])
        raise


def _run(job: OneRosterImport) -> str:
    reported = time.monotonic()

    def progress(lines: int) -> None:
        nonlocal reported
        if time.monotonic() - reported >= PROGRESS_SECONDS:
            OneRosterImport.objects.filter(pk=job.pk).update(
                rows_checked=min(lines, job.rows_total)
            )
            reported = time.monotonic()

    parsed = archive_parse(archive_read(bytes(job.archive)), progress=progress)
    if parsed.problems:
        _end(job.pk, failed_with=parsed.problems, rows_checked=job.rows_total)
        return "refused"
    OneRosterImport.objects.filter(pk=job.pk).update(
        status=OneRosterImport.Status.SAVING, rows_checked=job.rows_total
    )
    with transaction.atomic():
        _wait_for_other_imports()
        plan = _plan(parsed, _known())
        if plan.problems:
            failed = plan.problems
        else:
            failed = None
            summary = _write(plan, requester=job.requested_by)
    if failed:
        _end(job.pk, failed_with=failed)
        return "refused"
    _end(job.pk, summary=summary)
    return "done"


# Any fixed number: PostgreSQL's lock on it is held by the import saving, until it commits.
IMPORT_LOCK = 0x0E_1205_7E12


def _wait_for_other_imports() -> None:
    """One import saves at a time, and reads what the one before it saved. SQLite's
    IMMEDIATE transactions already queue writers; PostgreSQL reads what is committed when
    each query starts, so two imports of the same zip would both plan to create it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


# ---------------------------------------------------------------------------------------
# What the database already holds
# ---------------------------------------------------------------------------------------


@dataclass
class KnownUser:
    pk: int
    username: str
    sourced_id: str
    first_name: str
    last_name: str
    email: str
    role: str
    is_active: bool
    is_staff: bool
    is_superuser: bool

    @property
    def is_admin(self) -> bool:
        """Staff or superuser: an account the district's files never take over or change."""
        return self.is_staff or self.is_superuser


@dataclass
class KnownClass:
    pk: int
    sourced_id: str
    name: str
    archived: bool
    join_code: str


@dataclass
class Known:
    users: dict[str, KnownUser]  # by sourcedId
    usernames: dict[str, KnownUser]  # every account, by lower-cased username
    classes: dict[str, KnownClass]  # by sourcedId
    active_codes: set[str]
    # sourcedId -> (pk, class's sourcedId, student's sourcedId, removed)
    enrollments: dict[str, tuple[int, str, str, bool]]
    records: dict[str, dict[str, bool]]  # kind -> sourcedId -> deleted


def _known() -> Known:
    users, usernames = {}, {}
    fields = list(KnownUser.__dataclass_fields__)
    for values in User.objects.values_list(*fields):
        user = KnownUser(*values)
        usernames[fold_username(user.username)] = user
        if user.sourced_id:
            users[user.sourced_id] = user
    classes, active_codes = {}, set()
    for values in Classroom.objects.values_list(
        "pk", "sourced_id", "name", "archived", "join_code"
    ):
        room = KnownClass(*values)
        if not room.archived:
            active_codes.add(room.join_code)
        if room.sourced_id:
            classes[room.sourced_id] = room
    enrollments = {
        sid: (pk, class_sid, student_sid, removed_at is not None)
        for sid, pk, class_sid, student_sid, removed_at in Enrollment.objects.exclude(
            sourced_id=""
        ).values_list(
            "sourced_id", "pk", "classroom__sourced_id", "student__sourced_id", "removed_at"
        )
    }
    records: dict[str, dict[str, bool]] = defaultdict(dict)
    for kind, sid, deleted in DistrictRecord.objects.values_list("kind", "sourced_id", "deleted"):
        records[kind][sid] = deleted
    return Known(users, usernames, classes, active_codes, enrollments, records)


# ---------------------------------------------------------------------------------------
# The plan: every reference checked, every change decided, nothing written yet
# ---------------------------------------------------------------------------------------

RECORD_FILES = {
    DistrictRecord.Kind.ORG: ("orgs", "name"),
    DistrictRecord.Kind.SESSION: ("academicSessions", "title"),
    DistrictRecord.Kind.COURSE: ("courses", "title"),
}


@dataclass
class UserChange:
    row: Row
    role: str  # student or teacher
    existing: KnownUser | None
    linked: bool = False


@dataclass
class Plan:
    parsed: Parsed
    known: Known
    problems: list[Problem] = field(default_factory=list)
    users: list[UserChange] = field(default_factory=list)
    users_deactivated: list[KnownUser] = field(default_factory=list)
    # sourcedId -> the role a person has here (from the files, or the database)
    roles: dict[str, str] = field(default_factory=dict)
    classes: list[Row] = field(default_factory=list)
    classes_archived: list[KnownClass] = field(default_factory=list)
    enrollments: list[Row] = field(default_factory=list)  # active students' and teachers'
    removals: list[Row] = field(default_factory=list)  # tobedeleted
    enrollments_gone: list[int] = field(default_factory=list)  # pks absent from a bulk file
    counts: Counter = field(default_factory=Counter)

    def problem(self, kind: str, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(file_name(kind), row.line, column, message))


def _exists(plan: Plan, kind: str, sid: str) -> bool:
    """A reference found in the zip's file of that kind, or (unless that file is a bulk
    file, which lists every record) saved by an earlier import. A person or class the zip
    marks to be deleted is not found: nothing may be added to it."""
    parsed, known = plan.parsed, plan.known
    row = parsed.rows.get(kind, {}).get(sid)
    if row is not None:
        return row.active or kind not in {"users", "classes"}
    if parsed.mode(kind) == "bulk":
        return False
    if kind == "users":
        return sid in known.users
    if kind == "classes":
        return sid in known.classes
    record_kind = next(k for k, (file_kind, _) in RECORD_FILES.items() if file_kind == kind)
    return sid in known.records.get(record_kind, {})


def _check_reference(plan: Plan, kind: str, row: Row, column: str, target: str) -> None:
    for sid in row.ids(column) if column.endswith("Ids") else [row[column]]:
        if not sid or _exists(plan, target, sid):
            continue
        there = plan.parsed.rows.get(target, {}).get(sid)
        if there is not None:
            plan.problem(
                kind,
                row,
                column,
                f"{column} {sid!r} is marked tobedeleted in {file_name(target)} "
                f"(line {there.line})",
            )
        else:
            bulk = plan.parsed.mode(target) == "bulk"
            where = "the zip" if bulk else "the zip or earlier imports"
            plan.problem(
                kind, row, column, f"{column} {sid!r} is not in {file_name(target)} ({where})"
            )


def _plan(parsed: Parsed, known: Known) -> Plan:
    plan = Plan(parsed=parsed, known=known)
    rows = parsed.rows
    for row in rows.get("courses", {}).values():
        if row.active:
            _check_reference(plan, "courses", row, "orgSourcedId", "orgs")
            _check_reference(plan, "courses", row, "schoolYearSourcedId", "academicSessions")
    for row in rows.get("orgs", {}).values():
        if row.active:
            _check_reference(plan, "orgs", row, "parentSourcedId", "orgs")
    for row in rows.get("roles", {}).values():
        if row.active:
            # A role describes its person and adds nothing: a person the zip deletes may
            # still be listed with their role.
            person = parsed.rows.get("users", {}).get(row["userSourcedId"])
            if person is None or person.active:
                _check_reference(plan, "roles", row, "userSourcedId", "users")
            _check_reference(plan, "roles", row, "orgSourcedId", "orgs")
    _plan_users(plan)
    for row in rows.get("classes", {}).values():
        if row.active:
            _check_reference(plan, "classes", row, "courseSourcedId", "courses")
            _check_reference(plan, "classes", row, "schoolSourcedId", "orgs")
            _check_reference(plan, "classes", row, "termSourcedIds", "academicSessions")
        plan.classes.append(row)
    if parsed.mode("classes") == "bulk":
        listed = rows["classes"]
        plan.classes_archived = [
            room for sid, room in known.classes.items() if sid not in listed and not room.archived
        ]
    _plan_enrollments(plan)
    return plan


def _role_of(plan: Plan, row: Row, roles_by_user: dict[str, list[Row]]) -> str | None:
    """The OneRoster role a person's row gives them (lower-cased), or None when it has none."""
    if plan.parsed.version != "1.2":
        return row["role"].lower()
    candidates = roles_by_user.get(row.sourced_id, [])
    primary = [r for r in candidates if r["roleType"].lower() == "primary"]
    chosen = (primary or candidates or [None])[0]
    return chosen["role"].lower() if chosen is not None else None


def _plan_users(plan: Plan) -> None:
    parsed, known = plan.parsed, plan.known
    roles_by_user: dict[str, list[Row]] = defaultdict(list)
    for role_row in parsed.rows.get("roles", {}).values():
        if role_row.active:
            roles_by_user[role_row["userSourcedId"]].append(role_row)
    for sid, user in known.users.items():
        plan.roles[sid] = user.role
    for row in parsed.rows.get("users", {}).values():
        existing = known.users.get(row.sourced_id)
        role = _role_of(plan, row, roles_by_user)
        if role is None:
            if existing is not None or not row.active:
                role = existing.role if existing is not None else SKIPPED
            else:
                plan.problem("users", row, "sourcedId", "this person has no role in roles.csv")
                plan.roles[row.sourced_id] = UNRESOLVED
                continue
        kind = USER_ROLES.get(role, role)
        if not row.active:
            if existing is not None and existing.is_active and not existing.is_admin:
                plan.users_deactivated.append(existing)
            continue
        _check_reference(plan, "users", row, "orgSourcedIds", "orgs")
        _check_reference(plan, "users", row, "primaryOrgSourcedId", "orgs")
        if kind == SKIPPED:
            plan.roles[row.sourced_id] = SKIPPED
            plan.counts["users_skipped"] += 1
            continue
        # Until the checks below pass; their problem is reported on the person's own line.
        plan.roles[row.sourced_id] = UNRESOLVED
        if role in ADMINISTRATOR_ROLES:
            plan.counts["administrators"] += 1
        folded = fold_username(row["username"])
        holder = known.usernames.get(folded)
        change = UserChange(row=row, role=kind, existing=existing)
        if holder is not None and (existing is None or holder.pk != existing.pk):
            if existing is None and not holder.sourced_id and not holder.is_admin:
                change.existing, change.linked = holder, True
            elif holder.is_admin:
                plan.problem(
                    "users",
                    row,
                    "username",
                    f"username {row['username']!r} belongs to an admin account",
                )
                continue
            else:
                plan.problem(
                    "users",
                    row,
                    "username",
                    f"username {row['username']!r} belongs to another account"
                    + (f" (SIS id {holder.sourced_id!r})" if holder.sourced_id else ""),
                )
                continue
        plan.roles[row.sourced_id] = kind
        plan.users.append(change)
    if parsed.mode("users") == "bulk":
        listed = parsed.rows["users"]
        plan.users_deactivated.extend(
            user
            for sid, user in known.users.items()
            if sid not in listed and user.is_active and not user.is_admin
        )


def _plan_enrollments(plan: Plan) -> None:
    parsed, known = plan.parsed, plan.known
    listed = parsed.rows.get("enrollments", {})
    pairs: dict[tuple[str, str], int] = {}
    for row in listed.values():
        kind = ENROLLMENT_ROLES[row["role"].lower()]
        if not row.active:
            plan.removals.append(row)
            continue
        if kind == SKIPPED:
            plan.counts["enrollments_skipped"] += 1
            continue
        _check_reference(plan, "enrollments", row, "classSourcedId", "classes")
        _check_reference(plan, "enrollments", row, "schoolSourcedId", "orgs")
        user_sid, class_sid = row["userSourcedId"], row["classSourcedId"]
        if not _exists(plan, "users", user_sid):
            _check_reference(plan, "enrollments", row, "userSourcedId", "users")
            continue
        has = plan.roles.get(user_sid, SKIPPED)
        if has == UNRESOLVED:
            continue
        if has != kind:
            what = (
                "gets no account here (aide, guardian, parent, relative, proctor or counselor)"
                if has == SKIPPED
                else f"is a {has} here"
            )
            plan.problem(
                "enrollments",
                row,
                "role",
                f"userSourcedId {user_sid!r} {what}, so can't be enrolled as a {kind}",
            )
            continue
        pair = (class_sid, user_sid)
        if pair in pairs:
            plan.problem(
                "enrollments",
                row,
                "sourcedId",
                f"this person is already enrolled in this class on line {pairs[pair]}",
            )
            continue
        pairs[pair] = row.line
        before = known.enrollments.get(row.sourced_id)
        if before is not None and before[1:3] != (class_sid, user_sid):
            plan.problem(
                "enrollments",
                row,
                "sourcedId",
                f"enrollment {row.sourced_id!r} was imported before for another class or person",
            )
            continue
        plan.enrollments.append(row)
    if parsed.mode("enrollments") == "bulk":
        plan.enrollments_gone = [
            pk
            for sid, (pk, _, _, removed) in known.enrollments.items()
            if sid not in listed and not removed
        ]


# ---------------------------------------------------------------------------------------
# Writing the plan
# ---------------------------------------------------------------------------------------


def _write(plan: Plan, *, requester: User | None) -> dict[str, int]:
    counts = plan.counts
    touched_classes: set[int] = set()
    _write_records(plan)
    user_pks, renamed = _write_users(plan)
    class_pks = _write_classes(plan, touched_classes)
    # Enrollments and teachers can name people and classes imported earlier.
    user_pks = {sid: user.pk for sid, user in plan.known.users.items()} | user_pks
    class_pks = {sid: room.pk for sid, room in plan.known.classes.items()} | class_pks
    _write_teachers(plan, user_pks, class_pks, touched_classes)
    _write_enrollments(plan, user_pks, class_pks, touched_classes, requester)
    # Bulk writes send no model signals: the pages of every class touched, and of every
    # class a renamed or deactivated person is in, change.
    _bump(touched_classes, renamed)
    return {name: counts[name] for name, _, _ in SUMMARY_LINES if counts[name]}


def _write_records(plan: Plan) -> None:
    records = []
    for kind, (file_kind, title) in RECORD_FILES.items():
        for row in plan.parsed.rows.get(file_kind, {}).values():
            records.append(
                DistrictRecord(
                    kind=kind,
                    sourced_id=row.sourced_id,
                    title=row[title][:255],
                    deleted=not row.active,
                )
            )
    DistrictRecord.objects.bulk_create(
        records,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["kind", "sourced_id"],
        update_fields=["title", "deleted", "updated_at"],
    )


def _unusable_password() -> str:
    """What Django's make_password(None) stores, made faster: no password works, and no two
    accounts share the value their sessions are signed with. People sign in through single
    sign-on or set a password with a reset link; nothing is hashed."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


USER_FIELDS = ["username", "first_name", "last_name", "email", "role", "is_active", "sourced_id"]


def _write_users(plan: Plan) -> tuple[dict[str, int], set[int]]:
    """Create and update accounts; their pks by sourcedId, and the pks of accounts whose
    name, role or standing changed."""
    counts = plan.counts
    new, changed, pks, renamed = [], [], {}, set()
    for change in plan.users:
        row = change.row
        values = {
            "username": User.normalize_username(row["username"]),
            "first_name": row["givenName"],
            "last_name": row["familyName"],
            "email": User.objects.normalize_email(row["email"]),
            "role": change.role,
            "is_active": row["enabledUser"].lower() != "false",
            "sourced_id": row.sourced_id,
        }
        before = change.existing
        if before is None:
            new.append(User(**values, password=_unusable_password()))
            continue
        pks[row.sourced_id] = before.pk
        if before.is_admin:
            # An admin's sign-in (username and the email a password reset goes to), role and
            # standing are set here, not by the district's files.
            for name in ("username", "email", "role", "is_active"):
                values[name] = getattr(before, name)
        if all(getattr(before, name) == value for name, value in values.items()):
            counts["unchanged"] += 1
            continue
        changed.append(User(pk=before.pk, **values))
        renamed.add(before.pk)
        counts["users_linked" if change.linked else "users_updated"] += 1
    for user in User.objects.bulk_create(new, batch_size=BATCH):
        pks[user.sourced_id] = user.pk
    counts["users_created"] += len(new)
    User.objects.bulk_update(changed, USER_FIELDS, batch_size=BATCH)
    gone = [user.pk for user in plan.users_deactivated]
    for start in range(0, len(gone), BATCH):
        User.objects.filter(pk__in=gone[start : start + BATCH]).update(is_active=False)
    counts["users_deactivated"] += len(gone)
    renamed.update(gone)
    return pks, renamed


def _class_name(row: Row) -> str:
    title = " ".join(row["title"].split())
    return title if len(title) <= CLASS_NAME_MAX else title[: CLASS_NAME_MAX - 1] + "…"


def _free_code(codes: set[str]) -> str:
    code = new_join_code()
    while code in codes:
        code = new_join_code()
    codes.add(code)
    return code


def _write_classes(plan: Plan, touched: set[int]) -> dict[str, int]:
    counts, known = plan.counts, plan.known
    codes = known.active_codes
    new, changed, pks = [], [], {}
    for row in plan.classes:
        before = known.classes.get(row.sourced_id)
        if before is None:
            if row.active:
                new.append(
                    Classroom(
                        name=_class_name(row),
                        sourced_id=row.sourced_id,
                        join_code=_free_code(codes),
                    )
                )
            continue
        pks[row.sourced_id] = before.pk
        name = _class_name(row) if row.active else before.name
        archived = not row.active
        if (name, archived) == (before.name, before.archived):
            counts["unchanged"] += 1
            continue
        code = before.join_code
        if before.archived and not archived and code in codes:
            code = _free_code(codes)  # its code went to another class while it was archived
        changed.append(
            Classroom(
                pk=before.pk,
                name=name,
                archived=archived,
                join_code=code,
                sourced_id=row.sourced_id,
            )
        )
        touched.add(before.pk)
        counts["classes_archived" if archived else "classes_updated"] += 1
    for room in Classroom.objects.bulk_create(new, batch_size=BATCH):
        pks[room.sourced_id] = room.pk
        touched.add(room.pk)
    counts["classes_created"] += len(new)
    Classroom.objects.bulk_update(changed, ["name", "archived", "join_code"], batch_size=BATCH)
    gone = [room.pk for room in plan.classes_archived]
    for start in range(0, len(gone), BATCH):
        Classroom.objects.filter(pk__in=gone[start : start + BATCH]).update(archived=True)
    counts["classes_archived"] += len(gone)
    touched.update(gone)
    return pks


def _write_teachers(plan: Plan, users: dict, classes: dict, touched: set[int]) -> None:
    Teaching = Classroom.teachers.through
    wanted, unwanted = set(), set()
    for row in plan.enrollments:
        if ENROLLMENT_ROLES[row["role"].lower()] == TEACHER:
            wanted.add((classes[row["classSourcedId"]], users[row["userSourcedId"]]))
    for row in plan.removals:
        if ENROLLMENT_ROLES[row["role"].lower()] == TEACHER:
            pair = (classes.get(row["classSourcedId"]), users.get(row["userSourcedId"]))
            if None not in pair:
                unwanted.add(pair)
    if plan.parsed.mode("enrollments") == "bulk":
        # The file lists every class's teachers: a district teacher it no longer lists on a
        # class still in use comes off it. Teachers added here by hand (no SIS id) stay, and
        # so do the teachers of archived classes, who keep reading their work.
        unwanted.update(
            Teaching.objects.filter(
                classroom__archived=False, classroom__sourced_id__gt="", user__sourced_id__gt=""
            ).values_list("classroom_id", "user_id")
        )
    unwanted -= wanted
    class_ids = {pair[0] for pair in wanted | unwanted}
    existing: dict[tuple[int, int], int] = {}
    for start in range(0, len(ids := sorted(class_ids)), BATCH):
        for pk, classroom_id, user_id in Teaching.objects.filter(
            classroom_id__in=ids[start : start + BATCH]
        ).values_list("pk", "classroom_id", "user_id"):
            existing[(classroom_id, user_id)] = pk
    adding = sorted(wanted - existing.keys())
    Teaching.objects.bulk_create(
        [Teaching(classroom_id=c, user_id=u) for c, u in adding], batch_size=BATCH
    )
    removing = unwanted & existing.keys()
    for chunk in _chunks(existing[pair] for pair in removing):
        Teaching.objects.filter(pk__in=chunk).delete()
    plan.counts["teachers_added"] += len(adding)
    plan.counts["teachers_removed"] += len(removing)
    plan.counts["unchanged"] += len(wanted & existing.keys())
    touched.update(c for c, _ in adding)
    touched.update(c for c, _ in removing)


def _write_enrollments(
    plan: Plan, users: dict, classes: dict, touched: set[int], requester: User | None
) -> None:
    counts, now = plan.counts, timezone.now()
    students = [r for r in plan.enrollments if ENROLLMENT_ROLES[r["role"].lower()] == STUDENT]
    leaving = [r for r in plan.removals if ENROLLMENT_ROLES[r["role"].lower()] == STUDENT]
    class_ids = sorted(
        {classes[r["classSourcedId"]] for r in students}
        | {classes[r["classSourcedId"]] for r in leaving if r["classSourcedId"] in classes}
    )
    # What the classes' rosters hold now, by (class, student).
    current: dict[tuple[int, int], tuple[int, str, bool]] = {}
    for start in range(0, len(class_ids), BATCH):
        for pk, classroom_id, student_id, sid, removed_at in Enrollment.objects.filter(
            classroom_id__in=class_ids[start : start + BATCH]
        ).values_list("pk", "classroom_id", "student_id", "sourced_id", "removed_at"):
            current[(classroom_id, student_id)] = (pk, sid, removed_at is not None)
    by_sid = {sid: pk for sid, (pk, _, _, _) in plan.known.enrollments.items()}
    removed: set[int] = set(plan.enrollments_gone)
    for row in leaving:
        pk = by_sid.get(row.sourced_id)
        if pk is None:
            pair = (classes.get(row["classSourcedId"]), users.get(row["userSourcedId"]))
            found = current.get(pair)
            pk = found[0] if found is not None and not found[2] else None
        if pk is not None:
            removed.add(pk)
    new, changed, kept = [], [], set()
    for row in students:
        pair = (classes[row["classSourcedId"]], users[row["userSourcedId"]])
        found = current.get(pair)
        if found is None:
            new.append(
                Enrollment(
                    classroom_id=pair[0],
                    student_id=pair[1],
                    sourced_id=row.sourced_id,
                    added_by=requester,
                )
            )
            touched.add(pair[0])
            continue
        pk, sid, was_removed = found
        kept.add(pk)
        if sid == row.sourced_id and not was_removed:
            counts["unchanged"] += 1
            continue
        # Back on the roster, or joined with the code before the district listed them.
        changed.append(Enrollment(pk=pk, sourced_id=row.sourced_id, removed_at=None))
        touched.add(pair[0])
        counts["enrollments_added" if was_removed else "unchanged"] += 1
    # An enrollment listed as active stays, whatever else the files say of it.
    removed -= kept
    Enrollment.objects.bulk_update(changed, ["sourced_id", "removed_at"], batch_size=BATCH)
    Enrollment.objects.bulk_create(new, batch_size=BATCH)
    counts["enrollments_added"] += len(new)
    removing = sorted(removed)
    for start in range(0, len(removing), BATCH):
        batch = Enrollment.objects.filter(pk__in=removing[start : start + BATCH], removed_at=None)
        touched.update(batch.values_list("classroom_id", flat=True))
        counts["enrollments_removed"] += batch.update(removed_at=now)


def _chunks(ids) -> list[list[int]]:
    ids = sorted(ids)
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


def _bump(classroom_ids: set[int], people: set[int]) -> None:
    """New stamps for the classes touched, the classes a changed person is in or teaches,
    and the discussions they wrote in (see coursework.stamps)."""
    classes, discussions = set(classroom_ids), set()
    for chunk in _chunks(people):
        classes.update(
            Enrollment.objects.filter(student_id__in=chunk).values_list("classroom_id", flat=True)
        )
        classes.update(
            Classroom.teachers.through.objects.filter(user_id__in=chunk).values_list(
                "classroom_id", flat=True
            )
        )
        discussions.update(
            Post.objects.filter(author_id__in=chunk).values_list("assignment_id", flat=True)
        )
    for chunk in _chunks(classes):
        bump_classrooms(pk__in=chunk)
        bump_assignments(classroom_id__in=chunk)
    for chunk in _chunks(discussions):
        bump_assignments(pk__in=chunk)
