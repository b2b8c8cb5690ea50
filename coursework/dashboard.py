"""The teacher's progress dashboard and gradebook, built in a fixed number of queries.

Both read plain tuples rather than model instances: a class of 200 has thousands of progress
rows and scores, and building an object for each cost more than the whole rest of the page.
Times of activity are read as whole minutes counted by the database (EpochMinute), since the
board shows them to the minute and turning 2,000 stored times into datetimes one by one cost
more than the query. Grades are read from the points each score stored when its level was
chosen.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db.models import BigIntegerField, Count, Func, Max, Q
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from accounts.models import Classroom, User
from lessons.models import Criterion, Level, Module, Skill

from .dates import class_dates, own_dates_by_assignment, recipient_ids, recipients_by_assignment
from .grades import CriterionScore, Grade
from .models import Answer, Assignment, Progress, Submission, SubmissionVersion
from .selectors import rubric_table_for
from .services import ANSWERED_KINDS

SKILLS = [(value, label) for value, label in Skill.choices]
FILTERS = {"late": "Late", "not-started": "Not started", "stuck": "Stuck"}
STATE_LABELS = dict(Progress.State.choices)
COMPLETE = Progress.State.COMPLETE.value
NOT_STARTED = Progress.State.NOT_STARTED.value


class EpochMinute(Func):
    """The whole minutes from 1970-01-01 00:00 UTC to a stored time, counted by the database."""

    arity = 1
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Stored as text, "YYYY-MM-DD HH:MM:SS.ffffff" in UTC. The seconds' fraction is cut
        # off first: SQLite keeps times to the millisecond and would round 59.9996 up.
        if connection.Database.sqlite_version_info >= (3, 38):
            template = "(unixepoch(substr(%(expressions)s, 1, 19)) / 60)"
            return self.as_sql(compiler, connection, template=template, **extra_context)
        # As django.db.models.functions.Cast does: the format string goes in as a parameter.
        template = "(CAST(strftime(%%s, substr(%(expressions)s, 1, 19)) AS INTEGER) / 60)"
        sql, params = self.as_sql(compiler, connection, template=template, **extra_context)
        return sql, ("%s", *params)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 60)::bigint"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def minute_time(minute: int) -> datetime:
    """The start of an EpochMinute, as an aware datetime in UTC."""
    return datetime.fromtimestamp(minute * 60, UTC)


# One student's state in one module and the minute (EpochMinute) of their last activity in it,
# None when never opened; a plain pair, since a class of 200 has about 2,000 on every board.
Cell = tuple[str, int | None]
NOT_STARTED_CELL: Cell = (NOT_STARTED, None)


class Student(NamedTuple):
    """What the tables show of a student, named as the User model names them."""

    pk: int
    username: str
    first_name: str
    last_name: str

    get_full_name = User.get_full_name
    display_name = User.display_name


class SkillResult(NamedTuple):
    # A tuple rather than a dataclass: a class of 200 makes a thousand of these per page.
    level: float | None  # average rubric level, on a 0–4 scale
    answered: int
    asked: int


class ModuleHead(NamedTuple):
    """What the board shows of a module: its column heading."""

    pk: int
    position: int
    title: str


@dataclass
class StudentRow:
    student: Student
    cells: list[Cell]
    skills: dict[str, SkillResult] = field(default_factory=dict)
    complete: int = 0
    percent: int = 0
    last_minute: int | None = None  # of the latest activity in any module
    is_late: bool = False
    is_stuck: bool = False

    @property
    def started(self) -> bool:
        return self.last_minute is not None

    @property
    def last_activity(self) -> datetime | None:
        """The minute of the latest activity, in UTC."""
        return None if self.last_minute is None else minute_time(self.last_minute)


@dataclass
class Dashboard:
    assignment: Assignment
    modules: list[ModuleHead]
    rows: list[StudentRow]
    all_rows: list[StudentRow]
    module_percent: list[int]
    class_skills: dict[str, float | None]
    own_dates: int = 0  # how many of its students have their own dates

    @cached_property
    def names(self) -> dict[int, SafeString]:
        """Each student's name as HTML, escaped once for the two tables that show it."""
        return {row.student.pk: escape(row.student.display_name) for row in self.all_rows}


class ChartBar(NamedTuple):
    """One skill's bar in the class chart: the average level out of 4, drawn and said."""

    label: str
    label_y: int
    bar_y: int
    width: str  # of 200, empty when nothing is graded yet
    shown: str
    said: str


def skill_chart(class_skills: dict[str, float | None]) -> list[ChartBar]:
    """The class's average level by skill, as the skills chart draws it."""
    bars = []
    for index, (skill, label) in enumerate(SKILLS):
        level = class_skills.get(skill)
        shown = "—" if level is None else floatformat(level, 1)
        said = "not graded yet" if level is None else f"{shown} of 4"
        width = "" if level is None else floatformat(level * 50, 0)
        bars.append(ChartBar(label, 40 * index + 24, 40 * index + 10, width, shown, said))
    return bars


def _students(classroom_id: int) -> list[Student]:
    """The class's current students in roster order."""
    return [
        Student(*columns)
        for columns in User.objects.filter(
            enrollments__classroom_id=classroom_id, enrollments__removed_at__isnull=True
        )
        .order_by("last_name", "first_name", "username")
        .values_list("pk", "username", "first_name", "last_name")
    ]


def _skill_levels(assignment: Assignment) -> dict[int, dict[str, list[float]]]:
    """Each student's chosen levels on their latest graded version, as 0–4, by skill.

    One row per score (or per grade without scores), latest version last. Each criterion's
    skill and top points come from the rubric table, which the grade's rubric keeps."""
    latest: dict[int, tuple[int, int]] = {}
    scores: dict[int, list[tuple[int, int]]] = {}
    for grade_id, student_id, rubric_id, criterion_id, points, level_id in (
        Grade.objects.filter(version__submission__assignment=assignment)
        .order_by("version__number")
        .values_list(
            "pk",
            "version__submission__student_id",
            "rubric_id",
            "scores__criterion_id",
            "scores__points",
            "scores__level_id",
        )
    ):
        latest[student_id] = (grade_id, rubric_id)
        if level_id is not None:
            scores.setdefault(grade_id, []).append((criterion_id, points or 0))
    tagged: dict[int, tuple[str, int]] = {}  # criterion: its skill and its top level's points
    for rubric_id in {rubric_id for _, rubric_id in latest.values()}:
        for criterion in rubric_table_for(rubric_id=rubric_id).criteria:
            top = max((level.points for level in criterion.levels), default=0)
            if criterion.skill and top:
                tagged[criterion.pk] = (criterion.skill, top)
    levels: dict[int, dict[str, list[float]]] = {}
    for student_id, (grade_id, _rubric_id) in latest.items():
        for criterion_id, points in scores.get(grade_id, ()):
            if criterion_id in tagged:
                skill, top = tagged[criterion_id]
                levels.setdefault(student_id, {}).setdefault(skill, []).append(4 * points / top)
    return levels


def _answered(assignment: Assignment) -> dict[int, tuple[int, ...]]:
    """How many of each skill's questions (in SKILLS order) each student has answered.

    Every answer of the assignment counts: the player takes answers only to the questions of
    modules that ask for written answers (a discussion's prompt is answered by posting)."""
    counts = {skill: Count("pk", filter=Q(question__skill=skill)) for skill, _label in SKILLS}
    return {
        student_id: tuple(numbers)
        for student_id, *numbers in Answer.objects.filter(assignment=assignment)
        .exclude(text="")
        .order_by()
        .values_list("student_id")
        .annotate(**counts)
        .values_list("student_id", *counts)
    }


def _average(levels: list[float] | None) -> float | None:
    return sum(levels) / len(levels) if levels else None


def dashboard_build(assignment: Assignment, *, show: str = "", stuck_days: int = 3) -> Dashboard:
    """Students by modules for one assignment, with per-skill results and a filter applied."""
    # The modules in order, each with its questions' skills (one row per question, or one
    # for a module without any); a discussion's prompt is answered by posting, so only
    # the questions of modules that take written answers are asked.
    modules: list[ModuleHead] = []
    asked = dict.fromkeys((skill for skill, _label in SKILLS), 0)
    for pk, position, title, kind, skill in (
        Module.objects.filter(lesson_id=assignment.lesson_id)
        .order_by("position", "pk")
        .values_list("pk", "position", "title", "kind", "questions__skill")
    ):
        if not modules or modules[-1].pk != pk:
            modules.append(ModuleHead(pk, position, title))
        if kind in ANSWERED_KINDS and skill in asked:
            asked[skill] += 1
    students = _students(assignment.classroom_id)
    if not assignment.for_whole_class:
        given = set(recipient_ids(assignment, [student.pk for student in students]))
        students = [student for student in students if student.pk in given]
    dates = class_dates(assignment)
    late_hand_ins = set(
        Submission.objects.filter(assignment=assignment, late=True)
        .exclude(status=Submission.Status.DRAFT)
        .values_list("student_id", flat=True)
    )
    progress: dict[int, dict[int, Cell]] = {}
    for student_id, module_id, state, minute in (
        Progress.objects.filter(assignment=assignment)
        .order_by()
        .annotate(minute=EpochMinute("last_activity_at"))
        .values_list("student_id", "module_id", "state", "minute")
    ):
        progress.setdefault(student_id, {})[module_id] = (state, minute)
    answered = _answered(assignment)
    skill_levels = _skill_levels(assignment)

    # Stuck: no activity in the last `stuck_days` (or none since the lesson opened for the
    # student), to the minute.
    stuck_before = int((timezone.now() - timedelta(days=stuck_days)).timestamp()) // 60
    opened = int((assignment.opens_at or assignment.created_at).timestamp()) // 60
    # A student with their own open date has had the lesson since then, not the class's.
    own_opened = {
        pk: int((own.opens_at or assignment.created_at).timestamp()) // 60
        for pk, own in dates.items()
    }
    now = timezone.now()
    module_ids = [m.pk for m in modules]
    module_count = len(modules)
    nothing_answered = (0,) * len(SKILLS)
    # Many students share their results: each distinct set is made once.
    results_of: dict[tuple, dict[str, SkillResult]] = {}
    no_cells = [NOT_STARTED_CELL] * module_count
    states_by_row = []
    rows = []
    for student in students:
        pk = student.pk
        by_module = progress.get(pk)
        if by_module is None:
            cells, complete, last = no_cells, 0, None
        else:
            cells = [by_module.get(module_id, NOT_STARTED_CELL) for module_id in module_ids]
            states = [state for state, _minute in cells]
            states_by_row.append(states)
            complete = states.count(COMPLETE)
            times = [minute for _state, minute in cells if minute is not None]
            last = max(times) if times else None
        finished = complete == module_count
        if last is None:
            is_stuck = not finished and own_opened.get(pk, opened) < stuck_before
        else:
            is_stuck = not finished and last < stuck_before
        levels = skill_levels.get(pk)
        averages = (
            tuple(_average(levels.get(skill)) for skill, _label in SKILLS) if levels else None
        )
        key = (averages, answered.get(pk, nothing_answered))
        skills = results_of.get(key)
        if skills is None:
            skills = results_of[key] = {
                skill: SkillResult(
                    averages[index] if averages else None, key[1][index], asked[skill]
                )
                for index, (skill, _label) in enumerate(SKILLS)
            }
        rows.append(
            StudentRow(
                student=student,
                cells=cells,
                skills=skills,
                complete=complete,
                percent=round(100 * complete / module_count) if module_count else 0,
                last_minute=last,
                is_late=(dates.of(pk).is_overdue(now) and not finished) or pk in late_hand_ins,
                is_stuck=is_stuck,
            )
        )
    # Each module's column of states, counted at once.
    completed = [column.count(COMPLETE) for column in zip(*states_by_row, strict=True)]
    if not states_by_row:
        completed = [0] * module_count

    shown = rows
    if show == "late":
        shown = [r for r in rows if r.is_late]
    elif show == "not-started":
        shown = [r for r in rows if not r.started]
    elif show == "stuck":
        shown = [r for r in rows if r.is_stuck]
    module_percent = [round(100 * count / len(rows)) if rows else 0 for count in completed]
    class_skills = {}
    for skill, _ in SKILLS:
        levels = [r.skills[skill].level for r in rows if r.skills[skill].level is not None]
        class_skills[skill] = sum(levels) / len(levels) if levels else None
    own_dates = sum(1 for student in students if student.pk in dates)
    return Dashboard(assignment, modules, shown, rows, module_percent, class_skills, own_dates)


class GradebookCell(NamedTuple):
    status: str  # missing, late, submitted, graded, returned, or unassigned
    points: int | None
    # The student's own due date where it differs from the assignment's (None: no due date).
    own_due: bool = False
    due_at: datetime | None = None


MISSING = GradebookCell("missing", None)
# An assignment given only to some students, none of whose work this student has handed in.
UNASSIGNED = GradebookCell("unassigned", None)


@dataclass
class GradebookRow:
    student: Student
    cells: list[GradebookCell]


def _points_possible(assignments: list[Assignment]) -> dict[int, int]:
    """Each lesson's written assignment's rubric total, by lesson id."""
    rubric_of: dict[int, int | None] = {}
    for lesson_id, rubric_id in (
        Module.objects.filter(
            lesson_id__in={a.lesson_id for a in assignments}, kind=Module.Kind.ASSIGNMENT
        )
        .order_by("lesson", "position")
        .values_list("lesson_id", "rubric_id")
    ):
        rubric_of.setdefault(lesson_id, rubric_id)
    totals: dict[int, int] = {}
    for rubric_id, _criterion, top in (
        Level.objects.filter(criterion__rubric_id__in={r for r in rubric_of.values() if r})
        .order_by()
        .values_list("criterion__rubric_id", "criterion_id")
        .annotate(top=Max("points"))
    ):
        totals[rubric_id] = totals.get(rubric_id, 0) + top
    return {
        lesson_id: totals.get(rubric_id, 0)
        for lesson_id, rubric_id in rubric_of.items()
        if rubric_id
    }


def gradebook_build(classroom: Classroom) -> tuple[list[Assignment], list[GradebookRow]]:
    """Students by assignments with each one's status and points; "unassigned" where the
    assignment is given to some students only, not this one, and nothing of theirs is handed
    in; a student's own due date where it differs from the assignment's.

    Each assignment carries `points_possible`: its written assignment's rubric total, or None.
    """
    assignments = list(
        Assignment.objects.active()
        .filter(classroom=classroom)
        .select_related("lesson")
        .order_by("due_at", "pk")
    )
    possible = _points_possible(assignments)
    for assignment in assignments:
        assignment.points_possible = possible.get(assignment.lesson_id)
    students = _students(classroom.pk)
    ids = [a.pk for a in assignments]
    recipients = recipients_by_assignment(assignments)
    own = own_dates_by_assignment(ids)
    # (student, assignment): status, late, grade, override, rubric of the latest version.
    latest: dict[tuple[int, int], tuple] = {}
    for student_id, assignment_id, *version in (
        SubmissionVersion.objects.filter(submission__assignment_id__in=ids)
        .order_by("number")
        .values_list(
            "submission__student_id",
            "submission__assignment_id",
            "submission__status",
            "late",
            "grade__id",
            "grade__override_points",
            "grade__rubric_id",
        )
    ):
        latest[(student_id, assignment_id)] = version
    current = {version[2] for version in latest.values() if version[2] is not None}
    chosen: dict[int, set[int]] = {}
    points: dict[int, int] = {}
    for grade_id, criterion_id, score in (
        CriterionScore.objects.filter(
            grade__version__submission__assignment_id__in=ids, level__isnull=False
        )
        .order_by()
        .values_list("grade_id", "criterion_id", "points")
    ):
        if grade_id in current:
            chosen.setdefault(grade_id, set()).add(criterion_id)
            points[grade_id] = points.get(grade_id, 0) + (score or 0)
    criteria: dict[int, set[int]] = {}
    for rubric_id, criterion_id in (
        Criterion.objects.filter(
            rubric_id__in={version[4] for version in latest.values() if version[4]}
        )
        .order_by()
        .values_list("rubric_id", "pk")
    ):
        criteria.setdefault(rubric_id, set()).add(criterion_id)

    def cell(version) -> GradebookCell:
        if version is None:
            return MISSING
        status, late, grade_id, override, rubric_id = version
        if status == Submission.Status.DRAFT:
            return MISSING
        if grade_id is not None:
            total = override if override is not None else points.get(grade_id, 0)
            if status == Submission.Status.RETURNED:
                return GradebookCell("returned", total)
            if chosen.get(grade_id, set()) >= criteria.get(rubric_id, set()):
                return GradebookCell("graded", total)
        return GradebookCell("late" if late else "submitted", None)

    # Who each assignment is given to (None: the whole class) and the students' own dates.
    named = [recipients[pk] for pk in ids]
    class_due = [a.due_at for a in assignments]

    def student_cell(student_id: int, index: int) -> GradebookCell:
        found = cell(latest.get((student_id, ids[index])))
        given = named[index] is None or student_id in named[index]
        if not given and found is MISSING:
            return UNASSIGNED
        dates = own.get((student_id, ids[index]))
        if dates is not None and dates.due_at != class_due[index]:
            return found._replace(own_due=True, due_at=dates.due_at)
        return found

    # Most students have no own dates: their row is made without looking for any.
    has_own = {student_id for student_id, _assignment_id in own}
    some = [index for index, names in enumerate(named) if names is not None]
    positions = range(len(ids))
    rows = []
    for student in students:
        if student.pk in has_own or some:
            cells = [student_cell(student.pk, index) for index in positions]
        else:
            cells = [cell(latest.get((student.pk, pk))) for pk in ids]
        rows.append(GradebookRow(student, cells))
    return assignments, rows
