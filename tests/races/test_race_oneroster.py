"""Two OneRoster imports of the same zip run at the same moment, each on its own connection:
the district is saved once, and the second import finds it already up to date."""

from django.db import connection

from accounts.models import Classroom, Enrollment, User
from sis.models import OneRosterImport
from sis.services import oneroster_import_run
from tests.sis.conftest import district, pack

from .conftest import at_once


def test_two_imports_of_the_same_zip_at_once_save_it_once(admin_user):
    data = pack(district("v1.1-bulk"))
    first, second = (
        OneRosterImport.objects.create(
            requested_by=admin_user, file_name="district.zip", version="1.1", archive=data
        )
        for _ in range(2)
    )

    def run(job: OneRosterImport):
        try:
            return oneroster_import_run(import_id=job.pk)
        finally:
            connection.close()  # this thread's own connection

    results = at_once(lambda: run(first), lambda: run(second))
    assert results == ["done", "done"]
    created = sorted(job.summary.get("users_created", 0) for job in OneRosterImport.objects.all())
    assert created == [0, 7]
    assert User.objects.exclude(sourced_id="").count() == 7
    assert Classroom.objects.count() == 2
    assert Enrollment.objects.count() == 5
    assert Classroom.teachers.through.objects.count() == 3
