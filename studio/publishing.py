"""The publish checklist: the publish rules' problems, each with a link to where it is fixed."""

from dataclasses import dataclass

from django.urls import reverse

from lessons.models import Lesson
from lessons.services import Problem, lesson_publish_problems

# What the rules check, shown when they all pass so the author knows what was looked at.
RULES = [
    "The lesson has a title, a slug, a central question and a grade band.",
    "It has modules, each with a title.",
    "Every document study and corroboration has excerpts and questions; "
    "every discussion has its prompt.",
    "Every written assignment has instructions, points and a rubric.",
    "Every excerpt's words still match its place in its document, "
    "and that document is one of the lesson's.",
]


@dataclass(frozen=True)
class ChecklistItem:
    problem: Problem
    url: str
    link_text: str


def studio_url(name: str, *args) -> str:
    return reverse(f"studio:{name}", args=args)


def lesson_edit_url(lesson: Lesson) -> str:
    return studio_url("lesson-edit", lesson.pk)


def module_edit_url(lesson: Lesson, module_id: int, anchor: str | None = None) -> str:
    url = studio_url("module-edit", lesson.pk, module_id)
    return f"{url}#{anchor}" if anchor else url


def _item(lesson: Lesson, problem: Problem) -> ChecklistItem:
    if problem.module_id is not None:
        if problem.anchor == "rubric":
            rubric_url = studio_url("rubric-edit", lesson.pk, problem.module_id)
            return ChecklistItem(problem, rubric_url, "Give it a rubric")
        module_url = module_edit_url(lesson, problem.module_id, problem.anchor)
        return ChecklistItem(problem, module_url, "Fix the module")
    if problem.field:
        return ChecklistItem(
            problem, f"{lesson_edit_url(lesson)}#id_{problem.field}", "Fix the lesson's details"
        )
    return ChecklistItem(problem, lesson_edit_url(lesson), "Open the lesson editor")


def lesson_checklist(lesson: Lesson) -> list[ChecklistItem]:
    """Every problem the publish rules find in the lesson, each with a link to fix it."""
    return [_item(lesson, problem) for problem in lesson_publish_problems(lesson=lesson)]


def checklist_items_for(lesson: Lesson, problems: list[Problem]) -> list[ChecklistItem]:
    return [_item(lesson, problem) for problem in problems]
