"""Who may download a lesson as a Common Cartridge: whoever the catalogue offers it to.

| lesson                                  | staff | its owner | other teachers | students |
|-----------------------------------------|-------|-----------|----------------|----------|
| the school's, published                 | yes   | -         | yes            | 403      |
| a teacher's own copy, published         | 404   | yes       | 404            | 403      |
| any draft or archived lesson            | 404   | 404       | 404            | 403      |

A cartridge hands a lesson on for new teaching, like assigning it, so it follows the assign
form's rule (lessons.access.lessons_offered_to). Anonymous visitors are sent to log in.
"""

from django.http import Http404

from accounts.models import User
from lessons.access import lessons_offered_to, require_teacher
from lessons.models import Lesson


def lesson_for_export(user: User, pk: int) -> Lesson:
    require_teacher(user)
    try:
        return lessons_offered_to(user).get(pk=pk)
    except Lesson.DoesNotExist:
        raise Http404("No such published lesson") from None
