"""One way for every view to show why a service refused a change."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def refusal_show(
    request, error: ValidationError, *, form=None, field: str | None = None, prefix: str = ""
) -> None:
    """Show the refusal on `form` (all on `field` when given, else each reason on the field
    it names or on the whole form), or with no form as a message giving its first reason."""
    if form is None:
        messages.error(request, prefix + error.messages[0])
    elif field is not None:
        form.add_error(field, error.messages[0])
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                form.add_error(name if name in form.fields else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)
