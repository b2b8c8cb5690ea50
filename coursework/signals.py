"""Signals other apps listen to, so that coursework need not know them."""

from django.dispatch import Signal

# Sent with `submission_id` once a grade the student can see is committed: work returned
# (alone or with the rest of its queue) or a returned grade regraded.
grade_returned = Signal()
