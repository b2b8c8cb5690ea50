from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import SettingsForm
from .models import Notification

# The page shows the most recent ones; older ones stay until read, and count in the bell.
PAGE_SIZE = 100


@require_GET
@login_required
@cache_control(private=True, no_cache=True)
def unread_badge(request):
    """The bell's count, fetched after the page has loaded so no page pays for it."""
    count = services.unread_count(request.user)
    return render(request, "notifications/badge.html", {"count": count})


@require_GET
@login_required
@cache_control(private=True, no_cache=True)
def notification_list(request):
    items = list(Notification.objects.filter(recipient=request.user)[:PAGE_SIZE])
    services.mark_seen(request.user)
    unread = sum(1 for item in items if item.read_at is None)
    return render(request, "notifications/list.html", {"items": items, "unread": unread})


@require_GET
@login_required
def notification_open(request, pk: int):
    """Go to the notification's place, marking it read."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url)


@require_POST
@login_required
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(notification)
    if request.htmx:
        notification.refresh_from_db()
        return render(request, "notifications/list.html#item", {"item": notification})
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request):
    marked = services.mark_all_read(request.user)
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' * (marked != 1)} as read.")
    else:
        messages.info(request, "There was nothing unread.")
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request):
    wanted = services.digest_wanted(request.user)
    data = request.POST if request.method == "POST" else None
    form = SettingsForm(data, initial={"email_digest": wanted})
    if request.method == "POST" and form.is_valid():
        services.digest_set(request.user, email_digest=form.cleaned_data["email_digest"])
        messages.success(
            request,
            "The daily digest is on."
            if form.cleaned_data["email_digest"]
            else "The daily digest is off.",
        )
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
