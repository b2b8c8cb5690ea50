"""The daily email digest: what each person has neither opened nor seen on the
notifications page, and has not had in an earlier digest."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User

from .models import Notification


def pending_for_digest():
    """Notifications a digest would carry: unread, unseen, not yet emailed, for people with
    an email address who have not turned the digest off."""
    return (
        Notification.objects.filter(
            read_at__isnull=True, seen_at__isnull=True, emailed_at__isnull=True
        )
        .exclude(recipient__email="")
        .exclude(recipient__notification_settings__email_digest=False)
        .filter(recipient__is_active=True)
    )


def send_digests(*, base_url: str = "") -> int:
    """One email per person with something new; the number of emails sent. Each person's
    items are claimed (marked emailed) in the same transaction that sends, so two runs at
    once never send the same item twice, and a failed send leaves them for the next run."""
    recipients = list(
        User.objects.filter(pk__in=pending_for_digest().values("recipient_id")).order_by("pk")
    )
    base_url = base_url or getattr(settings, "SITE_URL", "")
    sent = 0
    for person in recipients:
        with transaction.atomic():
            items = list(
                pending_for_digest()
                .filter(recipient=person)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("created_at", "pk")
            )
            if not items:
                continue
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(
                emailed_at=timezone.now()
            )
            context = {"person": person, "items": items, "base_url": base_url}
            message = EmailMessage(
                subject=render_to_string("notifications/digest_subject.txt", context).strip(),
                body=render_to_string("notifications/digest_email.txt", context),
                to=[person.email],
            )
            message.send()
        sent += 1
    return sent
