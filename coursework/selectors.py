"""Reads that decide what a student or teacher sees of coursework."""

from dataclasses import astuple, dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.access import classrooms_visible_to
from accounts.models import Enrollment, User
from lessons.models import Lesson, Module, Question, Rubric, Skill

from .dates import assignment_dates, own_dates_by_assignment, recipients_by_assignment
from .grades import CriterionScore, Grade
from .models import (
    Assignment,
    Post,
    Progress,
    Submission,
    SubmissionVersion,
    WorkStamp,
)
from .services import POST_EDIT_WINDOW, has_posted


@dataclass(frozen=True)
class HomeRow:
    """One class the student is in, with one of its active assignments (all None for a
    class without any) and the student's work stamp in it: what the student's home shows
    and its ETag is made from (coursework.freshness)."""

    classroom_pk: int
    classroom_name: str
    classroom_archived: bool
    classroom_stamp: int
    assignment_pk: int | None
    assignment_stamp: int | None
    opens_at: datetime | None
    due_at: datetime | None
    lesson_id: int | None
    lesson_title: str | None
    lesson_status: str | None
    lesson_published_at: datetime | None
    work_stamp: int | None
    for_whole_class: bool | None


def student_home_rows(student: User) -> list[HomeRow]:
    """The rows of a student's home, in one query (the ETag's, so a repeat view costs one
    query) that starts from the classes the student may see (accounts.access): each class's
    active assignments with their lessons, the student's work stamp and own dates in each.
    An assignment given to some students is listed whoever it names: its stamp moves when
    its students change, and given_rows keeps those naming this student for the page.
    Withdrawn assignments are left out here, as Assignment.objects.active() does: a plain
    join costs less to build than a filtered one, and a class whose assignments were all
    withdrawn still has its row."""
    work = WorkStamp.objects.filter(
        student_id=student.pk, assignment_id=OuterRef("assignments__pk")
    ).values_list("stamp")[:1]
    # The student's own dates, where they have them, replace the assignment's (coursework.dates):
    # a LEFT JOIN, which costs less to build than correlated subqueries.
    own = FilteredRelation(
        "assignments__student_dates",
        condition=Q(assignments__student_dates__student_id=student.pk),
    )
    found = (
        classrooms_visible_to(student)
        .annotate(own=own, work=Subquery(work))
        .order_by("pk", "assignments__pk")
        .values_list(
            "pk",
            "name",
            "archived",
            "stamp",
            "assignments__pk",
            "assignments__stamp",
            "assignments__opens_at",
            "assignments__due_at",
            "assignments__lesson_id",
            "assignments__lesson__title",
            "assignments__lesson__status",
            "assignments__lesson__published_at",
            "work",
            "assignments__for_whole_class",
            "assignments__withdrawn_at",
            "own__pk",
            "own__opens_at",
            "own__due_at",
        )
    )
    rows, classes = [], {}
    for *row, withdrawn_at, has_own, own_opens, own_due in found:
        if row[4] is not None and withdrawn_at is None:
            if has_own is not None:
                row[6], row[7] = own_opens, own_due
            rows.append(HomeRow(*row))
        else:
            classes.setdefault(row[0], HomeRow(*row[:4], *[None] * 10))
    shown = {row.classroom_pk for row in rows}
    rows.extend(row for pk, row in classes.items() if pk not in shown)
    return rows


def given_rows(student: User, rows: list[HomeRow]) -> list[HomeRow]:
    """The rows of assignments given to the student: those for the whole class, and those
    naming them (read only when there are others); a class left without any keeps its row."""
    some = [row.assignment_pk for row in rows if row.for_whole_class is False]
    if not some:
        return rows
    named = set(
        Assignment.students.through.objects.filter(
            user_id=student.pk, assignment_id__in=some
        ).values_list("assignment_id", flat=True)
    )
    kept = [row for row in rows if row.for_whole_class is not False or row.assignment_pk in named]
    shown = {row.classroom_pk for row in kept}
    for row in rows:
        if row.classroom_pk not in shown:
            kept.append(HomeRow(*astuple(row)[:4], *[None] * 10))
            shown.add(row.classroom_pk)
    return kept


def class_teachers(stamps: dict[int, int]) -> dict[int, list[str]]:
    """The teachers' names of each class (by pk: its stamp), in the order the User model
    gives. From the shared cache, which the whole class shares, under the class's stamp:
    it changes whenever the class's teachers or their names do (coursework.stamps)."""
    keys = {f"class-teachers:{pk}:{stamp}": pk for pk, stamp in stamps.items()}
    found = cache.get_many(list(keys))
    names = {keys[key]: value for key, value in found.items()}
    missing = [pk for pk in stamps if pk not in names]
    if missing:
        read: dict[int, list[str]] = {pk: [] for pk in missing}
        for classroom_id, first_name, last_name, username in User.objects.filter(
            teaching__in=missing
        ).values_list("teaching", "first_name", "last_name", "username"):
            teacher = User(first_name=first_name, last_name=last_name, username=username)
            read[classroom_id].append(teacher.display_name)
        cache.set_many(
            {f"class-teachers:{pk}:{stamps[pk]}": value for pk, value in read.items()},
            timeout=24 * 3600,
        )
        names.update(read)
    return names


@dataclass
class LessonRow:
    assignment_pk: int
    title: str
    classroom_name: str
    opens_at: datetime | None
    due_at: datetime | None
    modules: int
    complete: int
    started: bool
    now: datetime

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.modules) if self.modules else 0

    @property
    def is_open(self) -> bool:
        return self.opens_at is None or self.opens_at <= self.now

    @property
    def is_complete(self) -> bool:
        return self.modules > 0 and self.complete >= self.modules

    @property
    def is_late(self) -> bool:
        return self.due_at is not None and self.due_at < self.now and not self.is_complete

    @property
    def status(self) -> str:
        if self.is_late:
            return "Late"
        if self.is_complete:
            return "Complete"
        return "In progress" if self.started else "Not started"


@dataclass(frozen=True)
class HomeClass:
    pk: int
    name: str
    archived: bool
    teachers: list[str]


def student_home(student: User, rows: list[HomeRow] | None = None) -> dict:
    """What a student's home shows: `lesson_rows`, their assigned lessons (overdue first, then
    by due date; not-yet-open last), and `classrooms`, their classes with the teachers' names.
    `rows` are student_home_rows' when the caller has read them already."""
    if rows is None:
        rows = student_home_rows(student)
    rows = given_rows(student, rows)
    assigned = [row for row in rows if row.assignment_pk is not None]
    # Counted in plain reads rather than correlated subqueries, which cost more to build
    # than to run.
    module_totals: dict[int, int] = {}
    complete: dict[int, int] = {}
    started: set[int] = set()
    if assigned:
        module_totals = _module_counts(
            {row.lesson_id: (row.lesson_status, row.lesson_published_at) for row in assigned}
        )
        for assignment_id, state in Progress.objects.filter(
            student=student, assignment_id__in=[row.assignment_pk for row in assigned]
        ).values_list("assignment_id", "state"):
            started.add(assignment_id)
            if state == Progress.State.COMPLETE:
                complete[assignment_id] = complete.get(assignment_id, 0) + 1
    now = timezone.now()
    lesson_rows = [
        LessonRow(
            row.assignment_pk,
            row.lesson_title,
            row.classroom_name,
            row.opens_at,
            row.due_at,
            module_totals.get(row.lesson_id, 0),
            complete.get(row.assignment_pk, 0),
            row.assignment_pk in started,
            now,
        )
        for row in assigned
    ]
    far = now.replace(year=9999)
    lesson_rows.sort(key=lambda r: (not r.is_open, not r.is_late, r.is_complete, r.due_at or far))
    classes: dict[int, HomeRow] = {row.classroom_pk: row for row in rows}
    teachers = class_teachers({pk: row.classroom_stamp for pk, row in classes.items()})
    classrooms = [
        HomeClass(row.classroom_pk, row.classroom_name, row.classroom_archived, teachers[pk])
        for pk, row in classes.items()
    ]
    classrooms.sort(key=lambda c: (c.archived, c.name, c.pk))
    return {"lesson_rows": lesson_rows, "classrooms": classrooms}


@dataclass(frozen=True)
class Speaker:
    speaker: str


@dataclass(frozen=True)
class QuestionShown:
    """A guiding question as the player shows it. coursework/answers_form.html reads it as it
    reads a Question (the lesson preview passes those): pk, text, its skill's label and the
    speaker of the excerpt it is about."""

    pk: int
    text: str
    skill: str
    excerpt: Speaker | None

    def get_skill_display(self) -> str:
        return Skill(self.skill).label


@dataclass(frozen=True)
class LessonOutline:
    """What the player shows of a lesson on every page: its modules in order (with just the
    fields the navigation shows) and each module's guiding questions."""

    modules: list[Module]
    questions: dict[int, tuple[tuple[int, str, str, str | None], ...]]

    def module_at(self, position: int) -> Module | None:
        return next((m for m in self.modules if m.position == position), None)

    def question_rows_of(self, module: Module) -> list[Question]:
        """The module's questions as Question instances of the stored rows (text and skill
        loaded, `module` set), for the forms and services that take Questions."""
        questions = []
        for pk, text, skill, _ in self.questions.get(module.pk, ()):
            question = Question.from_db(
                None, ["id", "module_id", "text", "skill"], [pk, module.pk, text, skill]
            )
            question.module = module
            questions.append(question)
        return questions

    def questions_of(self, module: Module) -> list[QuestionShown]:
        return [
            QuestionShown(pk, text, skill, None if speaker is None else Speaker(speaker))
            for pk, text, skill, speaker in self.questions.get(module.pk, ())
        ]


# Changes whenever LessonOutline's fields change, so no process reads one of another shape.
OUTLINE_SHAPE = 1


def _outline_read(lesson_id: int) -> LessonOutline:
    modules = list(
        Module.objects.filter(lesson_id=lesson_id)
        .order_by("position")
        .only("pk", "position", "title", "kind", "lesson_id")
    )
    questions: dict[int, list] = {}
    for module_id, *row in Question.objects.filter(module__lesson_id=lesson_id).values_list(
        "module_id", "pk", "text", "skill", "excerpt__speaker"
    ):
        questions.setdefault(module_id, []).append(tuple(row))
    return LessonOutline(modules, {pk: tuple(rows) for pk, rows in questions.items()})


def _outline_key(lesson_id: int, status: str, published_at: datetime | None) -> str | None:
    """The shared cache's key for a lesson's outline; None for a lesson that may still change."""
    if status == Lesson.Status.DRAFT or published_at is None:
        return None
    return f"lesson-outline:{lesson_id}:{published_at.timestamp()}:{OUTLINE_SHAPE}"


def _module_counts(lessons: dict[int, tuple[str, datetime | None]]) -> dict[int, int]:
    """How many modules each lesson (by id: its status and publication time) has, from the
    outlines in the shared cache, the rest counted in one grouped read."""
    keys = {}
    for lesson_id, (status, published_at) in lessons.items():
        if key := _outline_key(lesson_id, status, published_at):
            keys[key] = lesson_id
    counts = {keys[key]: len(o.modules) for key, o in cache.get_many(list(keys)).items()}
    missing = lessons.keys() - counts.keys()
    if missing:
        counts.update(
            Module.objects.filter(lesson_id__in=missing)
            .order_by()
            .values_list("lesson_id")
            .annotate(n=Count("pk"))
        )
    return counts


def lesson_outline(lesson: Lesson) -> LessonOutline:
    """The lesson's outline; from the shared cache once a page has read it, for a lesson that
    has been published: such a lesson is never edited in place (a change is a new version),
    so its pk and publication time name one outline for good."""
    key = _outline_key(lesson.pk, lesson.status, lesson.published_at)
    if key is None:
        return _outline_read(lesson.pk)
    outline = cache.get(key)
    if outline is None:
        outline = _outline_read(lesson.pk)
        cache.set(key, outline, timeout=7 * 24 * 3600)
    return outline


def module_states(assignment: Assignment, student: User) -> dict[int, Progress]:
    return {p.module_id: p for p in Progress.objects.filter(assignment=assignment, student=student)}


def class_assignments(classroom) -> list[Assignment]:
    """Active assignments of a class for its page: who finished, what waits, who is late."""
    assignments = list(
        Assignment.objects.active()
        .filter(classroom=classroom)
        .select_related("lesson")
        .prefetch_related("lesson__modules")
        .annotate(module_total=Count("lesson__modules", distinct=True))
        .order_by("due_at", "pk")
    )
    if not assignments:
        return assignments
    students = {
        e.student_id: e.student
        for e in Enrollment.objects.active().filter(classroom=classroom).select_related("student")
    }
    finished: dict[int, set[int]] = {a.pk: set() for a in assignments}
    totals = {a.pk: a.module_total for a in assignments}
    for assignment_id, student_id, complete in (
        Progress.objects.filter(assignment__in=assignments, state=Progress.State.COMPLETE)
        .values_list("assignment_id", "student_id")
        .annotate(n=Count("pk"))
    ):
        if complete >= totals[assignment_id]:
            finished[assignment_id].add(student_id)
    waiting: dict[int, int] = {}
    handed_in = Submission.objects.filter(
        assignment__in=assignments, status=Submission.Status.SUBMITTED
    ).prefetch_related("versions__grade__scores", "versions__grade__rubric__criteria")
    for submission in handed_in:
        versions = list(submission.versions.all())
        grade = getattr(versions[-1], "grade", None) if versions else None
        if grade is None or not grade.is_complete:
            waiting[submission.assignment_id] = waiting.get(submission.assignment_id, 0) + 1
    late_submitters: dict[int, set[int]] = {a.pk: set() for a in assignments}
    for assignment_id, student_id in Submission.objects.filter(
        assignment__in=assignments, late=True
    ).values_list("assignment_id", "student_id"):
        late_submitters[assignment_id].add(student_id)
    # Who each is given to, and the students' own dates (coursework.dates).
    named = recipients_by_assignment(assignments)
    own = own_dates_by_assignment(a.pk for a in assignments)
    now = timezone.now()
    for assignment in assignments:
        given = students.keys() if named[assignment.pk] is None else named[assignment.pk]
        assignment.recipients = sorted(
            (students[i] for i in given if i in students), key=lambda u: u.display_name
        )
        assignment.own_dates_count = sum(1 for _s, a in own if a == assignment.pk)
        done = finished[assignment.pk] & students.keys()
        assignment.finished_count = len(done)
        assignment.waiting_count = waiting.get(assignment.pk, 0)
        late_ids = set(late_submitters[assignment.pk])
        default = assignment_dates(assignment)
        late_ids |= {
            i
            for i in given
            if i in students
            and i not in done
            and own.get((i, assignment.pk), default).is_overdue(now)
        }
        assignment.late_students = sorted(
            (students[i] for i in late_ids if i in students), key=lambda u: u.display_name
        )
    return assignments


def assignment_module_of(*, assignment: Assignment) -> Module:
    """The lesson's written assignment; 404 when the lesson has none."""
    module = assignment.lesson.modules.filter(kind=Module.Kind.ASSIGNMENT).first()
    if module is None:
        raise Http404("This lesson has no written assignment")
    return module


def grading_queue_for(*, assignment: Assignment) -> tuple[Module, list[Submission]]:
    """The assignment's writing module and its handed-in work in grading order, each with
    `current_grade`: the grade of its latest version (None before grading starts).

    404 when the lesson has no written assignment."""
    module = assignment_module_of(assignment=assignment)
    submissions = list(
        Submission.objects.filter(assignment=assignment, module=module)
        .exclude(status=Submission.Status.DRAFT)
        .select_related("student")
        .order_by("submitted_at", "pk")
    )
    versions = (
        SubmissionVersion.objects.filter(submission__in=submissions)
        .select_related("grade")
        .prefetch_related(
            Prefetch("grade__scores", queryset=CriterionScore.objects.select_related("level")),
            "grade__rubric__criteria",
        )
        .order_by("number")
    )
    latest = {v.submission_id: getattr(v, "grade", None) for v in versions}
    for submission in submissions:
        submission.current_grade = latest.get(submission.pk)
    submissions.sort(
        key=lambda s: grading_rank_of(
            status=s.status, graded=s.current_grade is not None and s.current_grade.is_complete
        )
    )
    return module, submissions


@dataclass(frozen=True)
class QueuePlace:
    """Where one submission stands in its grading queue."""

    previous_pk: int | None
    next_pk: int | None
    position: int
    length: int


def grading_rank_of(*, status: str, graded: bool) -> int:
    """Ungraded (or partly graded) first, then graded not returned, returned, revisions.

    An opened but unscored grade is still ungraded: only a complete grade counts."""
    if status == Submission.Status.SUBMITTED:
        return 1 if graded else 0
    return 2 if status == Submission.Status.RETURNED else 3


def grade_returned_for(*, submission: Submission) -> Grade | None:
    """The grade of the latest returned version; grades not yet returned stay hidden."""
    return (
        Grade.objects.filter(version__submission=submission, returned_at__isnull=False)
        .select_related("rubric")
        .prefetch_related("scores__criterion", "scores__level", "rubric__criteria__levels")
        .order_by("-version__number")
        .first()
    )


def discussion_for_student(*, assignment: Assignment, module: Module, student: User) -> dict:
    """What a student sees of a discussion: nothing of classmates' posts before their own,
    then every post, with which are theirs and which they may still edit."""
    posted = has_posted(assignment=assignment, student=student, module=module)
    posts = []
    if posted:
        posts = list(
            Post.objects.filter(assignment=assignment, module=module, parent__isnull=True)
            .select_related("author")
            .prefetch_related("replies__author")
        )
    own = [p for p in posts if p.author_id == student.pk]
    edit_until = timezone.now() - POST_EDIT_WINDOW
    return {
        "posted": posted,
        "posts": posts,
        "own_post_ids": {p.pk for p in own},
        "editable_ids": {p.pk for p in own if p.created_at > edit_until},
    }


@dataclass(frozen=True)
class LevelRow:
    pk: int
    title: str
    points: int
    description: str


@dataclass(frozen=True)
class CriterionRow:
    pk: int
    title: str
    skill: str
    skill_label: str
    levels: tuple[LevelRow, ...]


@dataclass(frozen=True)
class RubricTable:
    """What the grading screen shows of a rubric: its title, criteria, levels and total."""

    pk: int
    title: str
    criteria: tuple[CriterionRow, ...]

    @property
    def max_points(self) -> int:
        return sum(max((lv.points for lv in c.levels), default=0) for c in self.criteria)


# Changes whenever RubricTable's fields change, so no process reads a table of another shape.
RUBRIC_TABLE_SHAPE = 1


def rubric_table_for(*, rubric_id: int) -> RubricTable:
    """The rubric as a table, from the shared cache when another page already read it.

    Only for a rubric a grade holds: such a rubric is frozen (lessons.models refuses any
    change to it, its criteria or its levels), so its pk names one content for good."""
    key = f"rubric-table:{rubric_id}:{RUBRIC_TABLE_SHAPE}"
    table = cache.get(key)
    if table is None:
        rubric = Rubric.objects.prefetch_related("criteria__levels").get(pk=rubric_id)
        table = RubricTable(
            pk=rubric.pk,
            title=rubric.title,
            criteria=tuple(
                CriterionRow(
                    pk=c.pk,
                    title=c.title,
                    skill=c.skill,
                    skill_label=c.get_skill_display() if c.skill else "",
                    levels=tuple(
                        LevelRow(lv.pk, lv.title, lv.points, lv.description)
                        for lv in c.levels.all()
                    ),
                )
                for c in rubric.criteria.all()
            ),
        )
        cache.set(key, table, timeout=7 * 24 * 3600)
    return table
