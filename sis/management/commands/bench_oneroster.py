"""Time a OneRoster import of a made-up district on the current database.

    manage.py bench_oneroster                 # 20,000 people, 1,000 classes, OneRoster 1.1
    manage.py bench_oneroster --oneroster 1.2 --prefix run2

The zip is generated (every student in three classes, one teacher per class), imported by the
same job the worker runs, then imported again unchanged; both times are printed. The people
and classes stay in the database: use a database of its own (DATABASE_URL). Each zip is a bulk
zip of a whole district, so a run with another prefix puts the people and classes of earlier
runs out of use.
"""

import io
import random
import time
import zipfile

from django.core.management.base import BaseCommand

from sis.models import OneRosterImport
from sis.oneroster import archive_read
from sis.services import oneroster_import_run

CLASSES_PER_STUDENT = 3
SCHOOLS = 5


def _csv(header: str, rows) -> str:
    return header + "\n" + "".join(",".join(row) + "\n" for row in rows)


def district_zip(*, users: int, classes: int, version: str, prefix: str, seed: int = 1) -> bytes:
    """A OneRoster zip: a district, its schools, one school year, a course per five classes,
    a teacher per class (administrators making up one in twenty of the staff), and students
    for the rest of the people, each in CLASSES_PER_STUDENT classes."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, the same on every run
    p = prefix
    orgs = [(f"{p}-district", "", "", "District", "district", "", "")] + [
        (f"{p}-school-{n}", "", "", f"School {n}", "school", "", f"{p}-district")
        for n in range(SCHOOLS)
    ]
    sessions = [
        (f"{p}-sy", "", "", "2026-27", "schoolYear", "2026-08-20", "2027-06-10", "", "2027")
    ]
    courses = [
        (
            f"{p}-course-{n}",
            "",
            "",
            f"{p}-sy",
            f"Course {n}",
            f"C{n}",
            "10",
            f"{p}-school-{n % SCHOOLS}",
            "",
            "",
        )
        for n in range(max(classes // 5, 1))
    ]
    class_rows = [
        (
            f"{p}-class-{n}",
            "",
            "",
            f"History {n} - Period {n % 7 + 1}",
            "10",
            f"{p}-course-{n // 5}",
            f"H{n}",
            "scheduled",
            "",
            f"{p}-school-{(n // 5) % SCHOOLS}",
            f"{p}-sy",
            "",
            "",
            str(n % 7 + 1),
        )
        for n in range(classes)
    ]
    staff = classes
    people, roles, enrollments = [], [], []
    for n in range(users):
        sid = f"{p}-user-{n}"
        role = ("administrator" if n % 20 == 19 else "teacher") if n < staff else "student"
        school = f"{p}-school-{n % SCHOOLS}"
        people.append((sid, role, f"{p}.user{n}", f"Given{n}", f"Family{n}", school))
        roles.append((f"{p}-role-{n}", "", "", sid, "primary", role, "", "", school, ""))
    for n in range(classes):
        enrollments.append(
            (
                f"{p}-enr-t{n}",
                "",
                "",
                f"{p}-class-{n}",
                f"{p}-school-{(n // 5) % SCHOOLS}",
                f"{p}-user-{n}",
                "teacher",
                "true",
                "",
                "",
            )
        )
    for n in range(staff, users):
        for k, c in enumerate(rng.sample(range(classes), CLASSES_PER_STUDENT)):
            enrollments.append(
                (
                    f"{p}-enr-{n}-{k}",
                    "",
                    "",
                    f"{p}-class-{c}",
                    f"{p}-school-{(c // 5) % SCHOOLS}",
                    f"{p}-user-{n}",
                    "student",
                    "false",
                    "",
                    "",
                )
            )
    if version == "1.2":
        users_csv = _csv(
            "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
            "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
            "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
            "preferredFamilyName,primaryOrgSourcedId,pronouns",
            (
                (
                    sid,
                    "",
                    "",
                    "true",
                    name,
                    "",
                    given,
                    family,
                    "",
                    "",
                    f"{name}@example.org",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    school,
                    "",
                )
                for sid, _, name, given, family, school in people
            ),
        )
    else:
        users_csv = _csv(
            "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
            "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
            "password",
            (
                (
                    sid,
                    "",
                    "",
                    "true",
                    school,
                    role,
                    name,
                    "",
                    given,
                    family,
                    "",
                    "",
                    f"{name}@example.org",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
                for sid, role, name, given, family, school in people
            ),
        )
    files = {
        "manifest.csv": _csv(
            "propertyName,value",
            [("manifest.version", "1.0"), ("oneroster.version", version)]
            + [
                (f"file.{kind}", "bulk")
                for kind in [
                    "academicSessions",
                    "classes",
                    "courses",
                    "enrollments",
                    "orgs",
                    "users",
                ]
            ]
            + [("file.roles", "bulk" if version == "1.2" else "absent")],
        ),
        "orgs.csv": _csv(
            "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId", orgs
        ),
        "academicSessions.csv": _csv(
            "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
            sessions,
        ),
        "courses.csv": _csv(
            "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
            "orgSourcedId,subjects,subjectCodes",
            courses,
        ),
        "classes.csv": _csv(
            "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
            "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
            class_rows,
        ),
        "users.csv": users_csv,
        "enrollments.csv": _csv(
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
            "primary,beginDate,endDate",
            enrollments,
        ),
    }
    if version == "1.2":
        files["roles.csv"] = _csv(
            "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
            "orgSourcedId,userProfileSourcedId",
            roles,
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Generate a district's OneRoster zip and time its import on the current database."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=20_000)
        parser.add_argument("--classes", type=int, default=1_000)
        parser.add_argument("--oneroster", choices=["1.1", "1.2"], default="1.1", dest="or_version")
        parser.add_argument(
            "--prefix", default="bench", help="Starts every sourcedId and username."
        )

    def handle(self, *args, users, classes, or_version, prefix, **options):
        data = district_zip(users=users, classes=classes, version=or_version, prefix=prefix)
        self.stdout.write(
            f"OneRoster {or_version} zip: {users} people, {classes} classes, "
            f"{len(data) / 1024 / 1024:.1f} MB packed"
        )
        for label in ("first import", "same zip again"):
            archive = archive_read(data)
            job = OneRosterImport.objects.create(
                file_name=f"{prefix}.zip",
                version=or_version,
                archive=data,
                rows_total=archive.rows_total,
            )
            started, cpu = time.perf_counter(), time.process_time()
            outcome = oneroster_import_run(import_id=job.pk)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            job.refresh_from_db()
            if outcome != "done":
                self.stderr.write(f"{label}: {outcome}: {job.problems[:5]}")
                return
            counts = ", ".join(f"{name} {count}" for name, count in job.summary.items())
            self.stdout.write(
                f"{label}: {seconds:.1f} s ({cpu:.1f} s of this process's CPU; {counts})"
            )
