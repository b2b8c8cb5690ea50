"""Two saves of the same draft at the same moment: one wins, the other is told, none is lost."""

from coursework.models import Submission
from tests.coursework.conftest import WRITE, module_url
from tests.races.conftest import at_once


def test_two_tabs_saving_the_same_revision_at_once_lose_nothing(tab, assignment, student):
    url = module_url(assignment, WRITE, "draft-save")
    first, second = tab(student), tab(student)
    replies = at_once(
        lambda: first.post(url, {"text": "from the first tab", "revision": 0}),
        lambda: second.post(url, {"text": "from the second tab", "revision": 0}),
    )
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [302, 409]
    saved = Submission.objects.get(assignment=assignment, student=student)
    assert saved.revision == 1
    assert saved.text in {"from the first tab", "from the second tab"}
