"""What the LMS connection does when other apps tell it something."""

import logging

from coursework.signals import grade_returned

from .passback import passback_queue

logger = logging.getLogger(__name__)


def _grade_returned(sender, submission_id: int, **kwargs) -> None:
    # The grade is returned and committed already; a failure to queue its passback is
    # logged rather than shown to the teacher as a failed return.
    try:
        passback_queue(submission_id=submission_id)
    except Exception:
        logger.exception("Could not queue the LMS passback of submission %s", submission_id)


def connect() -> None:
    grade_returned.connect(_grade_returned, dispatch_uid="lms-grade-passback")
