"""Create the demo school: an admin, two teachers and their classes. Safe to run again."""

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Classroom, Enrollment, User
from accounts.services import class_create

DEMO_PASSWORD = "history-demo"  # local demonstration only; see the README

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Diego",
    "Elif",
    "Farah",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jade",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tessa",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
    "Aiden",
    "Bea",
    "Caleb",
    "Dana",
    "Emil",
    "Freya",
    "Goran",
]
LAST_NAMES = [
    "Okafor",
    "Schmidt",
    "Nguyen",
    "Alvarez",
    "Yilmaz",
    "Haddad",
    "Moreau",
    "Sato",
    "Cohen",
    "Brown",
    "Mensah",
    "Novak",
    "Rossi",
    "Petrova",
    "Farouk",
    "Patel",
    "Murphy",
    "Silva",
    "Khan",
    "Jansen",
    "Rao",
    "Dubois",
    "Li",
    "Aziz",
    "Kowalski",
    "Walsh",
    "Lund",
    "Price",
    "Ortiz",
    "Berg",
    "Holm",
    "Ilic",
]

FIRST_CLASS, FIRST_CLASS_SIZE = "History 10 · Period 2", 24
SECOND_CLASS, SECOND_CLASS_SIZE = "Modern Europe · Period 5", 8


def _person(username: str, *, password_hash: str, **fields) -> User:
    user, _ = User.objects.update_or_create(
        username=username, defaults={**fields, "password": password_hash}
    )
    return user


def _class_for(teacher: User, name: str) -> Classroom:
    classroom = Classroom.objects.filter(name=name, teachers=teacher).first()
    return classroom or class_create(teacher=teacher, name=name)


def _enroll(classroom: Classroom, numbers: range, password_hash: str) -> None:
    for number in numbers:
        student = _person(
            f"student{number:02d}",
            password_hash=password_hash,
            first_name=FIRST_NAMES[number - 1],
            last_name=LAST_NAMES[number - 1],
            email=f"student{number:02d}@school.example",
            role=User.Role.STUDENT,
        )
        Enrollment.objects.update_or_create(
            classroom=classroom, student=student, defaults={"removed_at": None}
        )


class Command(BaseCommand):
    help = "Create or refresh the demo admin, teachers, classes and students."

    @transaction.atomic
    def handle(self, *args, **options):
        # One slow hash shared by every demo account keeps the command quick.
        password_hash = make_password(DEMO_PASSWORD)
        _person(
            "admin",
            password_hash=password_hash,
            first_name="Alex",
            last_name="Admin",
            email="admin@school.example",
            is_staff=True,
            is_superuser=True,
            role=User.Role.TEACHER,
        )
        rivera = _person(
            "teacher",
            password_hash=password_hash,
            first_name="Maria",
            last_name="Rivera",
            email="rivera@school.example",
            role=User.Role.TEACHER,
        )
        chen = _person(
            "teacher2",
            password_hash=password_hash,
            first_name="David",
            last_name="Chen",
            email="chen@school.example",
            role=User.Role.TEACHER,
        )
        first = _class_for(rivera, FIRST_CLASS)
        second = _class_for(chen, SECOND_CLASS)
        _enroll(first, range(1, FIRST_CLASS_SIZE + 1), password_hash)
        _enroll(
            second,
            range(FIRST_CLASS_SIZE + 1, FIRST_CLASS_SIZE + SECOND_CLASS_SIZE + 1),
            password_hash,
        )

        call_command("load_lessons", stdout=self.stdout)
        out = self.stdout.write
        out(self.style.SUCCESS("Demo data is ready. Log in at http://127.0.0.1:8000/login/"))
        out(f"Every demo account's password is {DEMO_PASSWORD!r} (for local use only).")
        out("  admin     admin      (Django admin at /admin/)")
        out(f"  teacher   teacher    ({first.name}, join code {first.join_code})")
        out(f"  teacher   teacher2   ({second.name}, join code {second.join_code})")
        out(f"  student   student01 … student{FIRST_CLASS_SIZE:02d} ({first.name})")
        out(
            f"  student   student{FIRST_CLASS_SIZE + 1:02d} … "
            f"student{FIRST_CLASS_SIZE + SECOND_CLASS_SIZE:02d} ({second.name})"
        )
