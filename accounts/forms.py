from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .models import CLASS_NAME_MAX
from .roster import ROSTER_MAX_BYTES
from .throttle import login_failure_record, login_is_locked, login_success_record

LOCKED_MESSAGE = (
    "Too many failed log-in attempts for this username. "
    "For your safety it is locked for 15 minutes; try again later or ask your teacher."
)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class LoginForm(AuthenticationForm):
    """Log in, refusing a username and address pair after repeated failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if username and login_is_locked(username=username, address=address):
            raise ValidationError(LOCKED_MESSAGE, code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and login_failure_record(
                username=username, address=address
            ):
                raise ValidationError(LOCKED_MESSAGE, code="locked") from None
            raise
        login_success_record(username=username, address=address)
        return cleaned


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
