"""Forms of the import pages: upload, paste, and the review's corrections."""

from django import forms

from lessons.admin_documents import MultipleFileField, MultipleFileInput
from lessons.builder.upload import ACCEPTED_FORMATS
from lessons.models import Excerpt, Module

ACCEPT = ".txt,.md,.markdown,.html,.htm,.wiki,text/plain,text/markdown,text/html"
# Kinds of source the builder names; the author may write any other.
SOURCE_KINDS = [
    "testimony",
    "interrogation",
    "speech",
    "letter",
    "diary",
    "memoir",
    "interview",
    "public statement",
    "review",
    "newspaper report",
    "conversation",
    "book",
    "private remark",
]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Documents",
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=f"{ACCEPTED_FORMATS.capitalize()}; UTF-8, at most 2 MB each, up to 20 at once.",
        error_messages={"required": "Choose at least one document to import."},
    )


class PasteForm(forms.Form):
    title = forms.CharField(
        max_length=300, error_messages={"required": "Give the document a title."}
    )
    origin = forms.CharField(
        label="Where it comes from",
        max_length=500,
        help_text="An address, a book or an archive: shown to authors, not to students.",
        error_messages={"required": "Say where the text comes from."},
    )
    text = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=False,
        help_text="Plain text, Markdown or wikitext; the builder reads the shape from the text.",
        error_messages={"required": "Paste the document's text."},
    )


class RestoreForm(forms.Form):
    paragraph = forms.IntegerField(min_value=0)


class RejectForm(forms.Form):
    excerpt = forms.IntegerField(min_value=1)


class UnrejectForm(forms.Form):
    rejected = forms.RegexField(regex=r"^[0-9a-f]{32}$")


class NoteDeleteForm(forms.Form):
    note = forms.IntegerField(min_value=1)


class GapForm(forms.Form):
    gap = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(
        label="Missing words",
        max_length=300,
        error_messages={"required": "Write the missing words (for example a year)."},
    )


class ExcerptForm(forms.Form):
    """A passage chosen by its character offsets (read from a selection by the page's
    script) or, without the script, by its first and last words."""

    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    first_words = forms.CharField(
        label="From the words",
        required=False,
        max_length=300,
        help_text="The first few words of the passage, as in the document.",
    )
    last_words = forms.CharField(
        label="To the words",
        required=False,
        max_length=300,
        help_text="The last few words of the passage.",
    )
    speaker = forms.CharField(
        label="Who said or wrote it",
        required=False,
        max_length=200,
        help_text="Leave empty when the document does not say.",
    )
    speaker_role = forms.ChoiceField(
        label="Role", choices=Excerpt.Role.choices, initial=Excerpt.Role.UNKNOWN
    )
    date_text = forms.CharField(label="When", required=False, max_length=120)
    source_kind = forms.CharField(
        label="Kind of source",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"list": "source-kinds"}),
    )
    module = forms.ModelChoiceField(
        label="Module it goes to",
        queryset=Module.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of this lesson's modules."},
    )

    def __init__(self, *args, lesson, **kwargs):
        super().__init__(*args, **kwargs)
        modules = lesson.modules.order_by("position")
        self.fields["module"].queryset = modules
        self.fields["module"].label_from_instance = lambda m: f"{m.position}. {m.title}"
        study = next((m for m in modules if m.kind == Module.Kind.DOCUMENT_STUDY), None)
        if study is not None:
            self.fields["module"].initial = study.pk

    def clean(self):
        data = super().clean()
        by_offsets = data.get("start") is not None and data.get("end") is not None
        by_words = data.get("first_words", "").strip() and data.get("last_words", "").strip()
        if not by_offsets and not by_words:
            raise forms.ValidationError(
                "Select the passage in the document, or give its first and last words."
            )
        data["by_offsets"] = by_offsets
        return data
