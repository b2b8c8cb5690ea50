"""Template helpers for links that lead back into the studio."""

from django import template
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.filter
def local_path(value: str) -> str:
    """The value when it is a path on this site (a `next` parameter to link back to), or ""."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=None) else ""
