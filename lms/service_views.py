"""Pages for the LMS's services that a teacher starts from our side: the roster sync."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.access import classroom_for_teacher

from .roster_sync import RosterSyncError, roster_sync, syncable_links


@require_POST
@login_required
def roster_sync_view(request, pk: int):
    """Bring the class's roster in line with its LMS course; the counts, or why nothing
    changed, come back as a message on the roster tab."""
    classroom = classroom_for_teacher(request.user, pk)
    if not syncable_links(classroom).exists():
        raise Http404("This class is not linked to an LMS course that shares its roster.")
    try:
        outcome = roster_sync(classroom=classroom, requester=request.user)
    except RosterSyncError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, outcome.message)
    return redirect("accounts:class-roster", classroom.pk)
