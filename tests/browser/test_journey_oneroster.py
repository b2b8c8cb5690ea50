"""An admin imports the district's OneRoster zip from the admin, reads what it did, and then a
zip with a bad line, whose problems are listed and which changes nothing; without scripts an
import still waiting shows a link that refreshes its progress."""

import pytest
from playwright.sync_api import expect

from accounts.models import Classroom, User
from sis.models import OneRosterImport
from tests.sis.conftest import district, pack

pytestmark = pytest.mark.browser


def test_admin_imports_a_district_and_reads_the_problems_of_a_bad_zip(visit, school, tmp_path):
    good, bad = tmp_path / "lincoln.zip", tmp_path / "lincoln-bad.zip"
    good.write_bytes(pack(district("v1.1-bulk")))
    files = district("v1.1-bulk")
    files["enrollments.csv"] += "e-99,,,class-ush-1,org-hs,s-nobody,student,false,,\n"
    bad.write_bytes(pack(files))

    admin = visit("admin")
    admin.log_in("admin")
    admin.go("/admin/")
    admin.follow("OneRoster imports")
    page = admin.follow("Upload OneRoster files")
    page.get_by_label("OneRoster zip", exact=True).set_input_files(str(good))
    admin.submit("Upload and import")
    expect(page.locator("#import-summary")).to_contain_text("7 accounts created")
    expect(page.locator("#import-summary")).to_contain_text("2 classes created")
    assert Classroom.objects.filter(sourced_id="class-ush-1").exists()

    page = admin.follow("Upload another zip")
    page.get_by_label("OneRoster zip", exact=True).set_input_files(str(bad))
    admin.submit("Upload and import")
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("enrollments.csv")
    expect(problems).to_contain_text("userSourcedId 's-nobody' is not in users.csv")
    assert User.objects.filter(sourced_id__gt="").count() == 7


def test_without_scripts_a_waiting_import_offers_a_refresh_link(visit, school):
    job = OneRosterImport.objects.create(
        requested_by=school["admin"], status="checking", rows_total=80, rows_checked=20
    )
    admin = visit("admin", javascript=False)
    admin.log_in("admin")
    page = admin.go(job.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("20 of 80 lines read")
    OneRosterImport.objects.filter(pk=job.pk).update(rows_checked=60)
    page = admin.follow("Refresh progress")
    expect(page.get_by_role("status")).to_contain_text("60 of 80 lines read")
