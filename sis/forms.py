from django import forms
from django.core.exceptions import ValidationError

from .oneroster import UPLOAD_MAX_BYTES


class OneRosterForm(forms.Form):
    archive = forms.FileField(
        label="OneRoster zip",
        help_text=(
            "The .zip your student information system exports as OneRoster 1.1 or 1.2 CSV, "
            f"with manifest.csv in it. At most {UPLOAD_MAX_BYTES // 1024 // 1024} MB."
        ),
        error_messages={"required": "Choose the zip file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(f"The zip is larger than {UPLOAD_MAX_BYTES // 1024 // 1024} MB.")
        return upload
