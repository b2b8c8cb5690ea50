"""The catalogue's search and the lesson-first assign form."""

from django import forms

from accounts.models import Classroom
from coursework.forms import AssignmentDatesForm

from .models import Skill

ERA_LIMITS = {"min_value": -3000, "max_value": 2100}


class CatalogueSearchForm(forms.Form):
    title = forms.CharField(label="Title", required=False, max_length=200)
    topic = forms.CharField(
        label="Topic",
        required=False,
        max_length=200,
        help_text="Words from the central question or the summary.",
    )
    era_from = forms.IntegerField(label="From year", required=False, **ERA_LIMITS)
    era_to = forms.IntegerField(label="To year", required=False, **ERA_LIMITS)
    skill = forms.ChoiceField(
        label="Skill", required=False, choices=[("", "Any skill"), *Skill.choices]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("era_from"), cleaned.get("era_to")
        if start is not None and end is not None and end < start:
            self.add_error("era_to", "The last year is before the first: swap them.")
        return cleaned


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class LessonAssignForm(AssignmentDatesForm):
    """A class and dates for one lesson: the catalogue's way into assigning."""

    classroom = ClassChoiceField(
        label="Class",
        queryset=Classroom.objects.none(),
        empty_label="Choose a class",
        error_messages={
            "required": "Choose a class to assign the lesson to.",
            "invalid_choice": "That is not one of your active classes.",
        },
    )
    field_order = ["classroom", "opens_at", "due_at"]

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = classrooms
