"""The teacher's progress dashboard and gradebook, built in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from accounts.models import Classroom, Enrollment, User
from lessons.models import Module, Question, Skill

from .grades import CriterionScore, Grade
from .models import Answer, Assignment, Progress, Submission, SubmissionVersion
from .services import ANSWERED_KINDS

SKILLS = [(value, label) for value, label in Skill.choices]
FILTERS = {"late": "Late", "not-started": "Not started", "stuck": "Stuck"}


@dataclass
class Cell:
    module: Module
    progress: Progress | None

    @property
    def state(self) -> str:
        return self.progress.state if self.progress else Progress.State.NOT_STARTED


@dataclass
class SkillResult:
    level: float | None  # average rubric level, on a 0–4 scale
    answered: int
    asked: int


@dataclass
class StudentRow:
    student: User
    cells: list[Cell]
    submission: Submission | None = None
    skills: dict[str, SkillResult] = field(default_factory=dict)
    is_late: bool = False
    is_stuck: bool = False

    @property
    def complete(self) -> int:
        return sum(1 for c in self.cells if c.state == Progress.State.COMPLETE)

    @property
    def percent(self) -> int:
        return round(100 * self.complete / len(self.cells)) if self.cells else 0

    @property
    def started(self) -> bool:
        return any(c.progress for c in self.cells)

    @property
    def last_activity(self):
        times = [c.progress.last_activity_at for c in self.cells if c.progress]
        return max(times) if times else None


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


def _graded_scores(assignment: Assignment) -> dict[int, list[CriterionScore]]:
    """Each student's scores on their latest graded version."""
    grades = (
        Grade.objects.filter(version__submission__assignment=assignment)
        .select_related("version__submission")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related(
                    "criterion", "level"
                ).prefetch_related("criterion__levels"),
            )
        )
        .order_by("version__number")
    )
    latest: dict[int, Grade] = {}
    for grade in grades:
        latest[grade.version.submission.student_id] = grade
    return {student: list(grade.scores.all()) for student, grade in latest.items()}


def _skill_results(scores, questions_by_skill, answered_by_skill) -> dict[str, SkillResult]:
    results = {}
    for skill, _ in SKILLS:
        levels = [
            4 * (s.points or 0) / max(lv.points for lv in s.criterion.levels.all())
            for s in scores
            if s.level_id and s.criterion.skill == skill
        ]
        results[skill] = SkillResult(
            level=sum(levels) / len(levels) if levels else None,
            answered=answered_by_skill.get(skill, 0),
            asked=questions_by_skill.get(skill, 0),
        )
    return results


def dashboard_build(assignment: Assignment, *, show: str = "", stuck_days: int = 3) -> Dashboard:
    """Students by modules for one assignment, with per-skill results and a filter applied."""
    modules = list(assignment.lesson.modules.all())
    students = [
        e.student
        for e in Enrollment.objects.active()
        .filter(classroom_id=assignment.classroom_id)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__username")
    ]
    progress: dict[tuple[int, int], Progress] = {
        (p.student_id, p.module_id): p for p in Progress.objects.filter(assignment=assignment)
    }
    submissions = {
        s.student_id: s
        for s in Submission.objects.filter(assignment=assignment).exclude(status="draft")
    }
    questions_by_skill = dict(
        # A discussion's prompt is answered by posting, so only written answers count here.
        Question.objects.filter(
            module__lesson_id=assignment.lesson_id, module__kind__in=ANSWERED_KINDS
        )
        .values_list("skill")
        .annotate(n=Count("pk"))
    )
    answered: dict[int, dict[str, int]] = {}
    for student_id, skill, count in (
        Answer.objects.filter(assignment=assignment, question__module__kind__in=ANSWERED_KINDS)
        .exclude(text="")
        .values_list("student_id", "question__skill")
        .annotate(n=Count("pk"))
    ):
        answered.setdefault(student_id, {})[skill] = count
    scores = _graded_scores(assignment)

    now = timezone.now()
    stuck_before = now - timedelta(days=stuck_days)
    changes = [now + timedelta(days=1)]
    if assignment.due_at and assignment.due_at > now:
        changes.append(assignment.due_at)
    rows = []
    for student in students:
        row = StudentRow(
            student=student,
            cells=[Cell(m, progress.get((student.pk, m.pk))) for m in modules],
            submission=submissions.get(student.pk),
        )
        finished = row.complete == len(modules)
        row.is_late = (assignment.is_overdue and not finished) or bool(
            row.submission and row.submission.late
        )
        last = row.last_activity
        opened = assignment.opens_at or assignment.created_at
        row.is_stuck = not finished and (
            (last is not None and last < stuck_before) or (last is None and opened < stuck_before)
        )
        if not finished and not row.is_stuck:
            changes.append((last or opened) + timedelta(days=stuck_days))
        row.skills = _skill_results(
            scores.get(student.pk, []), questions_by_skill, answered.get(student.pk, {})
        )
        rows.append(row)

    shown = rows
    if show == "late":
        shown = [r for r in rows if r.is_late]
    elif show == "not-started":
        shown = [r for r in rows if not r.started]
    elif show == "stuck":
        shown = [r for r in rows if r.is_stuck]
    module_percent = [
        round(100 * sum(1 for r in rows if r.cells[i].state == "complete") / len(rows))
        if rows
        else 0
        for i in range(len(modules))
    ]
    class_skills = {}
    for skill, _ in SKILLS:
        levels = [r.skills[skill].level for r in rows if r.skills[skill].level is not None]
        class_skills[skill] = sum(levels) / len(levels) if levels else None
    return Dashboard(
        assignment, modules, shown, rows, module_percent, class_skills, changes_at=min(changes)
    )


@dataclass
class GradebookCell:
    status: str  # missing, late, submitted, graded, returned
    points: int | None


@dataclass
class GradebookRow:
    student: User
    cells: list[GradebookCell]


def gradebook_build(classroom: Classroom) -> tuple[list[Assignment], list[GradebookRow]]:
    """Students by assignments with each one's status and points."""
    assignments = list(
        Assignment.objects.active()
        .filter(classroom=classroom)
        .select_related("lesson")
        .prefetch_related("lesson__modules__rubric__criteria__levels")
        .order_by("due_at", "pk")
    )
    students = [
        e.student
        for e in Enrollment.objects.active()
        .filter(classroom=classroom)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__username")
    ]
    versions = (
        SubmissionVersion.objects.filter(submission__assignment__in=assignments)
        .select_related("submission", "grade")
        .prefetch_related("grade__scores__level", "grade__rubric__criteria")
        .order_by("number")
    )
    latest: dict[tuple[int, int], SubmissionVersion] = {}
    for version in versions:
        latest[(version.submission.student_id, version.submission.assignment_id)] = version
    rows = []
    for student in students:
        cells = []
        for assignment in assignments:
            version = latest.get((student.pk, assignment.pk))
            cells.append(_gradebook_cell(version))
        rows.append(GradebookRow(student, cells))
    return assignments, rows


def _gradebook_cell(version: SubmissionVersion | None) -> GradebookCell:
    if version is None or version.submission.status == Submission.Status.DRAFT:
        return GradebookCell("missing", None)
    grade = getattr(version, "grade", None)
    if version.submission.status == Submission.Status.RETURNED and grade:
        return GradebookCell("returned", grade.points)
    if grade is not None and grade.is_complete:
        return GradebookCell("graded", grade.points)
    return GradebookCell("late" if version.late else "submitted", None)
