"""Hostile and unusual files: byte-order marks, Windows line ends, quoted commas and line
breaks, oversized fields, repeated column names, files with only a header, usernames of
admin accounts, records marked to be deleted and used in the same zip, and two imports of
the same zip at once."""

import pytest

from accounts.models import Classroom, Enrollment, User
from sis import services
from sis.models import OneRosterImport
from tests.conftest import make_user

from .conftest import district, edit, pack, upload
from .test_validation import refused, snapshot


def test_bom_crlf_and_quoted_commas_and_line_breaks_are_read(staff_client):
    files = district("v1.1-bulk")
    files = {name: "\ufeff" + text.replace("\n", "\r\n") for name, text in files.items()}
    files["classes.csv"] = files["classes.csv"].replace(
        "US History - Period 1,10,course-ush,HIS-110-1,scheduled,Room 204",
        '"US History, Period 1",10,course-ush,HIS-110-1,scheduled,"Room 204\r\nEast wing"',
    )
    upload(staff_client, pack(files))
    job = OneRosterImport.objects.get()
    assert job.status == "done", job.problems
    assert Classroom.objects.get(sourced_id="class-ush-1").name == "US History, Period 1"
    assert User.objects.get(sourced_id="s-ana").first_name == "Ana"


def test_a_row_spanning_lines_is_named_by_its_first_line(staff_client):
    files = edit(
        "v1.1-bulk",
        "users",
        "s-ana,,,true,org-hs,student,ana.lopez,,Ana,",
        's-ana,,,true,org-hs,student,ana.lopez,"two\nlines",Ana,',
    )
    files["users.csv"] = files["users.csv"].replace(",Ana,López,", ",Ana,L\x07ópez,")
    files["users.csv"] = files["users.csv"].replace(",Cho,", ",Ch\x07o,")
    problems = refused(staff_client, files)
    lines = files["users.csv"].split("\n")
    ana = next(i for i, text in enumerate(lines, 1) if text.startswith("s-ana"))
    ben = next(i for i, text in enumerate(lines, 1) if text.startswith("s-ben"))
    message = "familyName contains control or text-direction characters"
    assert problems == [
        ["users.csv", ana, "familyName", message],
        ["users.csv", ben, "familyName", message],
    ]


def test_a_field_too_long_for_csv_is_refused_with_its_file(staff_client):
    files = edit("v1.1-bulk", "users", ",Ana,López,", ",Ana,López" + "x" * 200_000 + ",")
    before = snapshot()
    upload(staff_client, pack(files))
    assert snapshot() == before
    job = OneRosterImport.objects.get()
    assert job.status == "failed"
    assert job.problems == [
        [
            "",
            0,
            "",
            "users.csv is not valid CSV near line 5: field larger than field limit (131072).",
        ]
    ]


def test_a_column_named_twice_is_refused(staff_client):
    files = edit(
        "v1.1-bulk",
        "users",
        "grades,password\n",
        "grades,username\n",
    )
    assert refused(staff_client, files) == [
        [
            "users.csv",
            1,
            "username",
            "the column username is in the header twice (columns 7 and 18)",
        ]
    ]


def test_a_bulk_file_with_only_its_header_lists_no_one(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    header = district("v1.1-bulk")["enrollments.csv"].split("\n")[0] + "\n"
    upload(staff_client, pack(district("v1.1-bulk", enrollments=header)))
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "done", job.problems
    assert Enrollment.objects.exists()
    assert not Enrollment.objects.filter(removed_at=None).exists()
    assert not Classroom.teachers.through.objects.exists()
    assert job.summary["teachers_removed"] == 3


def test_a_teacher_a_bulk_file_no_longer_lists_is_taken_off_the_class(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    co_teacher = make_user("local.co", role=User.Role.TEACHER)
    wh = Classroom.objects.get(sourced_id="class-wh-3")
    wh.teachers.add(co_teacher)
    files = edit(
        "v1.1-bulk", "enrollments", "e-4,,,class-wh-3,org-hs,t-okafor,teacher,true,,\n", ""
    )
    upload(staff_client, pack(files))
    assert OneRosterImport.objects.latest("pk").status == "done"
    assert sorted(wh.teachers.values_list("username", flat=True)) == ["local.co", "mrivera"]


@pytest.mark.parametrize(
    "flags", [{"is_staff": True}, {"is_superuser": True}, {"is_staff": True, "is_superuser": True}]
)
def test_an_admin_accounts_username_is_never_taken_over(staff_client, flags):
    admin = make_user("mrivera", role=User.Role.TEACHER, **flags)
    password, last_login = admin.password, admin.last_login
    problems = refused(staff_client, district("v1.1-bulk"))
    assert [
        "users.csv",
        2,
        "username",
        "username 'mrivera' belongs to an admin account",
    ] in problems
    admin.refresh_from_db()
    assert (admin.password, admin.last_login, admin.sourced_id, admin.is_active) == (
        password,
        last_login,
        "",
        True,
    )


def test_a_superuser_imported_earlier_keeps_their_standing(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    User.objects.filter(sourced_id="t-rivera").update(is_superuser=True)
    files = district("v1.1-delta")
    files["users.csv"] += (
        "t-rivera,tobedeleted,2026-11-02T08:00:00Z,true,org-hs,teacher,mrivera,,Maria,Rivera,"
        ",T100,,,,,,\n"
    )
    upload(staff_client, pack(files))
    assert OneRosterImport.objects.latest("pk").status == "done"
    assert User.objects.get(sourced_id="t-rivera").is_active


def test_an_admin_imported_earlier_keeps_their_username_and_email(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    User.objects.filter(sourced_id="t-rivera").update(is_staff=True)
    files = edit(
        "v1.1-bulk",
        "users",
        "mrivera,,Maria,Rivera,,T100,mrivera@lincoln.example.org",
        "maria.r,,María,Rivera,,T100,someone@elsewhere.example.com",
    )
    upload(staff_client, pack(files))
    assert OneRosterImport.objects.latest("pk").status == "done"
    admin = User.objects.get(sourced_id="t-rivera")
    assert (admin.username, admin.email, admin.first_name, admin.is_staff) == (
        "mrivera",
        "mrivera@lincoln.example.org",
        "María",
        True,
    )


def test_an_enrollment_of_a_person_or_class_the_same_zip_deletes_is_refused(staff_client):
    upload(staff_client, pack(district("v1.1-bulk")))
    files = district("v1.1-delta")
    files["enrollments.csv"] += (
        "e-30,active,2026-11-02T08:00:00Z,class-ush-1,org-hs,s-ben,student,false,,\n"
        "e-31,active,2026-11-02T08:00:00Z,class-wh-3,org-hs,s-chloe,student,false,,\n"
    )
    assert refused(staff_client, files) == [
        [
            "enrollments.csv",
            7,
            "userSourcedId",
            "userSourcedId 's-ben' is marked tobedeleted in users.csv (line 2)",
        ],
        [
            "enrollments.csv",
            8,
            "classSourcedId",
            "classSourcedId 'class-wh-3' is marked tobedeleted in classes.csv (line 2)",
        ],
    ]


def test_a_sourced_id_of_another_kind_of_record_is_not_a_reference(staff_client):
    # The same id names a person and a class; an enrollment naming a class's id as its
    # person, or an org's id as its class, is refused, never matched across kinds.
    files = edit("v1.1-bulk", "users", "s-dev,", "class-ush-1,")
    files["enrollments.csv"] = files["enrollments.csv"].replace(",s-dev,", ",class-ush-1,")
    upload(staff_client, pack(files))
    job = OneRosterImport.objects.get()
    assert job.status == "done", job.problems
    assert User.objects.get(sourced_id="class-ush-1").username == "dev.patel"
    assert Classroom.objects.get(sourced_id="class-ush-1").name == "US History - Period 1"
    files["enrollments.csv"] += "e-40,,,org-hs,org-hs,class-wh-3,student,false,,\n"
    assert refused(staff_client, files) == [
        [
            "enrollments.csv",
            10,
            "classSourcedId",
            "classSourcedId 'org-hs' is not in classes.csv (the zip)",
        ],
        [
            "enrollments.csv",
            10,
            "userSourcedId",
            "userSourcedId 'class-wh-3' is not in users.csv (the zip)",
        ],
    ]


def test_an_import_planned_before_another_saved_duplicates_nothing(staff_client, monkeypatch):
    # What two imports at once would do without the lock: the second plans from what the
    # database held before the first saved. The unique SIS ids refuse its copies.
    stale = services._known()
    upload(staff_client, pack(district("v1.1-bulk")))
    before = snapshot()
    monkeypatch.setattr(services, "_known", lambda: stale)
    upload(staff_client, pack(district("v1.1-bulk")))
    job = OneRosterImport.objects.latest("pk")
    assert (job.status, job.problems) == ("failed", [["", 0, "", services.RACED]])
    assert snapshot() == before


def test_an_email_too_long_to_save_is_a_problem_on_its_line(staff_client):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert len(email) > 254
    files = edit("v1.1-bulk", "users", "cokafor@lincoln.example.org", email)
    assert refused(staff_client, files) == [
        ["users.csv", 3, "email", "email is longer than 254 characters"]
    ]


def test_usernames_that_are_the_same_once_normalized_are_one_username(staff_client):
    files = edit("v1.1-bulk", "users", ",cokafor,", ",ＭRIVERA,")  # a fullwidth M
    assert refused(staff_client, files) == [
        ["users.csv", 3, "username", "username 'ＭRIVERA' is already on line 2"]
    ]
    local = make_user("cokafor.local")
    files = edit("v1.1-bulk", "users", ",cokafor,", ",ＣOKAFOR.local,")
    upload(staff_client, pack(files))
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "done", job.problems
    assert job.summary["users_linked"] == 1
    assert User.objects.get(sourced_id="t-okafor").pk == local.pk


def test_1_2_people_with_roles_at_several_schools(staff_client):
    # A district administrator (camelCase, as 1.2 spells it) whose primary role is at the
    # district and who teaches at the school; a teacher whose only role is secondary; a role
    # marked tobedeleted is not read.
    files = district("v1.2-bulk")
    files["users.csv"] += (
        "u-dist,,,true,dadmin,,Dana,Ward,,,,,,,,,DW-1,,,,,org-rsd,\n"
        "u-sub,,,true,ssub,,Sam,Sub,,,,,,,,,,,,,,org-rms,\n"
    )
    files["roles.csv"] += (
        "r-10,,,u-dist,primary,districtAdministrator,,,org-rsd,\n"
        "r-11,,,u-dist,secondary,teacher,,,org-rms,\n"
        "r-12,,,u-sub,secondary,Teacher,,,org-rms,\n"
        "r-13,tobedeleted,,u-sub,primary,student,,,org-rms,\n"
    )
    files["enrollments.csv"] += (
        "n-20,,,k-civics-a,org-rms,u-dist,teacher,false,,\n"
        "n-21,,,k-civics-a,org-rms,u-sub,teacher,false,,\n"
    )
    upload(staff_client, pack(files))
    job = OneRosterImport.objects.get()
    assert job.status == "done", job.problems
    dist, sub = User.objects.get(username="dadmin"), User.objects.get(username="ssub")
    assert (dist.role, dist.is_staff, sub.role) == ("teacher", False, "teacher")
    civics = Classroom.objects.get(sourced_id="k-civics-a")
    assert {"dadmin", "ssub"} <= set(civics.teachers.values_list("username", flat=True))


def test_a_zip_holding_two_exports_is_refused_on_the_form(staff_client):
    files = district("v1.1-bulk")
    older = {"2026-09/" + name: text for name, text in district("v1.2-bulk").items()}
    before = snapshot()
    response = upload(staff_client, pack(files | older))
    assert response.status_code == 400
    first = next(iter(older))
    name = first.removeprefix("2026-09/")
    assert (
        f"The zip holds {name} twice ({name} and {first}). Upload one export at a time."
        in response.content.decode()
    )
    assert not OneRosterImport.objects.exists()
    assert snapshot() == before


def test_a_role_of_a_person_the_same_zip_deletes_is_no_problem(staff_client):
    upload(staff_client, pack(district("v1.2-bulk")))
    files = district("v1.2-delta")
    files["roles.csv"] += "r-3,active,2026-11-20T10:00:00.000Z,u-osei,primary,student,,,org-rms,\n"
    upload(staff_client, pack(files))
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "done", job.problems
    assert not User.objects.get(sourced_id="u-osei").is_active
