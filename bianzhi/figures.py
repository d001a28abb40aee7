"""Derived staffing figures (空编, 超编, 党政机关使用事业编制): pure functions over plain numbers."""

from collections.abc import Iterable
from dataclasses import dataclass

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
        """超编: people beyond the approved number (forbidden)."""
        return max(self.actual - self.approved, 0)

    @property
    def vacancy_rate(self) -> float:
        return self.vacancy / self.approved if self.approved else 0.0


def total_figures(lines: Iterable[tuple[str, int, int]]) -> StaffingFigures:
    """Totals over (kind, approved, actual) lines."""
    approved = actual = 0
    for _kind, line_approved, line_actual in lines:
        approved += line_approved
        actual += line_actual
    return StaffingFigures(approved=approved, actual=actual)


def organ_on_institutional_quota(unit_kind: str, lines: Iterable[tuple[str, int, int]]) -> bool:
    """党政机关使用事业编制: a party/government organ with people on institutional quotas."""
    return unit_kind == "party_government" and any(
        kind in INSTITUTIONAL_KINDS and actual > 0 for kind, _approved, actual in lines
    )
