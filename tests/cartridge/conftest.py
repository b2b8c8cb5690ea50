"""Cartridge fixtures: the coursework lesson (one module of every kind, published), with an
editor's note set into its quoted words, the curated lesson, and helpers that download and
unpack a cartridge."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from lessons.curated import lesson_load
from lessons.models import EditorNote, Lesson
from tests.coursework.conftest import ALL_KINDS, QUOTE, build_lesson
from tests.lessons.conftest import document  # noqa: F401

LESSON_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "lessons" / "great-purge.json"
NOTE = "the stone bridge"
CP = {"cp": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"}


@pytest.fixture
def lesson(document):  # noqa: F811
    lesson = build_lesson(document, ALL_KINDS)
    # An editor's words inside the leader's quote, just before "this year".
    EditorNote.objects.create(
        document=document,
        offset=document.cleaned_text.index(QUOTE) + len("We shall build the bridge"),
        text=NOTE,
    )
    return lesson


@pytest.fixture
def curated(db) -> Lesson:
    loaded, _ = lesson_load(path=LESSON_FILE)
    return loaded


def export_url(lesson: Lesson) -> str:
    return reverse("cartridge:lesson-cartridge", args=[lesson.pk])


@dataclass
class Cartridge:
    data: bytes
    package: zipfile.ZipFile

    @property
    def manifest(self) -> ET.Element:
        return ET.fromstring(self.package.read("imsmanifest.xml"))  # noqa: S314 - test data

    def resources(self, kind: str) -> list[ET.Element]:
        return [
            r
            for r in self.manifest.iterfind("cp:resources/cp:resource", CP)
            if r.get("type") == kind
        ]

    def files(self, kind: str) -> list[str]:
        return [f.get("href") for r in self.resources(kind) for f in r.iterfind("cp:file", CP)]

    def xml(self, path: str) -> ET.Element:
        return ET.fromstring(self.package.read(path))  # noqa: S314 - test data

    def text(self, path: str) -> str:
        return self.package.read(path).decode()


def download(user, lesson: Lesson) -> Cartridge:
    client = Client()
    client.force_login(user)
    response = client.get(export_url(lesson))
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    return Cartridge(data=data, package=zipfile.ZipFile(io.BytesIO(data)))
