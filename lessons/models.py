"""Lesson content: source documents, lessons, their modules and everything a module shows.

Every excerpt, event and figure keeps its document and character span, so a page can always
link back to the passage it came from.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import pre_delete
from django.urls import reverse

from .builder import UNNAMED as UNNAMED_SPEAKER


class Skill(models.TextChoices):
    SOURCING = "sourcing", "Sourcing"
    CONTEXTUALIZATION = "contextualization", "Contextualization"
    CORROBORATION = "corroboration", "Corroboration"
    CLOSE_READING = "close_reading", "Close reading"


class SourceDocument(models.Model):
    """A document as imported: raw text, origin, content hash, cleaned text and its report."""

    class Shape(models.TextChoices):
        WIKITEXT = "wikitext", "MediaWiki wikitext"
        WEB = "web", "Text scraped from a web page"
        MARKDOWN = "markdown", "Markdown page source"
        HTML = "html", "Saved web page"

    title = models.CharField(max_length=300)
    origin = models.CharField(
        max_length=500, help_text="File name or address it came from; shown to editors only."
    )
    # What the source says about itself, for the sourcing card; blank where it says nothing.
    author = models.CharField(max_length=300, blank=True)
    published = models.CharField(
        max_length=100, blank=True, help_text="The date of publication as the source gives it."
    )
    site = models.CharField("site or publisher", max_length=200, blank=True)
    url = models.URLField("address", max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, unique=True)
    shape = models.CharField(max_length=10, choices=Shape.choices)
    raw_text = models.TextField()
    cleaned_text = models.TextField()
    report = models.JSONField(
        default=dict, blank=True, help_text="What the builder dropped, repaired and flagged."
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:document-detail", args=[self.pk])


class EditorNote(models.Model):
    """Words an editor supplies where the source leaves a gap, shown to students in [brackets].

    The note sits at a character offset of the document's cleaned text; the source text itself
    never changes.
    """

    document = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, related_name="editor_notes"
    )
    offset = models.PositiveIntegerField(help_text="Where in the cleaned text the note goes.")
    text = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "offset", "pk"]

    def __str__(self) -> str:
        return f"[{self.text}]"


class Reference(models.Model):
    """A work the document cites for one of its sentences."""

    document = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, related_name="references"
    )
    author = models.CharField(max_length=200)
    year = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=100, blank=True)
    paragraph = models.IntegerField(help_text="Index of the paragraph it supports; -1 if dropped.")
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["document", "paragraph", "start", "pk"]

    def __str__(self) -> str:
        pages = f", p. {self.pages}" if self.pages else ""
        return f"{self.author} {self.year}{pages}"


class Lesson(models.Model):
    """A lesson built from source documents; published lessons are never edited in place."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80, blank=True, help_text="Shared by every version of the same lesson."
    )
    central_question = models.TextField()
    summary = models.TextField(blank=True)
    grade_band = models.CharField(max_length=40, blank=True, help_text="For example: Grades 9–12")
    estimated_minutes = models.PositiveIntegerField(default=90)
    documents = models.ManyToManyField(SourceDocument, related_name="lessons", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    previous_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )
    builder_notes = models.JSONField(
        default=dict, blank=True, help_text="The builder's gaps and corroborations, for editors."
    )
    # A teacher's private copy: only its owner sees it until an admin publishes it for everyone.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_lessons",
        help_text="Set on a teacher's own copy; empty for the school's lessons.",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    # Bumped by every studio save of the lesson's own fields, modules' order or rubric, so a
    # save from a page showing an older revision is refused instead of overwriting.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "-version"]
        permissions = [("author_lessons", "Can author lessons")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="lesson_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version}, {self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("lessons:lesson-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


RUBRIC_FROZEN = (
    "This rubric is used by a published lesson or by a grade, so it can't change: "
    "copy it to edit, and use the copy in a new version of the lesson."
)


class RubricQuerySet(models.QuerySet):
    def frozen(self):
        """Rubrics that may never change again: used by a lesson that is no longer a draft,
        or by any grade (a grade keeps the points it awarded, and its rubric must agree)."""
        return self.filter(
            Q(modules__lesson__status__in=[Lesson.Status.PUBLISHED, Lesson.Status.ARCHIVED])
            | Q(grades__isnull=False)
        ).distinct()


def refuse_if_frozen(*rubric_ids) -> None:
    """Raise ValidationError when any of these rubrics is frozen."""
    ids = [pk for pk in rubric_ids if pk is not None]
    if ids and Rubric.objects.frozen().filter(pk__in=ids).exists():
        raise ValidationError(RUBRIC_FROZEN)


class Rubric(models.Model):
    """Criteria and levels a teacher grades written work with; frozen once in use."""

    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        refuse_if_frozen(self.pk)
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.pk is not None and Rubric.objects.frozen().filter(pk=self.pk).exists()

    @property
    def max_points(self) -> int:
        return sum(
            max((lv.points for lv in c.levels.all()), default=0) for c in self.criteria.all()
        )


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    skill = models.CharField(max_length=20, choices=Skill.choices, blank=True)

    class Meta:
        ordering = ["rubric", "position", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Moving a criterion changes the rubric it leaves as well as the one it joins.
        was = Criterion.objects.filter(pk=self.pk).values_list("rubric_id", flat=True).first()
        refuse_if_frozen(self.rubric_id, was)
        super().save(*args, **kwargs)


class Level(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=80)
    points = models.PositiveIntegerField()
    description = models.TextField()

    class Meta:
        ordering = ["criterion", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "points"], name="level_points_unique_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.points})"

    def save(self, *args, **kwargs):
        criteria = [self.criterion_id]
        criteria += Level.objects.filter(pk=self.pk).values_list("criterion_id", flat=True)
        refuse_if_frozen(
            *Criterion.objects.filter(pk__in=criteria).values_list("rubric_id", flat=True)
        )
        super().save(*args, **kwargs)


def _refuse_frozen_delete(sender, instance, **kwargs):
    """Deletes, one by one or in bulk, never take anything from a frozen rubric."""
    if isinstance(instance, Rubric):
        refuse_if_frozen(instance.pk)
    elif isinstance(instance, Criterion):
        refuse_if_frozen(instance.rubric_id)
    else:
        refuse_if_frozen(
            Criterion.objects.filter(pk=instance.criterion_id)
            .values_list("rubric_id", flat=True)
            .first()
        )


for _model in (Rubric, Criterion, Level):
    pre_delete.connect(
        _refuse_frozen_delete, sender=_model, dispatch_uid=f"frozen-{_model.__name__}"
    )


class Module(models.Model):
    """One step of a lesson, in the lesson pattern's five kinds."""

    class Kind(models.TextChoices):
        BACKGROUND = "background", "Background reading and timeline"
        DOCUMENT_STUDY = "document_study", "Document study"
        CORROBORATION = "corroboration", "Corroboration"
        DISCUSSION = "discussion", "Discussion"
        ASSIGNMENT = "assignment", "Written assignment"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(
        blank=True, help_text="The reading, the introduction, or the assignment's instructions."
    )
    points = models.PositiveIntegerField(default=0, help_text="Written assignment only.")
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, null=True, blank=True, related_name="modules"
    )
    # Bumped by every studio save of the module, its excerpts or its questions (see Lesson).
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "position"], name="module_position_unique_in_lesson"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "background",
                        "document_study",
                        "corroboration",
                        "discussion",
                        "assignment",
                    ]
                ),
                name="module_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Excerpt(models.Model):
    """Quoted words from a source document, with who said them and where they stand."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", "Participant"
        OBSERVER = "contemporary_observer", "Contemporary observer"
        HISTORIAN = "historian", "Later historian"
        # The document does not say which: the builder never guesses, the editor decides.
        UNKNOWN = "unknown", "Not stated in the document"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="excerpts")
    position = models.PositiveIntegerField(default=0)
    document = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="excerpts")
    text = models.TextField()
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    # Who said it, or "unnamed" where the document does not say; an editor fills it in.
    UNNAMED = UNNAMED_SPEAKER
    speaker = models.CharField(max_length=200, default=UNNAMED_SPEAKER)
    speaker_role = models.CharField(max_length=30, choices=Role.choices, default=Role.UNKNOWN)
    date_text = models.CharField("when", max_length=120, blank=True)
    source_kind = models.CharField("kind of source", max_length=120, blank=True)
    context = models.TextField(blank=True, help_text="A sentence placing the excerpt for students.")

    class Meta:
        ordering = ["module", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__gt=F("start")),
                name="excerpt_span_forward",
            )
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:60]}"

    @property
    def has_source_span(self) -> bool:
        return (
            self.start is not None
            and self.end is not None
            and self.document.cleaned_text[self.start : self.end] == self.text
        )


class Question(models.Model):
    """A guiding question, compare question or discussion prompt, tagged with its skill."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    skill = models.CharField(max_length=20, choices=Skill.choices)
    excerpt = models.ForeignKey(
        Excerpt, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )

    class Meta:
        ordering = ["module", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    skill__in=["sourcing", "contextualization", "corroboration", "close_reading"]
                ),
                name="question_skill_valid",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class SourcedFact(models.Model):
    """A dated event or a stated figure shown in a module, with its place in its document."""

    class Kind(models.TextChoices):
        EVENT = "event", "Dated event"
        FIGURE = "figure", "Figure"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    document = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="facts")
    label = models.CharField(
        max_length=120, help_text='The date ("August 1936") or the figure ("268,950").'
    )
    year = models.IntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(help_text="What happened, or what the figure counts.")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["module", "kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="fact_span_forward")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.text[:60]}"
