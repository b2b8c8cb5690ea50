"""Reads for the import pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import User

from .models import OneRosterImport
from .services import SUMMARY_LINES

RECENT_IMPORTS = 10


def require_staff(user: User) -> None:
    """Only admins import the district's rosters; everyone else signed in gets 403."""
    if not user.is_staff:
        raise PermissionDenied


def imports_recent() -> QuerySet[OneRosterImport]:
    return OneRosterImport.objects.select_related("requested_by").defer("archive")[:RECENT_IMPORTS]


def import_summary(job: OneRosterImport) -> list[str]:
    """What a finished import did, one sentence a line, in a fixed order."""
    lines = []
    for name, one, many in SUMMARY_LINES:
        count = job.summary.get(name, 0)
        if count:
            lines.append(f"{count} {one if count == 1 else many}")
    return lines
