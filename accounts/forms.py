from django import forms
from django.core.exceptions import ValidationError

from .models import CLASS_NAME_MAX
from .roster import ROSTER_MAX_BYTES


def lockout_username(request, credentials) -> str:
    """The name failed logins are counted under: as typed, without case or outer spaces, so
    "Teacher " and "teacher" share one count."""
    typed = credentials.get("username") if credentials else request.POST.get("username")
    return (typed or "").strip().lower()


class ClassNameForm(forms.Form):
    name = forms.CharField(
        label="Class name",
        max_length=CLASS_NAME_MAX,
        error_messages={
            "required": "Give the class a name.",
            "max_length": f"A class name can have at most {CLASS_NAME_MAX} characters.",
        },
    )

    def clean_name(self):
        name = self.cleaned_data["name"]
        if any(ord(ch) < 32 for ch in name):
            raise ValidationError("A class name can't contain control characters.")
        return name


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Class code",
        max_length=20,
        error_messages={"required": "Type the code your teacher gave you."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CoTeacherForm(forms.Form):
    username = forms.CharField(
        label="Co-teacher's username",
        max_length=150,
        error_messages={"required": "Type the username of the teacher to add."},
    )


class RosterForm(forms.Form):
    roster = forms.FileField(
        label="Roster file (CSV)",
        help_text="Columns: first name, last name, username, email. UTF-8, at most 1 MB.",
        error_messages={"required": "Choose a CSV file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_roster(self):
        upload = self.cleaned_data["roster"]
        if upload.size > ROSTER_MAX_BYTES:
            raise ValidationError(
                "The roster file is larger than 1 MB. Split it into smaller files."
            )
        return upload


class AccommodationForm(forms.Form):
    accommodation = forms.CharField(
        label="Accommodation",
        max_length=200,
        required=False,
        help_text="For example “extra time” or “read-aloud”. Only the class's teachers see it.",
        error_messages={"max_length": "An accommodation note can have at most 200 characters."},
    )

    def clean_accommodation(self):
        note = self.cleaned_data["accommodation"]
        if any(ord(ch) < 32 for ch in note):
            raise ValidationError("An accommodation note can't contain control characters.")
        return note
