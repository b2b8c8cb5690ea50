from django import forms
from django.utils import timezone

from lessons.models import Lesson

from .services import POST_LIMIT, TEXT_LIMIT


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AssignmentDatesForm(forms.Form):
    opens_at = forms.DateTimeField(
        label="Opens",
        required=False,
        widget=DateTimeInput(),
        help_text="Optional. Students see the lesson from this time.",
    )
    due_at = forms.DateTimeField(
        label="Due",
        required=False,
        widget=DateTimeInput(),
        help_text="Optional. Work handed in later is marked late, not refused.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "due_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class LessonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title if obj.version == 1 else f"{obj.title} (version {obj.version})"


class AssignForm(AssignmentDatesForm):
    lesson = LessonChoiceField(
        label="Lesson",
        queryset=Lesson.objects.filter(status=Lesson.Status.PUBLISHED).order_by("title"),
        empty_label="Choose a published lesson",
        error_messages={
            "required": "Choose a lesson to assign.",
            "invalid_choice": "That lesson is not published, so it can't be assigned.",
        },
    )
    field_order = ["lesson", "opens_at", "due_at"]


class PostForm(forms.Form):
    text = forms.CharField(
        label="Your post",
        max_length=POST_LIMIT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write something before posting: an empty post can't be shared."
        },
    )


class DraftForm(forms.Form):
    text = forms.CharField(
        label="Your response",
        required=False,
        strip=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def local_input_value(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""
