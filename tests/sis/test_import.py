"""Importing OneRoster 1.1 and 1.2 zips, bulk and delta: what becomes of each record, and a
second import updating what the first made instead of adding to it."""

from django.contrib.auth.hashers import is_password_usable

from accounts.models import Classroom, Enrollment, User
from sis.models import DistrictRecord, OneRosterImport
from tests.conftest import make_user

from .conftest import district, edit, pack, upload


def roster(classroom: Classroom) -> list[str]:
    return sorted(
        Enrollment.objects.active()
        .filter(classroom=classroom)
        .values_list("student__username", flat=True)
    )


def teachers(classroom: Classroom) -> list[str]:
    return sorted(classroom.teachers.values_list("username", flat=True))


def test_a_bulk_1_1_zip_makes_accounts_classes_and_enrollments(staff_client, admin_user):
    response = upload(staff_client, pack(district("v1.1-bulk")))
    html = response.content.decode()
    assert response.status_code == 200
    job = OneRosterImport.objects.get()
    assert (job.status, job.version, job.archive, job.problems) == ("done", "1.1", b"", [])
    assert "Imported: every line was checked and saved." in html
    for line in [
        "7 accounts created",
        "1 administrator imported as a teacher",
        "1 person skipped",
        "2 classes created",
        "3 teachers added to classes",
        "5 students enrolled",
    ]:
        assert line in html

    ana = User.objects.get(sourced_id="s-ana")
    assert (ana.username, ana.first_name, ana.last_name, ana.email, ana.role) == (
        "ana.lopez",
        "Ana",
        "López",
        "ana.lopez@students.lincoln.example.org",
        "student",
    )
    assert not is_password_usable(ana.password)
    assert User.objects.get(sourced_id="a-nguyen").role == "teacher"
    assert not User.objects.get(sourced_id="a-nguyen").is_staff
    assert User.objects.get(sourced_id="s-dev").is_active is False  # enabledUser false
    assert not User.objects.filter(username="rosa.lopez").exists()  # a parent

    ush = Classroom.objects.get(sourced_id="class-ush-1")
    wh = Classroom.objects.get(sourced_id="class-wh-3")
    assert (ush.name, wh.name) == ("US History - Period 1", "World History - Period 3")
    assert ush.join_code != wh.join_code
    assert teachers(ush) == ["mrivera"]
    assert teachers(wh) == ["cokafor", "mrivera"]
    assert roster(ush) == ["ana.lopez", "ben.cho"]
    assert roster(wh) == ["ana.lopez", "chloe.ade", "dev.patel"]
    assert Enrollment.objects.get(sourced_id="e-2").student == ana
    assert Enrollment.objects.get(sourced_id="e-2").added_by == admin_user
    assert set(DistrictRecord.objects.values_list("kind", "sourced_id")) == {
        ("org", "org-district"),
        ("org", "org-hs"),
        ("session", "term-2026"),
        ("session", "term-fall"),
        ("course", "course-ush"),
        ("course", "course-wh"),
    }


def test_the_same_zip_again_changes_nothing_and_duplicates_nothing(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    counts = (User.objects.count(), Classroom.objects.count(), Enrollment.objects.count())
    html = upload(staff_client, pack(district("v1.1-bulk"))).content.decode()
    assert (User.objects.count(), Classroom.objects.count(), Enrollment.objects.count()) == counts
    assert "records already up to date" in html
    assert "created" not in html


def test_a_second_import_updates_names_titles_and_rosters(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    ana_pk = User.objects.get(sourced_id="s-ana").pk
    files = edit("v1.1-bulk", "users", "ana.lopez,,Ana,López", "ana.lopez,,Ana María,López")
    files["classes.csv"] = files["classes.csv"].replace(
        "US History - Period 1", "U.S. History - Period 1"
    )
    html = upload(staff_client, pack(files)).content.decode()
    assert "1 account updated" in html
    assert "1 class updated" in html
    ana = User.objects.get(sourced_id="s-ana")
    assert (ana.pk, ana.first_name) == (ana_pk, "Ana María")
    assert Classroom.objects.get(sourced_id="class-ush-1").name == "U.S. History - Period 1"
    assert User.objects.filter(username="ana.lopez").count() == 1


def test_a_bulk_1_2_zip_takes_roles_from_roles_csv(staff_client):
    html = upload(staff_client, pack(district("v1.2-bulk"))).content.decode()
    job = OneRosterImport.objects.get()
    assert (job.status, job.version) == ("done", "1.2"), job.problems
    assert User.objects.get(sourced_id="u-baker").role == "teacher"
    assert User.objects.get(sourced_id="u-kim").role == "student"
    # A principal whose primary role is principal teaches here.
    assert User.objects.get(sourced_id="u-principal").role == "teacher"
    assert not User.objects.filter(sourced_id="u-aide").exists()
    civics = Classroom.objects.get(sourced_id="k-civics-a")
    assert (civics.name, teachers(civics), roster(civics)) == (
        "Civics 8A",
        ["jbaker"],
        ["aosei", "skim"],
    )
    assert "1 enrollment of an aide, proctor or administrator skipped" in html


def test_a_1_2_delta_adds_renames_and_deactivates(staff_client):
    upload(staff_client, pack(district("v1.2-bulk")))
    html = upload(staff_client, pack(district("v1.2-delta"))).content.decode()
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "done", job.problems
    civics = Classroom.objects.get(sourced_id="k-civics-a")
    # u-kim's row carries no role: the role saved by the first import stands.
    kim = User.objects.get(sourced_id="u-kim")
    assert (kim.first_name, kim.role) == ("Sun-Hee", "student")
    osei = User.objects.get(sourced_id="u-osei")
    assert osei.is_active is False
    assert roster(civics) == ["mlee", "skim"]
    assert Enrollment.objects.get(sourced_id="n-3").removed_at is not None
    assert "1 account deactivated" in html
    assert "1 enrollment marked removed (work kept)" in html


def test_a_1_1_delta_refers_to_what_earlier_imports_saved(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    ben = User.objects.get(sourced_id="s-ben")
    response = upload(staff_client, pack(district("v1.1-delta")))
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "done", job.problems
    ush1 = Classroom.objects.get(sourced_id="class-ush-1")
    ush2 = Classroom.objects.get(sourced_id="class-ush-2")
    wh = Classroom.objects.get(sourced_id="class-wh-3")
    # tobedeleted: the account is deactivated, the class archived, the enrollment removed;
    # nothing is deleted.
    ben.refresh_from_db()
    assert ben.is_active is False
    assert wh.archived is True
    assert roster(wh) == ["ana.lopez", "chloe.ade", "dev.patel"]
    assert teachers(wh) == ["cokafor"]
    assert roster(ush1) == ["ben.cho", "eli.brown"]
    removed = Enrollment.objects.get(sourced_id="e-2")
    assert removed.removed_at is not None and removed.student.username == "ana.lopez"
    # A new class whose course, school and term came in the first zip.
    assert (ush2.name, teachers(ush2), roster(ush2)) == (
        "US History - Period 2",
        ["cokafor"],
        ["ana.lopez"],
    )
    assert User.objects.get(sourced_id="s-chloe").last_name == "Adé-Martin"
    assert response.status_code == 200


def test_an_archived_class_back_in_the_files_is_restored_with_a_free_code(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    upload(staff_client, pack(district("v1.1-delta")))
    wh = Classroom.objects.get(sourced_id="class-wh-3")
    Classroom.objects.create(name="Taken", join_code=wh.join_code)
    upload(staff_client, pack(district("v1.1-bulk")))
    wh.refresh_from_db()
    assert wh.archived is False
    assert (
        not Classroom.objects.filter(archived=False, join_code=wh.join_code)
        .exclude(pk=wh.pk)
        .exists()
    )


def test_a_bulk_file_puts_out_of_use_what_it_no_longer_lists(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    files = district("v1.1-bulk")
    files["users.csv"] = "".join(
        line for line in files["users.csv"].splitlines(True) if not line.startswith("s-dev,")
    )
    files["enrollments.csv"] = "".join(
        line
        for line in files["enrollments.csv"].splitlines(True)
        if not line.startswith(("e-7,", "e-8,"))
    )
    upload(staff_client, pack(files))
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "done", job.problems
    wh = Classroom.objects.get(sourced_id="class-wh-3")
    assert roster(wh) == ["chloe.ade"]
    assert Enrollment.objects.filter(sourced_id__in=["e-7", "e-8"], removed_at=None).count() == 0
    assert job.summary["enrollments_removed"] == 2


def test_an_existing_account_with_the_same_username_is_linked_not_duplicated(staff_client):
    ana = make_user("ana.lopez", first_name="Ana", last_name="Lopez")
    html = upload(staff_client, pack(district("v1.1-bulk"))).content.decode()
    ana.refresh_from_db()
    assert (ana.sourced_id, ana.last_name) == ("s-ana", "López")
    assert ana.has_usable_password()  # their own password still works
    assert "1 existing account linked by its username" in html
    assert User.objects.filter(username__iexact="ana.lopez").count() == 1


def test_a_student_who_joined_with_the_code_keeps_their_enrollment(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    ush = Classroom.objects.get(sourced_id="class-ush-1")
    eli = make_user("eli.brown")
    Enrollment.objects.create(classroom=ush, student=eli)
    files = district("v1.1-bulk")
    files["users.csv"] += "s-eli,,,true,org-hs,student,eli.brown,,Eli,Brown,,S1005,,,,,10,\n"
    files["enrollments.csv"] += "e-9,,,class-ush-1,org-hs,s-eli,student,false,,\n"
    upload(staff_client, pack(files))
    enrollment = Enrollment.objects.get(classroom=ush, student=eli)
    assert enrollment.sourced_id == "e-9"
    assert Enrollment.objects.filter(classroom=ush, student=eli).count() == 1


def test_the_class_pages_change_after_an_import(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    ush = Classroom.objects.get(sourced_id="class-ush-1")
    before = ush.stamp
    upload(staff_client, pack(district("v1.1-delta")))
    ush.refresh_from_db()
    assert ush.stamp != before


def test_files_in_one_folder_of_the_zip_are_read(staff_client):
    upload(staff_client, pack(district("v1.2-bulk"), folder="export-2026-11-29/"))
    assert OneRosterImport.objects.get().status == "done"
    assert Classroom.objects.filter(sourced_id="k-civics-a").exists()


def test_a_1_0_manifest_is_read_as_1_1(staff_client):
    files = edit("v1.1-bulk", "manifest", "oneroster.version,1.1", "oneroster.version,1.0")
    upload(staff_client, pack(files))
    job = OneRosterImport.objects.get()
    assert (job.status, job.version) == ("done", "1.0")


def test_people_and_classes_a_bulk_file_no_longer_lists_are_put_out_of_use(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    files = district("v1.1-bulk")
    dropped = ("s-chloe,", "class-wh-3,", "e-4,", "e-5,", "e-6,", "e-7,", "e-8,")
    for name in ("users.csv", "classes.csv", "enrollments.csv"):
        files[name] = "".join(
            line for line in files[name].splitlines(True) if not line.startswith(dropped)
        )
    html = upload(staff_client, pack(files)).content.decode()
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "done", job.problems
    assert "1 account deactivated" in html
    assert "1 class archived" in html
    assert User.objects.get(sourced_id="s-chloe").is_active is False
    wh = Classroom.objects.get(sourced_id="class-wh-3")
    assert wh.archived is True
    # Its roster and teachers are kept with the archived class.
    assert teachers(wh) == ["cokafor", "mrivera"]
    assert job.summary["enrollments_removed"] == 3


def test_the_benchmark_imports_the_district_it_makes(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("bench_oneroster", users=60, classes=4, oneroster="1.2", prefix="b", stdout=out)
    assert "first import:" in out.getvalue() and "same zip again:" in out.getvalue()
    assert User.objects.filter(sourced_id__startswith="b-user-", role="student").count() == 56
    assert Enrollment.objects.filter(sourced_id__startswith="b-enr-").count() == 56 * 3
    assert Classroom.objects.filter(sourced_id__startswith="b-class-").count() == 4


def test_a_renamed_person_changes_the_pages_of_their_classes(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    wh = Classroom.objects.get(sourced_id="class-wh-3")
    before = wh.stamp
    files = edit("v1.1-bulk", "users", "chloe.ade,,Chloé,Adé", "chloe.ade,,Chloé,Adé-Martin")
    upload(staff_client, pack(files))
    assert OneRosterImport.objects.latest("pk").summary == {
        "users_updated": 1,
        "administrators": 1,
        "users_skipped": 1,
        "unchanged": 16,
    }
    wh.refresh_from_db()
    assert wh.stamp != before
