"""The answer boxes of a module's guiding questions, made in Python.

A document study has five to seven questions, each box writing its id eight times among a
dozen other values; through the template language they cost more than the rest of the
lesson page. The markup is what coursework/answers_form.html made before, for the student's
page and (without the saving parts) for the lesson preview.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

_ABOUT = ' <span class="muted">About: {}</span>'
_BOX = """
      <div class="field question">
        <label for="answer-{id}">{text}</label>
        <p class="skill"><span class="tag skill-tag">Skill: {skill}</span>{about}</p>
        {conflict}{field}
      </div>"""
_PREVIEW_FIELD = '<textarea id="answer-{id}" rows="4"></textarea>'
_FIELD = """<input type="hidden" id="revision-{id}" name="revision-{id}" value="{revision}">
          <textarea id="answer-{id}" name="answer-{id}" rows="4"{readonly}
            data-hx-post="{save_url}" data-hx-trigger="input changed delay:800ms, change" \
data-hx-sync="this:queue last" data-hx-target="#status-{id}" data-hx-swap="innerHTML" \
data-hx-params="answer-{id},revision-{id}">{text}</textarea>
          <div class="save-status" id="status-{id}" role="status" aria-live="polite"></div>"""
_READONLY = format_html("{}", " readonly")


def _about(question) -> SafeString | str:
    excerpt = question.excerpt
    if not excerpt:
        return ""
    if excerpt.speaker == "unnamed":
        return format_html(_ABOUT, "a speaker the document does not name")
    return format_html(_ABOUT, excerpt.speaker)


@register.simple_tag(takes_context=True)
def answer_boxes(context, questions, answers=None, conflicts=None, save_url="") -> SafeString:
    """One labelled box per question, with its skill and speaker; on the student's page with
    the stored answer and revision (`answers`: a mapping of question id to a mapping or object
    with `text` and `revision`) and any conflict to show (`conflicts`, by question id); in the
    preview (`preview` in the context), an empty box that sends nothing."""
    preview = context.get("preview")
    readonly = "" if context.get("accepts_work") else _READONLY
    boxes = []
    for question in questions:
        qid = str(question.pk)
        conflict = conflicts.get(question.pk) if conflicts else None
        shown = ""
        if conflict:
            shown = render_to_string(
                "coursework/answer_conflict.html", {"conflict": conflict}, context.get("request")
            )
        if preview:
            field = format_html(_PREVIEW_FIELD, id=qid)
        else:
            answer = answers.get(question.pk) if answers else None
            text, revision = _stored(answer)
            field = format_html(
                _FIELD, id=qid, revision=revision, readonly=readonly, save_url=save_url, text=text
            )
        boxes.append(
            format_html(
                _BOX,
                id=qid,
                text=question.text,
                skill=question.get_skill_display(),
                about=_about(question),
                conflict=shown,
                field=field,
            )
        )
    return format_html_join("", "{}", ((box,) for box in boxes))


def _stored(answer) -> tuple[str, str]:
    """The stored answer's text and revision, from a row (a mapping) or an Answer."""
    if not answer:
        return "", "0"
    if isinstance(answer, dict):
        return answer["text"] or "", str(answer["revision"] or 0)
    return answer.text or "", str(answer.revision or 0)
