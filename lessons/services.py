"""Publishing lessons and making new versions of them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, TextField, Value, When
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Criterion,
    Excerpt,
    Lesson,
    Level,
    Module,
    Question,
    Rubric,
    SourcedFact,
    SourceDocument,
)


class Problem(str):
    """One reason a lesson can't be published, worded for the author, with where to fix it:
    `field` names a lesson field, `module_id` a module (and `anchor` a part of it)."""

    field: str | None
    module_id: int | None
    anchor: str | None

    def __new__(cls, text: str, *, field=None, module_id=None, anchor=None):
        problem = super().__new__(cls, text)
        problem.field, problem.module_id, problem.anchor = field, module_id, anchor
        return problem


class PublishRefused(Exception):
    """The lesson stays a draft; `problems` lists what must be fixed first."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problems))
        self.problems = problems


# Kinds whose students answer or post: without a question or prompt there is nothing to do.
KINDS_NEEDING_QUESTIONS = {
    Module.Kind.DOCUMENT_STUDY: "guiding question",
    Module.Kind.CORROBORATION: "compare question",
    Module.Kind.DISCUSSION: "discussion prompt",
}
KINDS_NEEDING_EXCERPTS = {Module.Kind.DOCUMENT_STUDY, Module.Kind.CORROBORATION}


def _lesson_field_problems(lesson: Lesson) -> list[Problem]:
    problems = []
    if lesson.status != Lesson.Status.DRAFT:
        problems.append(
            Problem(f"“{lesson.title}” is {lesson.get_status_display().lower()}, not a draft.")
        )
    required = [
        ("title", "The lesson has no title."),
        ("slug", "The lesson has no slug (the short name every version of it shares)."),
        ("central_question", "The lesson has no central question."),
        ("grade_band", "The lesson has no grade band."),
    ]
    for field, text in required:
        if not getattr(lesson, field).strip():
            problems.append(Problem(text, field=field))
    if lesson.estimated_minutes < 1:
        problems.append(
            Problem(
                "The lesson's estimated time must be at least a minute.", field="estimated_minutes"
            )
        )
    return problems


def _module_problems(module: Module, lesson_documents: set[int]) -> list[Problem]:
    where = f"Module {module.position} “{module.title}”"
    problems = []

    def add(text: str, anchor: str | None = None) -> None:
        problems.append(Problem(f"{where}: {text}", module_id=module.pk, anchor=anchor))

    if not module.title.strip():
        add("it has no title.")
    questions = list(module.questions.all())
    excerpts = list(module.excerpts.all())
    if module.kind in KINDS_NEEDING_QUESTIONS and not questions:
        add(f"it has no {KINDS_NEEDING_QUESTIONS[module.kind]}.", "questions")
    if module.kind in KINDS_NEEDING_EXCERPTS and not excerpts:
        add("it has no excerpts to study.", "excerpts")
    if module.kind == Module.Kind.BACKGROUND and not (module.body.strip() or excerpts):
        add("it has neither a reading nor excerpts.")
    if module.kind == Module.Kind.ASSIGNMENT:
        if module.rubric_id is None:
            problems.append(
                Problem(
                    f"{where} is a written assignment without a rubric.",
                    module_id=module.pk,
                    anchor="rubric",
                )
            )
        if not module.body.strip():
            add("the written assignment has no instructions.")
        if module.points < 1:
            add("the written assignment is worth no points.")
    for question in questions:
        if not question.text.strip():
            add(f"question {question.position} has no text.", "questions")
    for excerpt in excerpts:
        words = excerpt.text if len(excerpt.text) <= 50 else f"{excerpt.text[:50]}…"
        label = f"the excerpt “{words}” ({excerpt.speaker})"
        if not excerpt.has_source_span:
            add(
                f"{label} has no source span in {excerpt.document.title}: its words no longer "
                "match the document.",
                f"excerpt-{excerpt.pk}",
            )
        if excerpt.document_id not in lesson_documents:
            add(
                f"{label} comes from {excerpt.document.title}, which is not one of the "
                "lesson's documents.",
                f"excerpt-{excerpt.pk}",
            )
    for fact in module.facts.all():
        if fact.end > len(fact.document.cleaned_text):
            add(f"the fact “{fact.label}” points past the end of {fact.document.title}.")
    return problems


def lesson_publish_problems(*, lesson: Lesson) -> list[Problem]:
    """What stops this lesson from being published; empty when it may be. A fixed number
    of queries however many modules, excerpts and questions the lesson has, and each
    document's text read once however many excerpts and facts point into it."""
    problems = _lesson_field_problems(lesson)
    excerpts = Excerpt.objects.only(
        "pk", "module_id", "text", "speaker", "start", "end", "document_id"
    )
    facts = SourcedFact.objects.only("pk", "module_id", "label", "end", "document_id")
    modules = list(
        lesson.modules.order_by("position").prefetch_related(
            Prefetch("excerpts", queryset=excerpts),
            Prefetch(
                "questions", queryset=Question.objects.only("pk", "module_id", "text", "position")
            ),
            Prefetch("facts", queryset=facts),
        )
    )
    if not modules:
        problems.append(Problem(f"“{lesson.title}” has no modules."))
    pointing = [
        item for module in modules for item in [*module.excerpts.all(), *module.facts.all()]
    ]
    documents = _documents_pointed_at(lesson, {item.document_id for item in pointing})
    for item in pointing:
        item.document = documents[item.document_id]
    in_lesson = {pk for pk, document in documents.items() if document.in_lesson}
    for module in modules:
        problems += _module_problems(module, in_lesson)
    return problems


def _documents_pointed_at(lesson: Lesson, used: set[int]) -> dict[int, SourceDocument]:
    """The lesson's documents and those its excerpts and facts point into, each marked
    `in_lesson`, with its title and (where something points into it) its text: one query."""
    lesson_documents = Lesson.documents.through.objects.filter(lesson_id=lesson.pk)
    rows = (
        SourceDocument.objects.filter(
            Q(pk__in=used) | Q(pk__in=lesson_documents.values("sourcedocument_id"))
        )
        .annotate(
            in_lesson=Exists(lesson_documents.filter(sourcedocument_id=OuterRef("pk"))),
            text=Case(
                When(pk__in=used, then=F("cleaned_text")),
                default=Value(""),
                output_field=TextField(),
            ),
        )
        .only("pk", "title")
    )
    documents = {}
    for document in rows:
        document.cleaned_text = document.text
        documents[document.pk] = document
    return documents


def lesson_publish(*, lesson: Lesson) -> Lesson:
    """Publish a draft lesson, or raise PublishRefused naming every problem. The rules run
    again under a lock on the lesson, so a change made meanwhile is judged too; publishing a
    new version archives the version it replaces (its classes keep it)."""
    with transaction.atomic():
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        # Studio saves lock a module or a document before checking the lesson is a draft;
        # taking the same locks here makes each one land wholly before or refused after.
        list(Module.objects.select_for_update().filter(lesson=locked).values_list("pk"))
        list(
            SourceDocument.objects.select_for_update(of=("self",))
            .filter(lessons=locked)
            .values_list("pk")
        )
        problems = lesson_publish_problems(lesson=locked)
        if problems:
            raise PublishRefused(problems)
        locked.status = Lesson.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        if locked.previous_version_id:
            # Only a version of the same owner's lesson is replaced.
            Lesson.objects.filter(
                pk=locked.previous_version_id,
                status=Lesson.Status.PUBLISHED,
                owner=locked.owner_id,
            ).update(status=Lesson.Status.ARCHIVED)
    lesson.status, lesson.published_at = locked.status, locked.published_at
    return locked


def lesson_archive(*, lesson: Lesson) -> None:
    """Take a published lesson out of the catalogue; where it is assigned it stays readable."""
    if lesson.status != Lesson.Status.PUBLISHED:
        raise ValidationError(
            f"“{lesson.title}” is {lesson.get_status_display().lower()}: only a published "
            "lesson can be archived."
        )
    lesson.status = Lesson.Status.ARCHIVED
    lesson.save(update_fields=["status"])


def lesson_publish_for_everyone(*, lesson: Lesson) -> Lesson:
    """Make a teacher's own copy one of the school's lessons: published (the rules apply to a
    draft) and owned by no one, so every teacher's catalogue offers it."""
    with transaction.atomic():
        if lesson.status == Lesson.Status.DRAFT:
            lesson = lesson_publish(lesson=lesson)
        elif lesson.status != Lesson.Status.PUBLISHED:
            raise ValidationError(
                f"“{lesson.title}” is archived: publish a new version of it instead."
            )
        lesson.owner = None
        lesson.save(update_fields=["owner"])
    return lesson


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


def _lesson_duplicate(lesson: Lesson, **fields) -> Lesson:
    """A draft with the lesson's fields (overridden by `fields`), documents, modules,
    excerpts, questions and facts. The rubric is shared, not copied: a frozen rubric stays
    the one graded work used until an author edits it, which copies it then."""
    copy = Lesson.objects.get(pk=lesson.pk)
    copy.pk = None
    copy.status = Lesson.Status.DRAFT
    copy.published_at = None
    copy.revision = 1
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    copy.documents.set(lesson.documents.all())
    modules = list(
        lesson.modules.order_by("position").prefetch_related("excerpts", "questions", "facts")
    )
    excerpts_of, questions_of, facts_of = {}, {}, {}
    for module in modules:
        old_pk = module.pk
        excerpts_of[old_pk] = list(module.excerpts.all())
        questions_of[old_pk] = list(module.questions.all())
        facts_of[old_pk] = list(module.facts.all())
        module.pk, module.lesson, module.revision = None, copy, 1
        module.old_pk = old_pk
    Module.objects.bulk_create(modules)
    new_excerpts: dict[int, Excerpt] = {}
    questions, facts = [], []
    for module in modules:
        for excerpt in excerpts_of[module.old_pk]:
            old_pk = excerpt.pk
            excerpt.pk, excerpt.module = None, module
            new_excerpts[old_pk] = excerpt
        for question in questions_of[module.old_pk]:
            question.pk, question.module = None, module
            questions.append(question)
        for fact in facts_of[module.old_pk]:
            fact.pk, fact.module = None, module
            facts.append(fact)
    Excerpt.objects.bulk_create(new_excerpts.values())
    for question in questions:
        if question.excerpt_id is not None:
            question.excerpt = new_excerpts.get(question.excerpt_id)
    Question.objects.bulk_create(questions)
    SourcedFact.objects.bulk_create(facts)
    return copy


@transaction.atomic
def lesson_new_version(*, lesson: Lesson) -> Lesson:
    """A draft copy of a lesson with the next version number, so work done against the
    original keeps its meaning; it stays the same owner's. Made under a lock on the lesson,
    so a second request (a double click) gets the draft the first one made."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if (existing := lesson_draft_version_of(lesson=lesson)) is not None:
        return existing
    family = Lesson.objects.filter(slug=lesson.slug, owner_id=lesson.owner_id)
    latest = family.order_by("-version").first() if lesson.slug else None
    return _lesson_duplicate(
        lesson,
        version=max(latest.version if latest else 0, lesson.version) + 1,
        previous_version=lesson,
    )


def lesson_draft_version_of(*, lesson: Lesson) -> Lesson | None:
    """A draft already made from this lesson as its next version, if any."""
    return lesson.next_versions.filter(status=Lesson.Status.DRAFT).order_by("-version").first()


def lesson_free_slug(*, text: str) -> str:
    """A slug made from `text` that no lesson uses yet, found in one query."""
    base = slugify(text)[:70].strip("-") or "lesson"
    taken = set(Lesson.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def lesson_copy_for_teacher(*, lesson: Lesson, teacher) -> Lesson:
    """The teacher's private draft of a published lesson, theirs to adapt for their classes:
    one of the school's lessons or one of their own copies, never another teacher's."""
    if lesson.owner_id is not None and lesson.owner_id != teacher.pk:
        raise ValidationError(
            f"“{lesson.title}” is another teacher's own copy: only the school's lessons and "
            "your own copies can be copied."
        )
    if lesson.status != Lesson.Status.PUBLISHED:
        raise ValidationError(
            f"“{lesson.title}” is {lesson.get_status_display().lower()}: only a published "
            "lesson can be copied."
        )
    return _lesson_duplicate(
        lesson,
        owner=teacher,
        copied_from=lesson,
        previous_version=None,
        version=1,
        slug=lesson_free_slug(text=f"{lesson.slug or lesson.title} {teacher.username}"),
    )
