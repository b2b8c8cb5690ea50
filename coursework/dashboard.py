"""The teacher's progress dashboard and gradebook, built in a fixed number of queries.

Both read plain tuples rather than model instances: a class of 200 has thousands of progress
rows and scores, and building an object for each cost more than the whole rest of the page.
Grades are read from the points each score stored when its level was chosen.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import Classroom, User
from lessons.models import Criterion, Level, Module, Question, Skill

from .grades import CriterionScore, Grade
from .models import Answer, Assignment, Progress, Submission, SubmissionVersion
from .services import ANSWERED_KINDS

SKILLS = [(value, label) for value, label in Skill.choices]
FILTERS = {"late": "Late", "not-started": "Not started", "stuck": "Stuck"}
STATE_LABELS = dict(Progress.State.choices)
COMPLETE = Progress.State.COMPLETE.value
NOT_STARTED = Progress.State.NOT_STARTED.value


class Cell(NamedTuple):
    """One student's state in one module; no time when the module was never opened."""

    state: str
    last_activity_at: datetime | None

    @property
    def started(self) -> bool:
        return self.last_activity_at is not None

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


NOT_STARTED_CELL = Cell(NOT_STARTED, None)


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


@dataclass
class StudentRow:
    student: Student
    cells: list[Cell]
    skills: dict[str, SkillResult] = field(default_factory=dict)
    complete: int = 0
    percent: int = 0
    started: bool = False
    last_activity: datetime | None = None
    is_late: bool = False
    is_stuck: bool = False


@dataclass
class Dashboard:
    assignment: Assignment
    modules: list[Module]
    rows: list[StudentRow]
    all_rows: list[StudentRow]
    module_percent: list[int]
    class_skills: dict[str, float | None]
    # When the board would look different with no new work: a student turning late or stuck.
    changes_at: datetime


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


def _top_points(rubric_ids) -> dict[int, int]:
    """Each criterion's highest level's points, for the rubrics named."""
    return dict(
        Level.objects.filter(criterion__rubric_id__in=rubric_ids)
        .order_by()
        .values_list("criterion_id")
        .annotate(top=Max("points"))
    )


def _skill_levels(assignment: Assignment) -> dict[int, dict[str, list[float]]]:
    """Each student's chosen levels on their latest graded version, as 0–4, by skill."""
    latest: dict[int, int] = {}
    rubrics = set()
    for grade_id, student_id, rubric_id in (
        Grade.objects.filter(version__submission__assignment=assignment)
        .order_by("version__number")
        .values_list("pk", "version__submission__student_id", "rubric_id")
    ):
        latest[student_id] = grade_id
        rubrics.add(rubric_id)
    if not latest:
        return {}
    student_of = {grade_id: student_id for student_id, grade_id in latest.items()}
    top = _top_points(rubrics)
    levels: dict[int, dict[str, list[float]]] = {}
    for grade_id, criterion_id, skill, points in (
        CriterionScore.objects.filter(
            grade__version__submission__assignment=assignment, level__isnull=False
        )
        .order_by()
        .values_list("grade_id", "criterion_id", "criterion__skill", "points")
    ):
        student_id = student_of.get(grade_id)
        if student_id is None or not skill or not top.get(criterion_id):
            continue
        by_skill = levels.setdefault(student_id, {})
        by_skill.setdefault(skill, []).append(4 * (points or 0) / top[criterion_id])
    return levels


def dashboard_build(assignment: Assignment, *, show: str = "", stuck_days: int = 3) -> Dashboard:
    """Students by modules for one assignment, with per-skill results and a filter applied."""
    modules = list(assignment.lesson.modules.all())
    students = _students(assignment.classroom_id)
    progress: dict[int, dict[int, Cell]] = {}
    for student_id, module_id, state, last in (
        Progress.objects.filter(assignment=assignment)
        .order_by()
        .values_list("student_id", "module_id", "state", "last_activity_at")
    ):
        progress.setdefault(student_id, {})[module_id] = Cell(state, last)
    late_hand_ins = set(
        Submission.objects.filter(assignment=assignment, late=True)
        .exclude(status=Submission.Status.DRAFT)
        .values_list("student_id", flat=True)
    )
    questions_by_skill: dict[str, int] = {}
    # A discussion's prompt is answered by posting, so only written answers count here.
    questions = Question.objects.filter(
        module__lesson_id=assignment.lesson_id, module__kind__in=ANSWERED_KINDS
    ).values_list("pk", "skill")
    for _pk, skill in questions:
        questions_by_skill[skill] = questions_by_skill.get(skill, 0) + 1
    answered: dict[int, dict[str, int]] = {}
    for student_id, skill, count in (
        # By question ids rather than a join to modules: half the work for the database.
        Answer.objects.filter(assignment=assignment, question_id__in=[pk for pk, _ in questions])
        .exclude(text="")
        .order_by()
        .values_list("student_id", "question__skill")
        .annotate(n=Count("pk"))
    ):
        answered.setdefault(student_id, {})[skill] = count
    skill_levels = _skill_levels(assignment)

    now = timezone.now()
    stuck_before = now - timedelta(days=stuck_days)
    changes = [now + timedelta(days=1)]
    if assignment.due_at and assignment.due_at > now:
        changes.append(assignment.due_at)
    overdue = assignment.is_overdue
    opened = assignment.opens_at or assignment.created_at
    module_ids = [m.pk for m in modules]
    module_count = len(modules)
    rows = []
    for student in students:
        pk = student.pk
        by_module = progress.get(pk, {})
        cells = [by_module.get(module_id, NOT_STARTED_CELL) for module_id in module_ids]
        complete = sum(1 for c in cells if c.state == COMPLETE)
        times = [c.last_activity_at for c in cells if c.last_activity_at is not None]
        last = max(times) if times else None
        finished = complete == module_count
        is_stuck = not finished and (
            (last is not None and last < stuck_before) or (last is None and opened < stuck_before)
        )
        if not finished and not is_stuck:
            changes.append((last or opened) + timedelta(days=stuck_days))
        levels = skill_levels.get(pk, {})
        done = answered.get(pk, {})
        skills = {}
        for skill, _ in SKILLS:
            chosen = levels.get(skill)
            skills[skill] = SkillResult(
                sum(chosen) / len(chosen) if chosen else None,
                done.get(skill, 0),
                questions_by_skill.get(skill, 0),
            )
        rows.append(
            StudentRow(
                student=student,
                cells=cells,
                skills=skills,
                complete=complete,
                percent=round(100 * complete / module_count) if module_count else 0,
                started=bool(times),
                last_activity=last,
                is_late=(overdue and not finished) or pk in late_hand_ins,
                is_stuck=is_stuck,
            )
        )

    shown = rows
    if show == "late":
        shown = [r for r in rows if r.is_late]
    elif show == "not-started":
        shown = [r for r in rows if not r.started]
    elif show == "stuck":
        shown = [r for r in rows if r.is_stuck]
    module_percent = [
        round(100 * sum(1 for r in rows if r.cells[i].state == COMPLETE) / len(rows)) if rows else 0
        for i in range(module_count)
    ]
    class_skills = {}
    for skill, _ in SKILLS:
        levels = [r.skills[skill].level for r in rows if r.skills[skill].level is not None]
        class_skills[skill] = sum(levels) / len(levels) if levels else None
    return Dashboard(
        assignment, modules, shown, rows, module_percent, class_skills, changes_at=min(changes)
    )


class GradebookCell(NamedTuple):
    status: str  # missing, late, submitted, graded, returned
    points: int | None


MISSING = GradebookCell("missing", None)


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
    """Students by assignments with each one's status and points.

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

    rows = [
        GradebookRow(student, [cell(latest.get((student.pk, pk))) for pk in ids])
        for student in students
    ]
    return assignments, rows
