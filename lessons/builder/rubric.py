"""The proposed rubric for an evidence-based written argument."""

from __future__ import annotations

from .types import RubricCriterion, RubricLevel

_LEVELS = (("Advanced", 4), ("Proficient", 3), ("Developing", 2), ("Beginning", 1))
_CRITERIA = (
    (
        "Claim",
        "argument",
        (
            "States a clear, arguable claim that answers the central question and holds it "
            "throughout.",
            "States a claim that answers the question, though it wavers in places.",
            "States a claim that only partly answers the question or is hard to find.",
            "Gives no claim, or restates the question.",
        ),
    ),
    (
        "Evidence",
        "close_reading",
        (
            "Uses three or more well-chosen excerpts, quoted or paraphrased accurately, and "
            "explains how each supports the claim.",
            "Uses relevant excerpts accurately, with some explanation.",
            "Uses little evidence, or quotes without explaining it.",
            "Uses no evidence from the documents, or misreads it.",
        ),
    ),
    (
        "Sourcing",
        "sourcing",
        (
            "For each source, weighs who wrote it, when, and why, and lets that judgement shape "
            "the argument.",
            "Identifies who wrote each source and when, with some comment on reliability.",
            "Mentions authors or dates without asking what they mean for reliability.",
            "Treats every source as plain fact.",
        ),
    ),
    (
        "Context",
        "contextualization",
        (
            "Places the evidence in the events of the timeline and explains how they shaped it.",
            "Connects the evidence to relevant events.",
            "Mentions background events loosely or with errors.",
            "Gives no historical context.",
        ),
    ),
)
ASSIGNMENT_POINTS = len(_CRITERIA) * _LEVELS[0][1]


def propose_rubric() -> list[RubricCriterion]:
    """Return the four-criterion, four-level rubric proposed for a written argument."""
    return [
        RubricCriterion(
            name=name,
            skill=skill,  # type: ignore[arg-type]
            levels=[
                RubricLevel(label=label, points=points, description=description)
                for (label, points), description in zip(_LEVELS, descriptions, strict=True)
            ],
        )
        for name, skill, descriptions in _CRITERIA
    ]
