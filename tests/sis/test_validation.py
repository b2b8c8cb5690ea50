"""A zip with any problem imports nothing: every problem is listed with its file, line and
field, and the database is as it was. An upload that is not a readable OneRoster zip is
refused on the form."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Classroom, Enrollment, User
from sis.models import DistrictRecord, OneRosterImport
from sis.oneroster import MAX_COMPRESSION_RATIO
from tests.conftest import make_user

from .conftest import district, edit, pack, upload


def snapshot() -> tuple:
    return (
        list(User.objects.order_by("pk").values()),
        list(Classroom.objects.order_by("pk").values()),
        list(Classroom.teachers.through.objects.order_by("pk").values()),
        list(Enrollment.objects.order_by("pk").values()),
        list(DistrictRecord.objects.order_by("pk").values()),
    )


def refused(client, files: dict[str, str]) -> list[list]:
    """Upload the files, check nothing changed, and return the problems reported."""
    before = snapshot()
    response = upload(client, pack(files))
    assert response.status_code == 200
    assert snapshot() == before
    job = OneRosterImport.objects.latest("pk")
    assert job.status == "failed"
    assert job.archive == b""
    html = response.content.decode()
    assert "The files were not imported and nothing was saved." in html
    for file, line, field, message in job.problems:
        text = escape(message)
        assert f"<tr><td>{file}</td><td>{line}</td><td>{field}</td><td>{text}</td></tr>" in html
    return job.problems


@pytest.fixture
def imported(staff_client):
    """The 1.1 district imported once, so later zips can be checked against it."""
    upload(staff_client, pack(district("v1.1-bulk")))
    assert OneRosterImport.objects.get().status == "done"
    return staff_client


def test_an_enrollment_of_an_unknown_person_or_class(staff_client):
    files = district("v1.1-bulk")
    files["enrollments.csv"] += (
        "e-20,,,class-ush-1,org-hs,s-nobody,student,false,,\n"
        "e-21,,,class-missing,org-hs,s-ben,student,false,,\n"
    )
    assert refused(staff_client, files) == [
        [
            "enrollments.csv",
            10,
            "userSourcedId",
            "userSourcedId 's-nobody' is not in users.csv (the zip)",
        ],
        [
            "enrollments.csv",
            11,
            "classSourcedId",
            "classSourcedId 'class-missing' is not in classes.csv (the zip)",
        ],
    ]


def test_a_class_with_an_unknown_course_school_or_term(staff_client):
    files = edit(
        "v1.1-bulk",
        "classes",
        'course-wh,HIS-120-3,scheduled,Room 110,org-hs,"term-fall,term-2026"',
        'course-art,HIS-120-3,scheduled,Room 110,org-ms,"term-fall,term-2030"',
    )
    assert refused(staff_client, files) == [
        [
            "classes.csv",
            3,
            "courseSourcedId",
            "courseSourcedId 'course-art' is not in courses.csv (the zip)",
        ],
        [
            "classes.csv",
            3,
            "schoolSourcedId",
            "schoolSourcedId 'org-ms' is not in orgs.csv (the zip)",
        ],
        [
            "classes.csv",
            3,
            "termSourcedIds",
            "termSourcedIds 'term-2030' is not in academicSessions.csv (the zip)",
        ],
    ]


def test_a_delta_may_refer_to_earlier_imports_but_not_to_unknown_records(imported):
    files = district("v1.1-delta")
    files["classes.csv"] += (
        "class-x,active,2026-11-02T08:00:00Z,Art,9,course-art,A,scheduled,,org-hs,term-fall,,,1\n"
    )
    files["enrollments.csv"] += (
        "e-30,active,2026-11-02T08:00:00Z,class-ush-1,org-hs,s-ghost,student,false,,\n"
    )
    assert refused(imported, files) == [
        [
            "classes.csv",
            4,
            "courseSourcedId",
            "courseSourcedId 'course-art' is not in courses.csv (the zip or earlier imports)",
        ],
        [
            "enrollments.csv",
            7,
            "userSourcedId",
            "userSourcedId 's-ghost' is not in users.csv (the zip or earlier imports)",
        ],
    ]


def test_duplicate_ids_and_usernames(staff_client):
    files = district("v1.1-bulk")
    files["users.csv"] += (
        "s-ana,,,true,org-hs,student,ana2,,Ana,Two,,,,,,,10,\n"
        "s-new,,,true,org-hs,student,Ana.Lopez,,Ana,Three,,,,,,,10,\n"
    )
    files["enrollments.csv"] += "e-1,,,class-ush-1,org-hs,s-ben,student,false,,\n"
    problems = refused(staff_client, files)
    assert problems == [
        ["enrollments.csv", 10, "sourcedId", "sourcedId 'e-1' is already on line 2"],
        ["users.csv", 10, "sourcedId", "sourcedId 's-ana' is already on line 5"],
        ["users.csv", 11, "username", "username 'Ana.Lopez' is already on line 5"],
    ]


def test_the_same_person_twice_in_one_class(staff_client):
    files = district("v1.1-bulk")
    files["enrollments.csv"] += "e-40,,,class-ush-1,org-hs,s-ana,student,false,,\n"
    assert refused(staff_client, files) == [
        [
            "enrollments.csv",
            10,
            "sourcedId",
            "this person is already enrolled in this class on line 3",
        ]
    ]


def test_unknown_roles_in_1_1(staff_client):
    files = edit("v1.1-bulk", "users", "org-hs,student,ben.cho", "org-hs,pupil,ben.cho")
    files["enrollments.csv"] = files["enrollments.csv"].replace(
        "org-hs,s-chloe,student", "org-hs,s-chloe,learner"
    )
    assert refused(staff_client, files) == [
        ["enrollments.csv", 7, "role", "role 'learner' is not a OneRoster enrollment role"],
        ["users.csv", 6, "role", "role 'pupil' is not a OneRoster role"],
    ]


def test_unknown_roles_and_people_without_one_in_1_2(staff_client):
    files = edit("v1.2-bulk", "roles", "u-kim,primary,student", "u-kim,primary,learner")
    files["roles.csv"] = files["roles.csv"].replace("r-3,,,u-osei,primary,student,,,org-rms,\n", "")
    problems = refused(staff_client, files)
    assert problems == [
        ["roles.csv", 3, "role", "role 'learner' is not a OneRoster role"],
    ]
    # With the role fixed, the person left without one is found.
    files["roles.csv"] = files["roles.csv"].replace("learner", "student")
    assert refused(staff_client, files) == [
        ["users.csv", 4, "sourcedId", "this person has no role in roles.csv"],
    ]


def test_a_person_enrolled_in_a_role_they_do_not_have(staff_client):
    files = district("v1.1-bulk")
    files["enrollments.csv"] += (
        "e-50,,,class-ush-1,org-hs,t-okafor,student,false,,\n"
        "e-51,,,class-ush-1,org-hs,p-lopez,student,false,,\n"
    )
    assert refused(staff_client, files) == [
        [
            "enrollments.csv",
            10,
            "role",
            "userSourcedId 't-okafor' is a teacher here, so can't be enrolled as a student",
        ],
        [
            "enrollments.csv",
            11,
            "role",
            "userSourcedId 'p-lopez' gets no account here (aide, guardian, parent, relative, "
            "proctor or counselor), so can't be enrolled as a student",
        ],
    ]


def test_a_missing_required_column(staff_client):
    files = district("v1.1-bulk")
    files["users.csv"] = files["users.csv"].replace(",givenName,", ",firstName,", 1)
    files["classes.csv"] = files["classes.csv"].replace(",courseSourcedId,", ",course,", 1)
    assert refused(staff_client, files) == [
        [
            "classes.csv",
            1,
            "courseSourcedId",
            "the column courseSourcedId is missing from the header",
        ],
        ["users.csv", 1, "givenName", "the column givenName is missing from the header"],
    ]


def test_a_delta_file_needs_status_and_date_columns_and_values(imported):
    files = district("v1.1-delta")
    files["users.csv"] = files["users.csv"].replace(
        "s-eli,active,2026-11-02T08:00:00Z,", "s-eli,,yesterday,"
    )
    header, *rows = files["classes.csv"].splitlines(True)
    files["classes.csv"] = header.replace("status,", "", 1) + "".join(
        row.replace(",active,", ",", 1).replace(",tobedeleted,", ",", 1) for row in rows
    )
    assert refused(imported, files) == [
        ["classes.csv", 1, "status", "the column status is missing from the header"],
        ["users.csv", 4, "dateLastModified", "dateLastModified 'yesterday' is not a date"],
        ["users.csv", 4, "status", "status is empty; a delta file gives active or tobedeleted"],
    ]


def test_empty_required_values_and_bad_fields(staff_client):
    files = edit(
        "v1.1-bulk",
        "users",
        "s-ben,,,true,org-hs,student,ben.cho,,Ben,Cho,,S1002,,",
        "s-ben,,,maybe,org-hs,student,ben cho!,,,Cho,,S1002,not-an-address,",
    )
    assert refused(staff_client, files) == [
        ["users.csv", 6, "email", "email 'not-an-address' is not a valid address"],
        ["users.csv", 6, "enabledUser", "enabledUser 'maybe' is not true or false"],
        ["users.csv", 6, "givenName", "givenName is empty"],
        [
            "users.csv",
            6,
            "username",
            "username 'ben cho!' may only contain letters, digits and @ . + - _",
        ],
    ]


def test_a_file_the_manifest_lists_but_the_zip_lacks(staff_client):
    assert refused(staff_client, district("v1.1-bulk", enrollments=None)) == [
        [
            "manifest.csv",
            11,
            "value",
            "file.enrollments is bulk, but enrollments.csv is not in the zip",
        ],
    ]


def test_a_username_held_by_another_account(staff_client):
    make_user("ben.cho").__class__.objects.filter(username="ben.cho").update(sourced_id="other")
    make_user("mrivera", is_staff=True)
    assert refused(staff_client, district("v1.1-bulk")) == [
        ["users.csv", 2, "username", "username 'mrivera' belongs to an admin account"],
        [
            "users.csv",
            6,
            "username",
            "username 'ben.cho' belongs to another account (SIS id 'other')",
        ],
    ]


def test_problems_are_listed_whole_even_when_there_are_many(staff_client):
    files = district("v1.1-bulk")
    files["enrollments.csv"] += "".join(
        f"x-{n},,,class-ush-1,org-hs,s-missing-{n},student,false,,\n" for n in range(1200)
    )
    before = snapshot()
    html = upload(staff_client, pack(files)).content.decode()
    job = OneRosterImport.objects.get()
    assert (job.status, job.problems_total, len(job.problems)) == ("failed", 1200, 1000)
    assert "Fix these 1200 problems and upload the zip again. The first 1000 are listed." in html
    assert snapshot() == before


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.csv", district("v1.1-bulk")["manifest.csv"])
        zf.writestr("users.csv", b"a" * (MAX_COMPRESSION_RATIO * 40_000))
    return buffer.getvalue()


def latin1_users() -> bytes:
    files: dict = district("v1.1-bulk")
    files["users.csv"] = files["users.csv"].encode("latin-1")
    return pack(files)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"sourcedId,status\n1,active\n", "The file is not a zip."),
        (pack({"users.csv": "sourcedId\n"}), "The zip has no manifest.csv"),
        (bomb(), "users.csv unpacks to over 200 times its packed size"),
        (latin1_users(), "users.csv is not UTF-8 text (line 5)."),
        (
            pack(edit("v1.1-bulk", "manifest", "oneroster.version,1.1", "oneroster.version,2.0")),
            "manifest.csv gives oneroster.version &#x27;2.0&#x27;; this app reads OneRoster 1.0, "
            "1.1 and 1.2.",
        ),
        (
            pack(edit("v1.1-bulk", "manifest", "file.users,bulk", "file.users,full")),
            "In manifest.csv, file.users is &#x27;full&#x27;. Each file is bulk, delta or absent.",
        ),
    ],
    ids=["not-a-zip", "no-manifest", "zip-bomb", "not-utf8", "unknown-version", "bad-mode"],
)
def test_an_unreadable_upload_is_refused_on_the_form(staff_client, data, message):
    before = snapshot()
    response = upload(staff_client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OneRosterImport.objects.exists()
    assert snapshot() == before


def test_a_zip_over_the_size_limit_is_refused(staff_client, settings, monkeypatch):
    monkeypatch.setattr("sis.forms.UPLOAD_MAX_BYTES", 1000)
    response = upload(staff_client, pack(district("v1.1-bulk")) + b"\0" * 1000)
    assert response.status_code == 400
    assert "The zip is larger than" in response.content.decode()
    assert not OneRosterImport.objects.exists()


def test_no_file_chosen(staff_client):
    response = staff_client.post(reverse("sis:import-new"), {})
    assert response.status_code == 400
    assert "Choose the zip file to upload." in response.content.decode()


def test_a_person_in_an_unknown_school(staff_client):
    files = edit("v1.1-bulk", "users", "s-ben,,,true,org-hs,", "s-ben,,,true,org-ms,")
    assert refused(staff_client, files) == [
        ["users.csv", 6, "orgSourcedIds", "orgSourcedIds 'org-ms' is not in orgs.csv (the zip)"]
    ]
    files = edit("v1.2-bulk", "users", ",,,,,,,org-rms,\n", ",,,,,,,org-x,\n")
    assert refused(staff_client, files)[0][2:] == [
        "primaryOrgSourcedId",
        "primaryOrgSourcedId 'org-x' is not in orgs.csv (the zip)",
    ]


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("FILE_MAX_BYTES", "users.csv is larger than"),
        ("ARCHIVE_MAX_UNPACKED", "The zip&#x27;s files add up to more than"),
        ("ARCHIVE_MAX_MEMBERS", "The zip holds more than"),
    ],
)
def test_a_zip_whose_files_are_too_big_or_too_many_is_refused(
    staff_client, monkeypatch, limit, message
):
    files = district("v1.1-bulk")
    files["users.csv"] += "".join(
        f"s-{n},,,true,org-hs,student,pupil{n},,Pupil,{n},,,,,,,10,\n" for n in range(100)
    )
    monkeypatch.setattr(f"sis.oneroster.{limit}", 5 if limit == "ARCHIVE_MAX_MEMBERS" else 4000)
    before = snapshot()
    response = upload(staff_client, pack(files))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OneRosterImport.objects.exists()
    assert snapshot() == before
