"""Reading a class roster from CSV: every row checked, every bad row reported by line."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

ROSTER_MAX_BYTES = 1024 * 1024
ROSTER_MAX_ROWS = 2000

# Accepted spellings of each required column, compared after lower-casing and trimming.
COLUMN_NAMES = {
    "first_name": {"first name", "first_name", "firstname", "given name"},
    "last_name": {"last name", "last_name", "lastname", "surname", "family name"},
    "username": {"username", "user name", "login"},
    "email": {"email", "e-mail", "email address"},
}
REQUIRED_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "username": "username",
    "email": "email",
}


class RosterError(Exception):
    """The file as a whole can't be read: wrong encoding, too big, no usable header."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    first_name: str
    last_name: str
    username: str
    email: str


@dataclass
class RosterCheck:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def roster_decode(data: bytes) -> str:
    """The upload's text; RosterError for an oversized or non-UTF-8 file."""
    if len(data) > ROSTER_MAX_BYTES:
        raise RosterError("The roster file is larger than 1 MB. Split it into smaller files.")
    if not data.strip():
        raise RosterError("The roster file is empty.")
    if b"\x00" in data:
        raise RosterError("The roster file is not a CSV text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            "The roster file is not UTF-8 text. In your spreadsheet, save it as "
            '"CSV UTF-8" and upload it again.'
        ) from None


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        cleaned = name.strip().lower()
        for key, spellings in COLUMN_NAMES.items():
            if cleaned in spellings and key not in found:
                found[key] = index
    missing = [REQUIRED_LABELS[key] for key in COLUMN_NAMES if key not in found]
    if missing:
        raise RosterError(
            "The roster is missing the column(s): "
            + ", ".join(missing)
            + ". The first line must name the columns first name, last name, username, email."
        )
    return found


# Control characters, and the bidirectional overrides that can make a name display as
# another, have no place in a person's name.
UNSAFE_IN_NAMES = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _check_row(values: dict[str, str]) -> list[str]:
    problems = []
    for key in ("first_name", "last_name", "email"):
        if UNSAFE_IN_NAMES.search(values[key]):
            problems.append(f"{REQUIRED_LABELS[key]} contains control or text-direction characters")
    if not values["first_name"]:
        problems.append("first name is empty")
    if not values["last_name"]:
        problems.append("last name is empty")
    for key in ("first_name", "last_name"):
        if len(values[key]) > 150:
            problems.append(f"{REQUIRED_LABELS[key]} is longer than 150 characters")
    username = values["username"]
    if not username:
        problems.append("username is empty")
    elif len(username) > 150:
        problems.append("username is longer than 150 characters")
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            problems.append(f"username {username!r} may only contain letters, digits and @ . + - _")
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(f"email {values['email']!r} is not a valid address")
    return problems


def roster_parse(text: str) -> RosterCheck:
    """Rows and per-line problems; RosterError when the file has no usable header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise RosterError("The roster file is empty.") from None
    except csv.Error as exc:
        raise RosterError(f"The roster file is not valid CSV: {exc}.") from None
    columns = _header_map(header)
    check = RosterCheck()
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(check.rows) + len(check.problems) >= ROSTER_MAX_ROWS:
                raise RosterError(f"The roster has more than {ROSTER_MAX_ROWS} rows.")
            values = {
                key: (row[index].strip() if index < len(row) else "")
                for key, index in columns.items()
            }
            problems = _check_row(values)
            folded = values["username"].lower()
            if folded and folded in seen:
                problems.append(
                    f"username {values['username']!r} is already on line {seen[folded]}"
                )
            elif folded:
                seen[folded] = line
            if problems:
                check.problems.append((line, "; ".join(problems)))
            else:
                check.rows.append(RosterRow(line=line, **values))
    except csv.Error as exc:
        raise RosterError(
            f"The roster file is not valid CSV near line {reader.line_num}: {exc}."
        ) from None
    if not check.rows and not check.problems:
        raise RosterError("The roster has a header but no students.")
    return check
