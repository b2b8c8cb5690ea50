"""OneRoster zips built in the tests from the small districts under fixtures/oneroster/, with
files replaced, edited or left out as each test needs."""

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "oneroster"


def district(name: str, **changes: str | None) -> dict[str, str]:
    """The fixture's files by name; `users="..."` replaces users.csv, `users=None` drops it."""
    files = {
        path.name: path.read_text(encoding="utf-8") for path in (FIXTURES / name).glob("*.csv")
    }
    for stem, text in changes.items():
        if text is None:
            files.pop(f"{stem}.csv", None)
        else:
            files[f"{stem}.csv"] = text
    return files


def edit(name: str, stem: str, old: str, new: str, **changes) -> dict[str, str]:
    """The fixture with one piece of one file's text replaced (it must be there)."""
    files = district(name, **changes)
    assert old in files[f"{stem}.csv"], old
    files[f"{stem}.csv"] = files[f"{stem}.csv"].replace(old, new)
    return files


def pack(files: dict[str, str | bytes], *, folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(folder + name, text.encode("utf-8") if isinstance(text, str) else text)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "district.zip"):
    """Post a zip to the upload form and follow to the import's page."""
    archive = io.BytesIO(data)
    archive.name = name
    return client.post(reverse("sis:import-new"), {"archive": archive}, follow=True)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client
