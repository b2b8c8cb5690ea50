"""Importing documents in the studio, and reviewing what the builder made of them.

Each correction on the review page is a POST that answers htmx with the review's part of the
page, and anyone else with a redirect back to the review (or the page again with the error).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lessons.importing import ImportRefused

from . import importing
from .access import can_author_school_lessons, lesson_for_author
from .editor import read_only_refusal
from .import_forms import (
    SOURCE_KINDS,
    ExcerptForm,
    GapForm,
    NoteDeleteForm,
    PasteForm,
    RejectForm,
    RestoreForm,
    UnrejectForm,
    UploadForm,
)
from .review import document_review

REVIEW = "studio/import/review.html"


def _require_importer(user) -> None:
    if not can_author_school_lessons(user):
        raise PermissionDenied("Only admins and authors import documents.")


@require_http_methods(["GET", "POST"])
@login_required
def import_new(request):
    _require_importer(request.user)
    source = request.POST.get("source", "")
    upload = UploadForm(request.POST, request.FILES) if source == "files" else UploadForm()
    paste = PasteForm(request.POST) if source == "paste" else PasteForm()
    problems: list[str] = []
    if request.method == "POST":
        form = upload if source == "files" else paste
        if source in {"files", "paste"} and form.is_valid():
            try:
                if source == "files":
                    outcome = importing.studio_import_files(
                        files=form.cleaned_data["files"], user=request.user
                    )
                else:
                    outcome = importing.studio_import_paste(user=request.user, **form.cleaned_data)
            except ImportRefused as refused:
                problems = refused.problems
            else:
                documents = outcome.documents
                messages.success(
                    request,
                    f"Imported {len(documents)} document{'s' if len(documents) > 1 else ''} "
                    f"into the draft lesson “{outcome.lesson.title}”. Review what the builder "
                    "found before you edit the lesson.",
                )
                if len(documents) == 1:
                    return redirect("studio:import-review", outcome.lesson.pk, documents[0].pk)
                return redirect("studio:import-lesson", outcome.lesson.pk)
        elif source not in {"files", "paste"}:
            problems = ["Choose files to upload or paste a text, then press its Import button."]
    ctx = {"upload": upload, "paste": paste, "problems": problems, "source": source}
    failed = request.method == "POST"
    return render(request, "studio/import/new.html", ctx, status=400 if failed else 200)


@require_GET
@login_required
def import_lesson(request, lesson_pk: int):
    lesson = lesson_for_author(request.user, lesson_pk)
    documents = lesson.documents.defer("raw_text", "cleaned_text").annotate(
        reference_count=Count("references")
    )
    return render(request, "studio/import/lesson.html", {"lesson": lesson, "documents": documents})


def _review_objects(request, lesson_pk: int, document_pk: int):
    lesson = lesson_for_author(request.user, lesson_pk)
    document = get_object_or_404(lesson.documents.all(), pk=document_pk)
    return lesson, document


def _review_context(lesson, document, **extra) -> dict:
    review = document_review(document=document, lesson=lesson)
    return {
        "review": review,
        "lesson": lesson,
        "document": document,
        "excerpt_form": extra.pop("excerpt_form", None) or ExcerptForm(lesson=lesson),
        "gap_form": extra.pop("gap_form", None),
        "source_kinds": SOURCE_KINDS,
        **extra,
    }


def _review_page(request, lesson, document, *, status=200, **extra):
    template = f"{REVIEW}#review" if request.htmx else REVIEW
    ctx = _review_context(lesson, document, **extra)
    return render(request, template, ctx, status=status)


@require_GET
@login_required
def import_review(request, lesson_pk: int, document_pk: int):
    lesson, document = _review_objects(request, lesson_pk, document_pk)
    return _review_page(request, lesson, document)


def _done(request, lesson, document, message: str, anchor: str = ""):
    """After a correction: htmx gets the review's part anew, a plain form the page again."""
    if request.htmx:
        return _review_page(request, lesson, document, done=message)
    messages.success(request, message)
    url = reverse("studio:import-review", args=[lesson.pk, document.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request, lesson, document, error: str, **forms):
    return _review_page(request, lesson, document, status=400, error=error, **forms)


def review_write(view):
    """A correction POSTed from the review of one document of a lesson the author may open:
    refused (403) for a lesson that is no longer a draft, and answered with the review and
    its message (400) when the correction is refused."""

    @require_POST
    @login_required
    @wraps(view)
    def checked(request, lesson_pk: int, document_pk: int):
        lesson, document = _review_objects(request, lesson_pk, document_pk)

        def shown(*, status: int, problem: str):
            return _review_page(request, lesson, document, status=status, error=problem)

        if refusal := read_only_refusal(lesson, shown):
            return refusal
        try:
            return view(request, lesson, document)
        except importing.ReviewRefused as refused:
            return _refused(request, lesson, document, str(refused))

    return checked


def _cleaned(form, problem: str) -> dict:
    """The form's data, or a refusal saying `problem` when it is not valid."""
    if not form.is_valid():
        raise importing.ReviewRefused(problem)
    return form.cleaned_data


@review_write
def import_restore(request, lesson, document):
    data = _cleaned(RestoreForm(request.POST), "Choose a dropped paragraph to restore.")
    start = importing.dropped_paragraph_restore(
        document=document, position=data["paragraph"], user=request.user
    )
    document.refresh_from_db()
    return _done(request, lesson, document, "The paragraph is back in the document.", f"at-{start}")


@review_write
def import_reject(request, lesson, document):
    form = RejectForm(request.POST)
    excerpt = None
    if form.is_valid():
        excerpt = (
            document.excerpts.filter(module__lesson=lesson, pk=form.cleaned_data["excerpt"])
            .select_related("module", "document")
            .first()
        )
    if excerpt is None:
        raise importing.ReviewRefused("That excerpt is not in this lesson.")
    entry = importing.excerpt_reject(lesson=lesson, excerpt=excerpt, user=request.user)
    document.refresh_from_db()
    return _done(
        request,
        lesson,
        document,
        f"The excerpt “{entry['text'][:60]}” left the lesson"
        + (f" with its {len(entry['questions'])} questions" if entry["questions"] else "")
        + ". Undo it from the list of rejected excerpts.",
        "rejected",
    )


@review_write
def import_unreject(request, lesson, document):
    data = _cleaned(UnrejectForm(request.POST), "That excerpt is not among the rejected ones.")
    excerpt = importing.excerpt_unreject(lesson=lesson, document=document, key=data["rejected"])
    document.refresh_from_db()
    return _done(request, lesson, document, "The excerpt is back in the lesson.", f"x{excerpt.pk}")


@review_write
def import_excerpt_create(request, lesson, document):
    form = ExcerptForm(request.POST, lesson=lesson)
    if not form.is_valid():
        return _refused(request, lesson, document, "The excerpt was not made.", excerpt_form=form)
    data = form.cleaned_data
    try:
        if data["by_offsets"]:
            start, end = data["start"], data["end"]
        else:
            start, end = importing.span_from_words(
                document.cleaned_text, data["first_words"], data["last_words"]
            )
        excerpt = importing.excerpt_create(
            lesson=lesson,
            document=document,
            module=data["module"],
            start=start,
            end=end,
            fields=importing.ExcerptFields(
                speaker=data["speaker"],
                speaker_role=data["speaker_role"],
                date_text=data["date_text"],
                source_kind=data["source_kind"],
            ),
        )
    except importing.ReviewRefused as refused:
        form.add_error(None, str(refused))
        return _refused(request, lesson, document, "The excerpt was not made.", excerpt_form=form)
    return _done(
        request,
        lesson,
        document,
        f"“{excerpt.text[:60]}” is now an excerpt in “{excerpt.module.title}”.",
        f"x{excerpt.pk}",
    )


@review_write
def import_gap_fill(request, lesson, document):
    form = GapForm(request.POST)
    problem = "The gap was not filled: " + " ".join(e for es in form.errors.values() for e in es)
    data = _cleaned(form, problem)
    note = importing.gap_fill(
        document=document, gap_index=data["gap"], text=data["text"], user=request.user
    )
    return _done(
        request,
        lesson,
        document,
        f"Students now read [{note.text}] at that place; the source text is unchanged.",
        f"gap-{data['gap']}",
    )


@review_write
def import_note_delete(request, lesson, document):
    data = _cleaned(NoteDeleteForm(request.POST), "Choose a note to remove.")
    importing.editor_note_delete(document=document, note_pk=data["note"])
    return _done(request, lesson, document, "The note is removed.", "gaps")
