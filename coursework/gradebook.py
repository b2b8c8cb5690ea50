"""The gradebook's totals: each student's points and percentage over the work graded so far,
and each assignment's class average. Pure arithmetic over the cells dashboard.gradebook_build
reads, so the page and its CSV give the same numbers without reading anything again."""

from dataclasses import dataclass

# The cells whose points count: the teacher has chosen a level for every criterion (or set
# the points), whether or not the work is returned yet.
COUNTED = {"graded", "returned"}


@dataclass(frozen=True)
class Total:
    """Points awarded over the points possible of the work they were awarded for."""

    points: int
    possible: int
    graded: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.points / self.possible, 1) if self.possible else None


@dataclass(frozen=True)
class Average:
    """One assignment's mean points over its graded work, and how many that is."""

    points: float | None
    possible: int | None
    graded: int

    @property
    def percent(self) -> float | None:
        if self.points is None or not self.possible:
            return None
        return round(100 * self.points / self.possible, 1)


def _counted(cell, possible) -> bool:
    return cell.status in COUNTED and cell.points is not None and possible is not None


def student_totals(assignments, rows) -> list[Total]:
    """Each row's total, in the rows' order. Work not yet graded (missing, handed in,
    late) counts neither for nor against: the percentage is of what has been graded."""
    possible = [a.points_possible for a in assignments]
    totals = []
    for row in rows:
        counted = [
            (c.points, p) for c, p in zip(row.cells, possible, strict=True) if _counted(c, p)
        ]
        totals.append(
            Total(sum(pts for pts, _ in counted), sum(p for _, p in counted), len(counted))
        )
    return totals


def assignment_averages(assignments, rows) -> list[Average]:
    """Each assignment's class average over the students whose work in it is graded."""
    averages = []
    for index, assignment in enumerate(assignments):
        possible = assignment.points_possible
        points = [row.cells[index].points for row in rows if _counted(row.cells[index], possible)]
        mean = round(sum(points) / len(points), 1) if points else None
        averages.append(Average(mean, possible, len(points)))
    return averages
