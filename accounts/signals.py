"""Signals other apps listen to, so that accounts need not know them."""

from django.dispatch import Signal

# Sent with `classroom_id` after a bulk write to a class's roster (bulk writes send no model
# signals), inside the writer's transaction.
roster_changed = Signal()
