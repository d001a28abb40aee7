"""Derived staffing figures (空编, 超编, 超职数, 党政机关使用事业编制, 长期空编, totals): pure functions over plain data.

These are the inputs of the objective indicators; nothing here touches Django, so they are tested on
hand-checked numbers.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date

INSTITUTIONAL_KINDS = frozenset({"institutional_full", "institutional_partial", "institutional_self"})


@dataclass(frozen=True)
class StaffingFigures:
    approved: int
    actual: int

    @property
    def vacancy(self) -> int:
        """空编: approved posts not filled."""
        return max(self.approved - self.actual, 0)

    @property
    def overstaffing(self) -> int:
        """超编: people beyond the approved number (forbidden). For leadership posts this is 超职数."""
        return max(self.actual - self.approved, 0)

    @property
    def vacancy_rate(self) -> float:
        return self.vacancy / self.approved if self.approved else 0.0

    def __add__(self, other: "StaffingFigures") -> "StaffingFigures":
        return StaffingFigures(self.approved + other.approved, self.actual + other.actual)


ZERO = StaffingFigures(0, 0)


def total_figures(lines: Iterable[tuple[str, int, int]]) -> StaffingFigures:
    """Totals over (kind, approved, actual) lines.

    Overstaffing on the total nets one kind's vacancy against another's excess; use `figures_by_kind` to
    see each kind on its own (超编 is judged per kind).
    """
    approved = actual = 0
    for _kind, line_approved, line_actual in lines:
        approved += line_approved
        actual += line_actual
    return StaffingFigures(approved=approved, actual=actual)


def kind_sums(lines: Iterable[tuple[str, int, int]]) -> dict[str, list[int]]:
    """{kind: [approved, actual]} summed as plain numbers: the rules read a city's units at once."""
    sums: dict[str, list[int]] = {}
    for kind, approved, actual in lines:
        sums_of_kind = sums.setdefault(kind, [0, 0])
        sums_of_kind[0] += approved
        sums_of_kind[1] += actual
    return sums


def figures_by_kind(lines: Iterable[tuple[str, int, int]]) -> dict[str, StaffingFigures]:
    return {kind: StaffingFigures(approved, actual) for kind, (approved, actual) in kind_sums(lines).items()}


def overstaffed_kinds(lines: Iterable[tuple[str, int, int]]) -> dict[str, int]:
    """超编 per kind: {kind: people over the approved number}, only kinds that are over."""
    return {kind: f.overstaffing for kind, f in figures_by_kind(lines).items() if f.overstaffing}


def posts_over(posts: Iterable[tuple[str, int, int]]) -> dict[str, int]:
    """超职数: {rank: posts in use beyond the approved number}, only ranks that are over."""
    return overstaffed_kinds(posts)


def organ_on_institutional_quota(unit_kind: str, lines: Iterable[tuple[str, int, int]]) -> bool:
    """党政机关使用事业编制: a party/government organ with people on institutional quotas."""
    return unit_kind == "party_government" and any(
        kind in INSTITUTIONAL_KINDS and actual > 0 for kind, _approved, actual in lines
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month_first = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month_first - date.resolution).day
    return date(year, month, min(day.day, last_day))


def vacant_since(history: Iterable[tuple[date, int, int]]) -> date | None:
    """The date since which the latest state has been continuously vacant, from dated (approved, actual).

    `history` is the dated figures of one quota kind (or a unit's total), in any order; None if the
    latest state has no vacancy.
    """
    since = None
    for day, approved, actual in sorted(history, key=lambda row: row[0]):
        if approved > actual:
            since = since or day
        else:
            since = None
    return since


def is_long_vacancy(history: Iterable[tuple[date, int, int]], *, as_of: date, months: int) -> bool:
    """长期空编: vacant without a break for at least `months` months up to `as_of`."""
    since = vacant_since(row for row in history if row[0] <= as_of)
    return since is not None and add_months(since, months) <= as_of


@dataclass(frozen=True)
class UnitFigures:
    """What the totals need of one unit: its groupings and its (kind, approved, actual) lines."""

    level: str
    kind: str
    region: str
    lines: tuple[tuple[str, int, int], ...]


def totals_by(units: Iterable[UnitFigures], key: Callable[[UnitFigures], Hashable]) -> dict[Hashable, StaffingFigures]:
    """Totals grouped by `key` (e.g. `lambda u: u.level`), with vacancy and 超编 summed per unit and kind.

    A group's figures are the plain sums of approved and actual; `group_overstaffing` gives the people over
    quota counted kind by kind, which the plain sums would net away.
    """
    totals: dict[Hashable, StaffingFigures] = defaultdict(lambda: ZERO)
    for unit in units:
        totals[key(unit)] += total_figures(unit.lines)
    return dict(totals)


def group_overstaffing(units: Iterable[UnitFigures]) -> int:
    """People over quota across units, kind by kind (a vacancy in one unit does not offset another's excess)."""
    return sum(sum(overstaffed_kinds(unit.lines).values()) for unit in units)


def group_vacancy(units: Iterable[UnitFigures]) -> int:
    """Vacant posts across units, kind by kind."""
    return sum(f.vacancy for unit in units for f in figures_by_kind(unit.lines).values())


def effective_lines(lines: Iterable[tuple[str, int, int]], adjustments: dict[str, int]) -> list[tuple[str, int, int]]:
    """(kind, usable, actual) lines: the approved (owned) figures with the 编制周转池 applied.

    `adjustments` is {kind: borrowed − deposited}: a unit that deposited vacant quotas may no longer fill them,
    one that borrowed may fill more, so 空编 and 超编 are judged against what the unit may use.
    """
    lines = list(lines)
    seen = {kind for kind, _a, _b in lines}
    return [(kind, approved + adjustments.get(kind, 0), actual) for kind, approved, actual in lines] + [
        (kind, delta, 0) for kind, delta in adjustments.items() if kind not in seen and delta]
