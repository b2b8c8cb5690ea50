from dataclasses import dataclass

from django import forms
from django.utils import timezone

from lessons.access import lessons_offered_to
from lessons.models import Lesson, Question

from .grading import ScoreInput
from .services import POST_LIMIT, TEXT_LIMIT


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AssignmentDatesForm(forms.Form):
    opens_at = forms.DateTimeField(
        label="Opens",
        required=False,
        widget=DateTimeInput(),
        help_text="Optional. Students see the lesson from this time.",
    )
    due_at = forms.DateTimeField(
        label="Due",
        required=False,
        widget=DateTimeInput(),
        help_text="Optional. Work handed in later is marked late, not refused.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "due_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class LessonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title if obj.version == 1 else f"{obj.title} (version {obj.version})"


class StudentChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.display_name


def class_students(classroom):
    from accounts.models import User

    if classroom is None:
        return User.objects.none()
    return User.objects.filter(
        enrollments__classroom=classroom, enrollments__removed_at__isnull=True
    ).order_by("last_name", "first_name", "username")


WHOLE_CLASS, SOME_STUDENTS = "whole", "some"


class RecipientsForm(forms.Form):
    """Who an assignment is given to: the whole class, or the students ticked."""

    given_to = forms.ChoiceField(
        label="Give it to",
        choices=[(WHOLE_CLASS, "The whole class"), (SOME_STUDENTS, "Only the students ticked")],
        initial=WHOLE_CLASS,
        required=False,  # left out: the whole class
        widget=forms.RadioSelect,
    )
    students = StudentChoiceField(
        label="Students",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "Choose students of this class only."},
    )

    def __init__(self, *args, classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = class_students(classroom)

    def clean(self):
        return _check_recipients(self, super().clean())

    @property
    def whole_class(self) -> bool:
        return self.cleaned_data.get("given_to") != SOME_STUDENTS


def _check_recipients(form, data):
    if data.get("given_to") == SOME_STUDENTS and not data.get("students"):
        form.add_error("students", "Tick at least one student, or give it to the whole class.")
    return data


class StudentDatesForm(AssignmentDatesForm):
    """One or several students' own dates for an assignment, or clearing them."""

    students = StudentChoiceField(
        label="Students",
        queryset=None,
        error_messages={
            "required": "Tick the students these dates are for.",
            "invalid_choice": "Choose students of this class only.",
        },
    )
    action = forms.ChoiceField(
        choices=[("set", "Give these dates"), ("clear", "Clear their own dates")],
        initial="set",
        error_messages={"invalid_choice": "Choose to give or to clear dates."},
    )
    field_order = ["students", "opens_at", "due_at"]

    def __init__(self, *args, classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = class_students(classroom)
        self.fields["opens_at"].help_text = "Optional. This student sees the lesson from this time."
        self.fields[
            "due_at"
        ].help_text = "Optional. Their work is late only after this time; empty means no due date."


class AssignForm(AssignmentDatesForm):
    lesson = LessonChoiceField(
        label="Lesson",
        queryset=Lesson.objects.filter(status=Lesson.Status.PUBLISHED).order_by("title"),
        empty_label="Choose a published lesson",
        error_messages={
            "required": "Choose a lesson to assign.",
            "invalid_choice": "That lesson is not published, so it can't be assigned.",
        },
    )
    given_to = RecipientsForm.base_fields["given_to"]
    students = RecipientsForm.base_fields["students"]
    field_order = ["lesson", "opens_at", "due_at", "given_to", "students"]

    def __init__(self, *args, user=None, classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = class_students(classroom)
        # The school's published lessons, and the teacher's own published copies; never
        # another teacher's copy.
        offered = (
            lessons_offered_to(user)
            if user is not None
            else Lesson.objects.filter(status=Lesson.Status.PUBLISHED, owner__isnull=True)
        )
        self.fields["lesson"].queryset = offered.order_by("title", "version")

    def clean(self):
        return _check_recipients(self, super().clean())

    whole_class = RecipientsForm.whole_class


class PostForm(forms.Form):
    text = forms.CharField(
        label="Your post",
        max_length=POST_LIMIT,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write something before posting: an empty post can't be shared."
        },
    )


class DraftForm(forms.Form):
    text = forms.CharField(
        label="Your response",
        required=False,
        strip=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def local_input_value(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class _RawField(forms.CharField):
    """Text passed on to the grading service as sent: the service cleans and checks it, so
    the refusals read the same whether a form or a script sent it."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.validators = []


def _whole_number(raw: str, message: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit():
        raise forms.ValidationError(message)
    return int(raw)


GRADE_ACTIONS = {"save", "return", "regrade"}


class GradeForm(forms.Form):
    """A grade as the grading screen sends it: a level and a comment per criterion of the
    rubric, the version and grade revision the page showed, and what to do with it.

    Its cleaned data carries `scores` (grading.ScoreInput, one per criterion, or only the
    `criterion` named when a single choice is saved) and whole numbers for the rest; the
    first problem found is the form's only error."""

    action = _RawField()
    criterion = _RawField()
    version = _RawField()
    grade_revision = _RawField()
    comment = _RawField()
    override_points = _RawField()
    override_reason = _RawField()

    def __init__(self, data, *, rubric):
        super().__init__(data)
        self.criteria = list(rubric.criteria.all())
        for criterion in self.criteria:
            self.fields[f"level-{criterion.pk}"] = _RawField()
            self.fields[f"comment-{criterion.pk}"] = _RawField()

    def clean(self):
        data = super().clean()
        action = self.data.get("action", "save")
        if action not in GRADE_ACTIONS:
            raise forms.ValidationError("Choose Save grade, Return to student or Regrade.")
        version_id = _whole_number(data["version"], "Reload the page.")
        revision = _whole_number(data["grade_revision"], "Reload the page.")
        if version_id is None or revision is None:
            raise forms.ValidationError("Reload the page and grade again.")
        scores = []
        for criterion in self.criteria:
            raw = data[f"level-{criterion.pk}"]
            if raw and not raw.isdigit():
                raise forms.ValidationError("That level is not one of the rubric's levels.")
            scores.append(
                ScoreInput(criterion.pk, int(raw) if raw else None, data[f"comment-{criterion.pk}"])
            )
        one = data["criterion"]
        if one:
            scores = [s for s in scores if str(s.criterion_id) == one]
            override_points = None
        else:
            override_points = _whole_number(
                data["override_points"], "The total must be a whole number."
            )
        return data | {
            "action": action,
            "version_id": version_id,
            "revision": revision,
            "scores": scores,
            "override_points": override_points,
        }

    @property
    def refusal(self) -> forms.ValidationError:
        """The first problem, as the grading service would have raised it."""
        return forms.ValidationError(self.non_field_errors()[0])


@dataclass(frozen=True)
class AnswerSent:
    question: Question
    text: str
    revision: int


class AnswersForm(forms.Form):
    """The answers a module's page sends: `answer-<question id>` with the `revision-<question
    id>` its page showed (0, or missing, when it showed no answer).

    Its cleaned data carries `answers` (AnswerSent, in the order sent, only for the boxes the
    page sent) and `problems`: what was refused before any answer is saved."""

    def __init__(self, data, *, questions):
        super().__init__(data)
        self.questions = {q.pk: q for q in questions}
        for pk in self.questions:
            self.fields[f"answer-{pk}"] = _RawField()
            self.fields[f"revision-{pk}"] = _RawField()

    def clean(self):
        data = super().clean()
        answers, problems = [], []
        for key in self.data:
            if not key.startswith("answer-"):
                continue
            pk = key.removeprefix("answer-")
            question = self.questions.get(int(pk)) if pk.isdigit() else None
            if question is None:
                problems.append("One answer was for a question that is not in this module.")
                continue
            revision = data[f"revision-{question.pk}"].strip() or "0"
            if not revision.isdigit():
                problems.append("this page's copy of an answer is damaged; reload the page.")
                continue
            answers.append(AnswerSent(question, data[key], int(revision)))
        return data | {"answers": answers, "problems": problems}
