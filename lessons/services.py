"""Publishing lessons and making new versions of them."""

from django.db import transaction
from django.utils import timezone

from .models import Criterion, Excerpt, Lesson, Level, Module, Question, Rubric, SourcedFact


class PublishRefused(Exception):
    """The lesson stays a draft; `problems` lists what must be fixed first."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def lesson_publish_problems(*, lesson: Lesson) -> list[str]:
    """What stops this lesson from being published; empty when it may be."""
    problems = []
    if lesson.status != Lesson.Status.DRAFT:
        problems.append(f"“{lesson.title}” is {lesson.get_status_display().lower()}, not a draft.")
    modules = list(lesson.modules.select_related("rubric"))
    if not modules:
        problems.append(f"“{lesson.title}” has no modules.")
    excerpts = Excerpt.objects.filter(module__lesson=lesson).select_related("document", "module")
    for excerpt in excerpts:
        if not excerpt.has_source_span:
            problems.append(
                f"Module {excerpt.module.position} “{excerpt.module.title}”: the excerpt "
                f"“{excerpt.text[:50]}…” ({excerpt.speaker}) has no source span in "
                f"{excerpt.document.title}."
            )
    for module in modules:
        if module.kind == Module.Kind.ASSIGNMENT and module.rubric is None:
            problems.append(
                f"Module {module.position} “{module.title}” is a written assignment "
                "without a rubric."
            )
    return problems


def lesson_publish(*, lesson: Lesson) -> None:
    """Publish a draft lesson, or raise PublishRefused naming every problem."""
    problems = lesson_publish_problems(lesson=lesson)
    if problems:
        raise PublishRefused(problems)
    lesson.status = Lesson.Status.PUBLISHED
    lesson.published_at = timezone.now()
    lesson.save(update_fields=["status", "published_at"])


def lesson_archive(*, lesson: Lesson) -> None:
    lesson.status = Lesson.Status.ARCHIVED
    lesson.save(update_fields=["status"])


def rubric_create(*, title: str, criteria: list[dict]) -> Rubric:
    """A rubric from plain data: criteria with title, skill, description and levels
    (each with title, points and description), best level first."""
    rubric = Rubric.objects.create(title=title[:200])
    for position, item in enumerate(criteria, start=1):
        criterion = Criterion.objects.create(
            rubric=rubric,
            position=position,
            title=item["title"],
            description=item.get("description", ""),
            skill=item.get("skill", ""),
        )
        Level.objects.bulk_create(
            Level(
                criterion=criterion,
                position=index,
                title=level["title"],
                points=level["points"],
                description=level["description"],
            )
            for index, level in enumerate(item["levels"], start=1)
        )
    return rubric


def rubric_copy(*, rubric: Rubric, title: str | None = None) -> Rubric:
    """A new rubric with the same criteria and levels, free to edit."""
    copy = Rubric.objects.create(title=title or rubric.title)
    for criterion in rubric.criteria.prefetch_related("levels"):
        levels = list(criterion.levels.all())
        criterion.pk = None
        criterion.rubric = copy
        criterion.save()
        for level in levels:
            level.pk = None
            level.criterion = criterion
        Level.objects.bulk_create(levels)
    return copy


@transaction.atomic
def lesson_new_version(*, lesson: Lesson) -> Lesson:
    """A draft copy of a lesson, so work done against the original keeps its meaning."""
    latest = (
        Lesson.objects.filter(slug=lesson.slug).order_by("-version").first()
        if lesson.slug
        else None
    )
    copy = Lesson.objects.get(pk=lesson.pk)
    copy.pk = None
    copy.status = Lesson.Status.DRAFT
    copy.published_at = None
    copy.version = (latest.version if latest else lesson.version) + 1
    copy.previous_version = lesson
    copy.save()
    copy.documents.set(lesson.documents.all())
    rubrics: dict[int, Rubric] = {}
    for module in lesson.modules.prefetch_related("excerpts__questions", "questions", "facts"):
        excerpts = list(module.excerpts.all())
        questions = list(module.questions.all())
        facts = list(module.facts.all())
        module.pk = None
        module.lesson = copy
        if module.rubric_id:
            if module.rubric_id not in rubrics:
                rubrics[module.rubric_id] = rubric_copy(rubric=module.rubric)
            module.rubric = rubrics[module.rubric_id]
        module.save()
        new_excerpts = {}
        for excerpt in excerpts:
            old_pk = excerpt.pk
            excerpt.pk = None
            excerpt.module = module
            excerpt.save()
            new_excerpts[old_pk] = excerpt
        for question in questions:
            question.pk = None
            question.module = module
            question.excerpt = new_excerpts.get(question.excerpt_id)
        Question.objects.bulk_create(questions)
        for fact in facts:
            fact.pk = None
            fact.module = module
        SourcedFact.objects.bulk_create(facts)
    return copy
