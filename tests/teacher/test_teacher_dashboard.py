"""The progress dashboard: students by modules, completion, filters (with and without
htmx), per-skill results, the class skill chart and the CSV export."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coursework import services
from coursework.models import Progress
from lessons.models import Criterion, Question
from tests.conftest import enroll, make_user
from tests.teacher.conftest import grade, hand_in, make_overdue, page


def url(assignment, **query) -> str:
    base = reverse("coursework:dashboard", args=[assignment.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def shown_names(response) -> list[str]:
    return [row.student.display_name for row in response.context["board"].rows]


def open_first(assignment, student):
    module = assignment.lesson.modules.get(position=1)
    return services.module_open(assignment=assignment, student=student, module=module)


def idle(assignment, student, days: int) -> None:
    Progress.objects.filter(assignment=assignment, student=student).update(
        last_activity_at=timezone.now() - timedelta(days=days)
    )


def test_dashboard_shows_students_by_modules_with_symbol_text_and_last_activity(
    as_teacher, assignment, student, classmate
):
    progress = open_first(assignment, student)  # reading completes when opened
    study = assignment.lesson.modules.get(position=2)
    services.module_open(assignment=assignment, student=student, module=study)
    html = page(as_teacher.get(url(assignment)))
    for position, title in [(1, "Background"), (2, "Study"), (3, "Write")]:
        assert f"{position}. {title}" in html
    amara = re.search(r"Amara Okafor</a></th>(.*?)</tr>", html, re.S).group(1)
    assert '<span aria-hidden="true">✓</span> Complete' in amara
    assert '<span aria-hidden="true">◐</span> In progress' in amara
    assert '<span aria-hidden="true">○</span> Not started' in amara
    when = timezone.localtime(progress.last_activity_at).strftime("%-d %b %H:%M")
    assert f'<span class="when">{when}</span>' in amara
    bruno = re.search(r"Bruno Silva</a></th>(.*?)</tr>", html, re.S).group(1)
    assert bruno.count("Not started") == 3 and 'class="when"' not in bruno


def test_dashboard_shows_completion_per_student_and_per_module(
    as_teacher, assignment, student, classmate
):
    open_first(assignment, student)
    response = as_teacher.get(url(assignment))
    board = response.context["board"]
    assert [(r.student.username, r.percent) for r in board.all_rows] == [
        ("student", 33),
        ("classmate", 0),
    ]
    assert board.module_percent == [50, 0, 0]
    html = page(response)
    assert "<td>33%</td>" in html
    assert re.search(r"Class complete</th><td>50%</td><td>0%</td><td>0%</td>", html)


def test_filters_are_plain_links_that_work_without_javascript(as_teacher, assignment, student):
    html = page(as_teacher.get(url(assignment)))
    for show in ["late", "not-started"]:
        assert f'href="{url(assignment, show=show)}"' in html
    assert f'href="{url(assignment, show="stuck")}&amp;days=3"' in html
    assert "<html" in html


def test_not_started_filter_shows_only_students_with_no_activity(
    as_teacher, assignment, student, classmate
):
    open_first(assignment, student)
    response = as_teacher.get(url(assignment, show="not-started"))
    assert shown_names(response) == ["Bruno Silva"]
    assert "Showing 1 of 2 students (not started)" in page(response)


def test_late_filter_shows_unfinished_students_and_late_submissions(
    as_teacher, assignment, student, classmate, third
):
    assert shown_names(as_teacher.get(url(assignment, show="late"))) == []
    make_overdue(assignment)
    hand_in(assignment, third)  # late hand-in
    names = shown_names(as_teacher.get(url(assignment, show="late")))
    assert names == ["Chidi Anang", "Amara Okafor", "Bruno Silva"]
    assert "flag-late" in page(as_teacher.get(url(assignment)))


def test_stuck_filter_uses_the_days_of_inactivity(as_teacher, assignment, student, classmate):
    open_first(assignment, student)
    open_first(assignment, classmate)
    idle(assignment, student, days=5)
    idle(assignment, classmate, days=2)
    assert shown_names(as_teacher.get(url(assignment, show="stuck"))) == ["Amara Okafor"]
    response = as_teacher.get(url(assignment, show="stuck", days=1))
    assert shown_names(response) == ["Amara Okafor", "Bruno Silva"]
    assert "(1+ days idle)" in page(response)
    assert shown_names(as_teacher.get(url(assignment, show="stuck", days=10))) == []


@pytest.mark.parametrize(
    "query", [{"show": "everyone"}, {"show": "<script>"}, {"show": "stuck", "days": "abc"}]
)
def test_unknown_filter_values_are_ignored(as_teacher, assignment, student, classmate, query):
    open_first(assignment, student)
    idle(assignment, student, days=5)
    response = as_teacher.get(url(assignment), query)
    assert response.status_code == 200
    if query["show"] == "stuck":  # a bad number of days falls back to 3
        assert shown_names(response) == ["Amara Okafor"]
    else:
        assert shown_names(response) == ["Amara Okafor", "Bruno Silva"]
        assert "<script>" not in page(response)


def test_htmx_filter_returns_only_the_board(as_teacher, assignment, student, classmate):
    open_first(assignment, student)
    response = as_teacher.get(url(assignment, show="not-started"), HTTP_HX_REQUEST="true")
    html = page(response).strip()
    assert response.status_code == 200
    assert html.startswith('<div id="board"')
    assert "<html" not in html and "<nav" not in html and "Skills" not in html
    assert "Bruno Silva" in html and "Amara Okafor" not in html


@pytest.fixture
def skilled(assignment):
    """Tag the rubric: Claim and Sourcing are sourcing, Context is contextualization."""
    rubric = assignment.lesson.modules.get(position=3).rubric
    Criterion.objects.filter(rubric=rubric, title__in=["Claim", "Sourcing"]).update(
        skill="sourcing"
    )
    Criterion.objects.filter(rubric=rubric, title="Context").update(skill="contextualization")
    return assignment


def test_skill_results_average_rubric_levels_and_count_answered_questions(
    as_teacher, skilled, student, classmate, teacher
):
    question = Question.objects.get(module__lesson=skilled.lesson)  # a sourcing question
    services.answer_save(assignment=skilled, student=student, question=question, text="Him.")
    grade(hand_in(skilled, student), teacher, [4, 3, 1, 2])  # Claim 4, Evidence 3, Sourcing 1
    grade(hand_in(skilled, classmate), teacher, [3, 3, 3, 3])
    response = as_teacher.get(url(skilled))
    board = response.context["board"]
    amara, bruno = board.all_rows
    assert amara.skills["sourcing"].level == 2.5  # (4 + 1) / 2
    assert amara.skills["contextualization"].level == 2.0
    assert amara.skills["corroboration"].level is None
    assert (amara.skills["sourcing"].answered, amara.skills["sourcing"].asked) == (1, 1)
    assert (bruno.skills["sourcing"].answered, bruno.skills["sourcing"].asked) == (0, 1)
    assert board.class_skills["sourcing"] == 2.75
    html = page(response)
    assert "level 2.5" in html and "1/1 answered" in html and "0/1 answered" in html
    assert "not graded" in html  # corroboration and close reading


def test_class_skill_chart_is_an_svg_with_a_text_alternative(as_teacher, skilled, student, teacher):
    grade(hand_in(skilled, student), teacher, [4, 3, 1, 2])
    html = page(as_teacher.get(url(skilled)))
    svg = re.search(r"<svg[^>]*>(.*?)</svg>", html, re.S)
    assert svg and 'role="img"' in svg.group(0)
    assert 'aria-labelledby="skill-chart-title skill-chart-desc"' in svg.group(0)
    assert '<title id="skill-chart-title">Class average rubric level by skill</title>' in html
    desc = re.search(r'<desc id="skill-chart-desc">(.*?)</desc>', html, re.S).group(1)
    assert "Sourcing: 2.5 of 4." in desc
    assert "Contextualization: 2.0 of 4." in desc
    assert "Corroboration: not graded yet." in desc


def test_dashboard_csv_exports_the_progress_table(as_teacher, assignment, student, classmate):
    open_first(assignment, student)
    make_overdue(assignment)
    hand_in(assignment, student)
    response = as_teacher.get(reverse("coursework:dashboard-csv", args=[assignment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="progress-{assignment.pk}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "Student",
        "Username",
        "1. Background",
        "2. Study",
        "3. Write",
        "Complete (%)",
        "Last activity",
        "Late",
        "Stuck",
    ]
    amara, bruno = rows[1:]
    assert amara[:6] == ["Amara Okafor", "student", "Complete", "Not started", "Complete", "67"]
    assert amara[6].startswith(timezone.localdate().isoformat())
    assert amara[7:] == ["yes", ""]
    assert bruno == ["Bruno Silva", "classmate"] + ["Not started"] * 3 + ["0", "", "yes", ""]


def test_dashboard_tables_escape_a_students_name(as_teacher, classroom, assignment, student):
    person = make_user("sly", first_name='<img src=x onerror="alert(1)">', last_name="Q")
    enroll(classroom, person)
    open_first(assignment, person)
    html = page(as_teacher.get(url(assignment)))
    assert "<img src=x" not in html
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Q"
    # The progress table, the phone list (the name and its work link) and the skills table.
    assert html.count(escaped) == 4
    assert f"{escaped}’s work</a>" in html
    assert f'<a href="/assignments/{assignment.pk}/students/{person.pk}/">{escaped}</a>' in html


def test_a_filter_nobody_matches_says_so_in_one_row(as_teacher, assignment, student):
    html = page(as_teacher.get(url(assignment, show="late")))
    assert '<tr><td colspan="6">No students match this filter.</td></tr>' in html
    assert "Showing 0 of 1 students (late)" in html


def test_dashboard_times_are_shown_in_the_current_time_zone(
    as_teacher, assignment, student, settings
):
    settings.TIME_ZONE = "America/New_York"
    progress = open_first(assignment, student)
    moment = timezone.datetime(2026, 1, 5, 3, 7, tzinfo=timezone.UTC)  # 4 Jan 22:07 in New York
    Progress.objects.filter(pk=progress.pk).update(last_activity_at=moment)
    html = page(as_teacher.get(url(assignment)))
    assert '<span class="when">4 Jan 22:07</span>' in html
