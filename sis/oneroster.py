"""Reading a OneRoster 1.0, 1.1 or 1.2 CSV zip: the archive checked as a whole, then every
row of every file checked on its own, each problem named by file, line and field.

References between files, and to what earlier imports saved, are checked in sis.services.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

UPLOAD_MAX_BYTES = 50 * 1024 * 1024
# What the files may add up to once unpacked, each on its own and all together.
FILE_MAX_BYTES = 100 * 1024 * 1024
ARCHIVE_MAX_UNPACKED = 300 * 1024 * 1024
# A CSV file compresses well, but not this well: more is a zip bomb.
MAX_COMPRESSION_RATIO = 200
ARCHIVE_MAX_MEMBERS = 100
PROBLEMS_KEPT = 1000
PROGRESS_LINES = 500  # lines read between reports of progress

VERSIONS = {"1.0", "1.1", "1.2"}
MODES = {"bulk", "delta", "absent"}
STATUSES = {"active", "tobedeleted"}

# The files this app reads, in the order they are checked; the rest (demographics, results,
# line items, resources...) may be in the zip and are left alone.
KINDS = ["orgs", "academicSessions", "courses", "users", "roles", "classes", "enrollments"]

# The columns each file must have (beyond sourcedId, status and dateLastModified) and which
# of them must have a value in every row.
COLUMNS = {
    "orgs": {"name": True, "type": True, "parentSourcedId": False},
    "academicSessions": {"title": True, "type": True},
    "courses": {"title": True, "orgSourcedId": True},
    "classes": {
        "title": True,
        "courseSourcedId": True,
        "schoolSourcedId": True,
        "termSourcedIds": True,
    },
    "users": {
        "enabledUser": False,
        "username": True,
        "givenName": True,
        "familyName": True,
    },
    "roles": {"userSourcedId": True, "roleType": True, "role": True, "orgSourcedId": True},
    "enrollments": {
        "classSourcedId": True,
        "schoolSourcedId": True,
        "userSourcedId": True,
        "role": True,
    },
}
# Read when present.
OPTIONAL_COLUMNS = {
    "users": ["email", "orgSourcedIds", "primaryOrgSourcedId"],
    "courses": ["schoolYearSourcedId"],
}

# People's roles, as OneRoster 1.1 (users.csv) and 1.2 (roles.csv) spell them, lower-cased,
# and what each becomes here: a student, a teacher, or no account at all.
STUDENT, TEACHER, SKIPPED = "student", "teacher", ""
USER_ROLES = {
    "student": STUDENT,
    "teacher": TEACHER,
    # School and district administrators teach here; an admin makes them staff by hand.
    "administrator": TEACHER,
    "districtadministrator": TEACHER,
    "siteadministrator": TEACHER,
    "systemadministrator": TEACHER,
    "principal": TEACHER,
    # No one else signs in to the app.
    "aide": SKIPPED,
    "counselor": SKIPPED,
    "guardian": SKIPPED,
    "parent": SKIPPED,
    "proctor": SKIPPED,
    "relative": SKIPPED,
}
ADMINISTRATOR_ROLES = {role for role, kind in USER_ROLES.items() if kind == TEACHER} - {"teacher"}
ENROLLMENT_ROLES = {
    "student": STUDENT,
    "teacher": TEACHER,
    "administrator": SKIPPED,
    "aide": SKIPPED,
    "proctor": SKIPPED,
}
ROLE_TYPES = {"primary", "secondary"}

UNSAFE_TEXT = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
NAME_MAX = 150
EMAIL_MAX = 254  # the longest address an account keeps
validate_username = UnicodeUsernameValidator()


def fold_username(username: str) -> str:
    """A username as it is saved (NFKC, like Django's), in lower case: two usernames that
    fold alike are one account's."""
    return unicodedata.normalize("NFKC", username).lower()


class OneRosterError(Exception):
    """The upload as a whole can't be read: not a zip, too big, no manifest, not UTF-8."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def as_list(self) -> list:
        return [self.file, self.line, self.field, self.message]


class Row(dict):
    """One record: the values of the columns read by name (empty for a column the file
    lacks), its line and whether it is active (not `tobedeleted`)."""

    __slots__ = ("line", "sourced_id", "active")

    def __init__(self, values: dict[str, str], *, line: int) -> None:
        super().__init__(values)
        self.line = line
        self.sourced_id = values["sourcedId"]
        self.active = values.get("status", "").lower() != "tobedeleted"

    def __missing__(self, name: str) -> str:
        return ""

    def ids(self, name: str) -> list[str]:
        """A column holding several ids, comma-separated."""
        return [part.strip() for part in self[name].split(",") if part.strip()]


@dataclass
class Manifest:
    version: str
    modes: dict[str, str]  # kind -> bulk / delta (absent kinds are left out)
    lines: dict[str, int]  # kind -> its line in manifest.csv


@dataclass
class Archive:
    """The zip's manifest and the text of each file it lists."""

    manifest: Manifest
    texts: dict[str, str]
    rows_total: int


@dataclass
class Parsed:
    """Every file's rows by sourcedId, and every problem found in them."""

    version: str
    modes: dict[str, str]
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, "absent")


def file_name(kind: str) -> str:
    return f"{kind}.csv"


def _member_text(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> str:
    # Read no more than the limit, whatever the entry's header claims its size is.
    with zf.open(info) as member:
        data = member.read(FILE_MAX_BYTES + 1)
    if len(data) > FILE_MAX_BYTES:
        raise OneRosterError(f"{name} is larger than {FILE_MAX_BYTES // 1024 // 1024} MB.")
    if b"\x00" in data:
        raise OneRosterError(f"{name} is not a CSV text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OneRosterError(
            f"{name} is not UTF-8 text (line {line}). Export the files from your information "
            "system as UTF-8 and upload the zip again."
        ) from None


def _members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = [info for info in zf.infolist() if not info.is_dir()]
    if len(infos) > ARCHIVE_MAX_MEMBERS:
        raise OneRosterError(f"The zip holds more than {ARCHIVE_MAX_MEMBERS} files.")
    if sum(info.file_size for info in infos) > ARCHIVE_MAX_UNPACKED:
        raise OneRosterError(
            f"The zip's files add up to more than {ARCHIVE_MAX_UNPACKED // 1024 // 1024} MB."
        )
    members = {}
    for info in infos:
        if info.file_size > FILE_MAX_BYTES:
            raise OneRosterError(
                f"{info.filename} is larger than {FILE_MAX_BYTES // 1024 // 1024} MB."
            )
        if info.file_size > 1024 * 1024 and (
            info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            raise OneRosterError(
                f"{info.filename} unpacks to over {MAX_COMPRESSION_RATIO} times its packed "
                "size, which no roster file does. Upload the zip your information system made."
            )
        # Files at the top of the zip, or all in one folder; a Mac's resource forks are not
        # files of the export.
        if info.filename.startswith("__MACOSX/"):
            continue
        name = info.filename.rsplit("/", 1)[-1]
        if name in members:
            # Two exports in one zip: which one is meant is anyone's guess.
            raise OneRosterError(
                f"The zip holds {name} twice ({members[name].filename} and {info.filename}). "
                "Upload one export at a time."
            )
        members[name] = info
    return members


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    ended = 0
    try:
        for row in reader:
            yield ended + 1, row
            ended = reader.line_num
    except csv.Error as exc:
        raise OneRosterError(
            f"{name} is not valid CSV near line {reader.line_num}: {exc}."
        ) from None


def manifest_read(text: str) -> Manifest:
    """The version and each file's mode; OneRosterError when the manifest can't be used."""
    properties: dict[str, tuple[int, str]] = {}
    rows = _csv_rows(text, "manifest.csv")
    header = next(rows, None)
    if header is None or [cell.strip().lower() for cell in header[1][:2]] != [
        "propertyname",
        "value",
    ]:
        raise OneRosterError("manifest.csv must start with the columns propertyName,value.")
    for line, row in rows:
        if len(row) >= 2 and row[0].strip():
            properties[row[0].strip()] = (line, row[1].strip())
    version = properties.get("oneroster.version", (0, ""))[1]
    if version not in VERSIONS:
        raise OneRosterError(
            "manifest.csv gives oneroster.version "
            + (repr(version) if version else "no value")
            + "; this app reads OneRoster 1.0, 1.1 and 1.2."
        )
    modes, lines, bad = {}, {}, []
    for kind in KINDS:
        line, mode = properties.get(f"file.{kind}", (0, "absent"))
        mode = mode.lower() or "absent"
        if mode not in MODES:
            bad.append(f"file.{kind} is {mode!r}")
        elif mode != "absent":
            modes[kind], lines[kind] = mode, line
    if bad:
        raise OneRosterError(
            "In manifest.csv, " + "; ".join(bad) + ". Each file is bulk, delta or absent."
        )
    if version != "1.2":
        modes.pop("roles", None)
    if not modes:
        raise OneRosterError("manifest.csv lists no orgs, users, classes or enrollments to import.")
    return Manifest(version=version, modes=modes, lines=lines)


def archive_read(data: bytes) -> Archive:
    """The manifest and the text of each listed file; OneRosterError for an upload that is not
    a readable OneRoster zip. A listed file missing from the zip is left for the check."""
    if len(data) > UPLOAD_MAX_BYTES:
        raise OneRosterError(f"The zip is larger than {UPLOAD_MAX_BYTES // 1024 // 1024} MB.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise OneRosterError(
            "The file is not a zip. Upload the .zip file your information system exports "
            "(OneRoster CSV), with manifest.csv in it."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = _members(zf)
            if "manifest.csv" not in members:
                raise OneRosterError(
                    "The zip has no manifest.csv, so it is not a OneRoster export."
                )
            manifest = manifest_read(_member_text(zf, members["manifest.csv"], "manifest.csv"))
            texts = {
                kind: _member_text(zf, members[file_name(kind)], file_name(kind))
                for kind in manifest.modes
                if file_name(kind) in members
            }
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise OneRosterError(f"The zip can't be unpacked: {exc}.") from None
    except RuntimeError as exc:  # an encrypted entry
        raise OneRosterError(f"The zip can't be unpacked: {exc}.") from None
    rows_total = sum(max(text.count("\n"), 1) for text in texts.values())
    return Archive(manifest=manifest, texts=texts, rows_total=rows_total)


def _header(header: list[str], kind: str, version: str, mode: str) -> tuple[dict, list[Problem]]:
    """Column positions by name; a problem for each required column missing."""
    positions: dict[str, int] = {}
    twice: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(header):
        positions.setdefault(name.strip().lower(), index)
        twice[name.strip().lower()].append(index + 1)
    wanted = ["sourcedId", "status", "dateLastModified", *COLUMNS[kind]]
    if kind == "users" and version != "1.2":
        wanted.append("role")
    found, problems = {}, []
    # A column read here and named twice: which of the two holds the value is anyone's guess.
    for name in [*wanted, *OPTIONAL_COLUMNS.get(kind, [])]:
        where = twice.get(name.lower(), [])
        if len(where) > 1:
            problems.append(
                Problem(
                    file_name(kind),
                    1,
                    name,
                    f"the column {name} is in the header twice (columns "
                    + ", ".join(map(str, where[:-1]))
                    + f" and {where[-1]})",
                )
            )
    for name in wanted:
        if name.lower() in positions:
            found[name] = positions[name.lower()]
        elif name in {"status", "dateLastModified"} and mode == "bulk":
            continue  # bulk files may leave them out
        else:
            problems.append(
                Problem(file_name(kind), 1, name, f"the column {name} is missing from the header")
            )
    for name in OPTIONAL_COLUMNS.get(kind, []):
        if name.lower() in positions:
            found[name] = positions[name.lower()]
    return found, problems


def _check_date(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _row_problems(kind: str, row: Row, version: str, mode: str) -> list[tuple[str, str]]:
    """(field, message) for each bad value of one row."""
    problems = []
    status = row["status"].lower()
    if status and status not in STATUSES:
        problems.append(("status", f"status {row['status']!r} is not active or tobedeleted"))
    if mode == "delta":
        if not status:
            problems.append(("status", "status is empty; a delta file gives active or tobedeleted"))
        if not row["dateLastModified"]:
            problems.append(("dateLastModified", "dateLastModified is empty in a delta file"))
    if row["dateLastModified"] and not _check_date(row["dateLastModified"]):
        problems.append(
            ("dateLastModified", f"dateLastModified {row['dateLastModified']!r} is not a date")
        )
    if len(row.sourced_id) > 255:
        problems.append(("sourcedId", "sourcedId is longer than 255 characters"))
    required = dict(COLUMNS[kind])
    if kind == "users" and version != "1.2":
        required["role"] = True
    for name, needed in required.items():
        if needed and not row[name]:
            problems.append((name, f"{name} is empty"))
    if kind == "users":
        problems.extend(_user_problems(row, version))
    elif kind == "roles":
        if row["role"] and row["role"].lower() not in USER_ROLES:
            problems.append(("role", f"role {row['role']!r} is not a OneRoster role"))
        if row["roleType"] and row["roleType"].lower() not in ROLE_TYPES:
            problems.append(
                ("roleType", f"roleType {row['roleType']!r} is not primary or secondary")
            )
    elif kind == "enrollments":
        if row["role"] and row["role"].lower() not in ENROLLMENT_ROLES:
            problems.append(("role", f"role {row['role']!r} is not a OneRoster enrollment role"))
    elif kind == "classes" and UNSAFE_TEXT.search(row["title"]):
        problems.append(("title", "title contains control or text-direction characters"))
    return problems


def _user_problems(row: Row, version: str) -> list[tuple[str, str]]:
    problems = []
    if version != "1.2" and row["role"] and row["role"].lower() not in USER_ROLES:
        problems.append(("role", f"role {row['role']!r} is not a OneRoster role"))
    if row["enabledUser"] and row["enabledUser"].lower() not in {"true", "false"}:
        problems.append(("enabledUser", f"enabledUser {row['enabledUser']!r} is not true or false"))
    for name in ("givenName", "familyName"):
        if UNSAFE_TEXT.search(row[name]):
            problems.append((name, f"{name} contains control or text-direction characters"))
        elif len(row[name]) > NAME_MAX:
            problems.append((name, f"{name} is longer than {NAME_MAX} characters"))
    username = row["username"]
    if username:
        if len(username) > NAME_MAX:
            problems.append(("username", f"username is longer than {NAME_MAX} characters"))
        else:
            try:
                validate_username(username)
            except ValidationError:
                problems.append(
                    (
                        "username",
                        f"username {username!r} may only contain letters, digits and @ . + - _",
                    )
                )
    if len(row["email"]) > EMAIL_MAX:
        problems.append(("email", f"email is longer than {EMAIL_MAX} characters"))
    elif row["email"]:
        try:
            validate_email(row["email"])
        except ValidationError:
            problems.append(("email", f"email {row['email']!r} is not a valid address"))
    return problems


def _read_file(
    parsed: Parsed, kind: str, text: str, progress: Callable[[int], None]
) -> dict[str, Row]:
    name, mode = file_name(kind), parsed.mode(kind)
    rows: dict[str, Row] = {}
    lines = _csv_rows(text, name)
    first = next(lines, None)
    if first is None:
        parsed.problems.append(Problem(name, 1, "", "the file is empty; it needs a header line"))
        return rows
    columns, problems = _header(first[1], kind, parsed.version, mode)
    if problems:
        parsed.problems.extend(problems)
        return rows
    seen_usernames: dict[str, int] = {}
    width = max(columns.values()) + 1
    columns = list(columns.items())
    for line, cells in lines:
        if line % PROGRESS_LINES == 0:
            progress(line)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        row = Row({column: cells[index].strip() for column, index in columns}, line=line)
        found = _row_problems(kind, row, parsed.version, mode)
        if not row.sourced_id:
            found.insert(0, ("sourcedId", "sourcedId is empty"))
        elif row.sourced_id in rows:
            found.insert(
                0,
                (
                    "sourcedId",
                    f"sourcedId {row.sourced_id!r} is already on line {rows[row.sourced_id].line}",
                ),
            )
        if kind == "users" and row["username"] and row.active:
            folded = fold_username(row["username"])
            if folded in seen_usernames:
                found.append(
                    (
                        "username",
                        f"username {row['username']!r} is already on line {seen_usernames[folded]}",
                    )
                )
            else:
                seen_usernames[folded] = line
        parsed.problems.extend(Problem(name, line, where, message) for where, message in found)
        if row.sourced_id and row.sourced_id not in rows:
            rows[row.sourced_id] = row
    return rows


def archive_parse(archive: Archive, *, progress: Callable[[int], None] | None = None) -> Parsed:
    """Every listed file's rows and the problems found in them one row at a time.

    `progress` is called with the number of lines read so far, all files together.
    """
    manifest = archive.manifest
    parsed = Parsed(version=manifest.version, modes=dict(manifest.modes))
    done = 0

    def step(line: int) -> None:
        if progress is not None:
            progress(done + line)

    for kind in KINDS:
        if kind not in manifest.modes:
            continue
        text = archive.texts.get(kind)
        if text is None:
            parsed.problems.append(
                Problem(
                    "manifest.csv",
                    manifest.lines[kind],
                    "value",
                    f"file.{kind} is {manifest.modes[kind]}, but {file_name(kind)} is not in "
                    "the zip",
                )
            )
            continue
        parsed.rows[kind] = _read_file(parsed, kind, text, step)
        done += max(text.count("\n"), 1)
    return parsed
