"""The status board: for each unit and each step that concerns it, one of done / in progress / late /
returned / not started. Pure: statuses are the plain values of CampaignTarget.Status."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

DONE, IN_PROGRESS, LATE, RETURNED, NOT_STARTED = "done", "in_progress", "late", "returned", "not_started"
CELL_LABELS = {DONE: _("已完成"), IN_PROGRESS: _("进行中"), LATE: _("已逾期"), RETURNED: _("已退回"),
               NOT_STARTED: _("未开始")}

# The unit-level steps, as (campaign step whose deadline applies, label).
STEPS = (("notice", _("查阅通知")), ("self_assessment", _("部门自评")), ("field_visit", _("实地评估")))

_RANK = {
    "pending": 0, "notified": 1, "self_draft": 2, "self_submitted": 3, "self_returned": 3,
    "self_accepted": 4, "field_visit": 5, "field_done": 6,
}


def _open(due_on: date | None, today: date) -> str:
    return LATE if due_on is not None and today > due_on else IN_PROGRESS


def board_cells(*, status: str, notice_seen: bool, deadlines: dict[str, date], today: date) -> dict[str, str]:
    rank = _RANK[status]
    if rank == 0:
        notice = NOT_STARTED
    else:
        notice = DONE if notice_seen else _open(deadlines.get("notice"), today)
    if rank >= 4:
        self_assessment = DONE
    elif status == "self_returned":
        self_assessment = RETURNED
    elif status == "self_submitted":
        self_assessment = IN_PROGRESS  # waiting for the office: not the unit's lateness
    elif status == "self_draft":
        self_assessment = _open(deadlines.get("self_assessment"), today)
    else:
        self_assessment = NOT_STARTED
    if status == "field_done":
        field_visit = DONE
    elif status == "field_visit":
        field_visit = _open(deadlines.get("field_visit"), today)
    else:
        field_visit = NOT_STARTED
    return {"notice": notice, "self_assessment": self_assessment, "field_visit": field_visit}


@dataclass(frozen=True)
class BoardStep:
    """An after-stage step of the board, given by an app above (evaluations.hooks.board_steps): its label,
    each unit's cell ({target id: cell}), how many units are done out of how many it concerns, and the units
    behind (the 催办 reminder goes to their liaisons)."""

    key: str
    label: str
    cells: dict = field(default_factory=dict)
    done: int = 0
    total: int = 0
    behind: tuple = ()  # target ids

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
