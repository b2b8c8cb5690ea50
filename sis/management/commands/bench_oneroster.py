"""Time a OneRoster import of a made-up district on the current database.

    manage.py bench_oneroster                 # 20,000 people, 1,000 classes, OneRoster 1.1
    manage.py bench_oneroster --oneroster 1.2 --prefix run2

The zip is generated (every student in three classes, one teacher per class), imported by the
same job the worker runs, then imported again unchanged; both times are printed. The people
and classes stay in the database: use a database of its own (DATABASE_URL). Each zip is a bulk
zip of a whole district, so a run with another prefix puts the people and classes of earlier
runs out of use.
"""

import csv
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


COLUMNS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
    "parentSourcedId,schoolYear",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
    "orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
    "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "users-1.1": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,"
    "userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
    "password",
    "users-1.2": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
    "preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
    "userSourcedId,role,primary,beginDate,endDate",
}


def _csv(columns: str, rows) -> str:
    """A OneRoster file: the header, then each row's values (empty where a row has none)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, columns.split(","), restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def district_zip(*, users: int, classes: int, version: str, prefix: str, seed: int = 1) -> bytes:
    """A OneRoster bulk zip: a district, its schools, one school year, a course per five
    classes, a teacher per class (administrators making up one in twenty of them), and
    students for the rest of the people, each in CLASSES_PER_STUDENT classes."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, the same on every run
    p = prefix

    def school(n: int) -> str:
        return f"{p}-school-{n % SCHOOLS}"

    orgs = [{"sourcedId": f"{p}-district", "name": "District", "type": "district"}] + [
        {"sourcedId": school(n), "name": f"School {n}", "type": "school",
         "parentSourcedId": f"{p}-district"}
        for n in range(SCHOOLS)
    ]  # fmt: skip
    sessions = [
        {"sourcedId": f"{p}-sy", "title": "2026-27", "type": "schoolYear",
         "startDate": "2026-08-20", "endDate": "2027-06-10", "schoolYear": "2027"}
    ]  # fmt: skip
    courses = [
        {"sourcedId": f"{p}-course-{n}", "schoolYearSourcedId": f"{p}-sy",
         "title": f"Course {n}", "orgSourcedId": school(n)}
        for n in range(max(classes // 5, 1))
    ]  # fmt: skip
    class_rows = [
        {"sourcedId": f"{p}-class-{n}", "title": f"History {n} - Period {n % 7 + 1}",
         "courseSourcedId": f"{p}-course-{n // 5}", "schoolSourcedId": school(n // 5),
         "termSourcedIds": f"{p}-sy", "periods": str(n % 7 + 1)}
        for n in range(classes)
    ]  # fmt: skip
    people, roles, enrollments = [], [], []
    for n in range(users):
        role = ("administrator" if n % 20 == 19 else "teacher") if n < classes else "student"
        sid = f"{p}-user-{n}"
        person = {
            "sourcedId": sid,
            "enabledUser": "true",
            "username": f"{p}.user{n}",
            "givenName": f"Given{n}",
            "familyName": f"Family{n}",
            "email": f"{p}.user{n}@example.org",
        }
        if version == "1.2":
            person["primaryOrgSourcedId"] = school(n)
            roles.append(
                {"sourcedId": f"{p}-role-{n}", "userSourcedId": sid, "roleType": "primary",
                 "role": role, "orgSourcedId": school(n)}
            )  # fmt: skip
        else:
            person |= {"orgSourcedIds": school(n), "role": role}
        people.append(person)

    def enroll(sid: str, n: int, c: int, role: str) -> None:
        enrollments.append(
            {"sourcedId": sid, "classSourcedId": f"{p}-class-{c}",
             "schoolSourcedId": school(c // 5), "userSourcedId": f"{p}-user-{n}", "role": role,
             "primary": "true" if role == "teacher" else "false"}
        )  # fmt: skip

    for n in range(classes):
        enroll(f"{p}-enr-t{n}", n, n, "teacher")
    for n in range(classes, users):
        for k, c in enumerate(rng.sample(range(classes), CLASSES_PER_STUDENT)):
            enroll(f"{p}-enr-{n}-{k}", n, c, "student")
    kinds = ["academicSessions", "classes", "courses", "enrollments", "orgs", "users", "roles"]
    manifest = [
        {"propertyName": "manifest.version", "value": "1.0"},
        {"propertyName": "oneroster.version", "value": version},
    ] + [
        {"propertyName": f"file.{kind}",
         "value": "absent" if kind == "roles" and version != "1.2" else "bulk"}
        for kind in kinds
    ]  # fmt: skip
    files = {
        "manifest.csv": _csv("propertyName,value", manifest),
        "orgs.csv": _csv(COLUMNS["orgs"], orgs),
        "academicSessions.csv": _csv(COLUMNS["academicSessions"], sessions),
        "courses.csv": _csv(COLUMNS["courses"], courses),
        "classes.csv": _csv(COLUMNS["classes"], class_rows),
        "users.csv": _csv(COLUMNS[f"users-{version}"], people),
        "enrollments.csv": _csv(COLUMNS["enrollments"], enrollments),
    }
    if version == "1.2":
        files["roles.csv"] = _csv(COLUMNS["roles"], roles)
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
