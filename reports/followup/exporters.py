"""整改 progress as xlsx: one sheet per unit's counts, one of every item (headers in the reader's language)."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianzhi import spreadsheets
from bianzhi.pool.xlsx import table_workbook

UNIT_HEADERS = [gettext_lazy("单位"), gettext_lazy("整改事项"), gettext_lazy("已办结"), gettext_lazy("逾期"),
                gettext_lazy("办结率")]
ITEM_HEADERS = [gettext_lazy("单位"), gettext_lazy("来源"), gettext_lazy("整改事项"), gettext_lazy("责任单位"),
                gettext_lazy("整改措施要求"), gettext_lazy("整改期限"), gettext_lazy("状态"), gettext_lazy("办结日期"),
                gettext_lazy("是否逾期"), gettext_lazy("最近报告")]


@spreadsheets.exporter
def rectification_xlsx(*, campaign_name: str, rows, items, today: date) -> bytes:  # noqa: ARG001
    units = [[r["target"].unit.name, r["rect"]["total"], r["rect"]["closed"], r["rect"]["overdue"],
              round(r["rect"]["closed"] / r["rect"]["total"], 4) if r["rect"]["total"] else None]
             for r in rows]
    lines = []
    for item in items:
        last = list(item.reports.all())[-1:] or [None]
        lines.append([item.target.unit.name, item.get_source_display(), item.title, item.responsible, item.measures,
                      item.deadline, item.get_status_display(), item.closed_on, _("是") if item.is_overdue(today) else _("否"),
                      last[0].text if last[0] else ""])
    # a sheet's title may not hold / \\ ? * [ ] : (Excel's rule); the campaign's name is on the file's name
    return table_workbook([(_("整改进度"), [str(h) for h in UNIT_HEADERS], units),
                           (_("整改事项"), [str(h) for h in ITEM_HEADERS], lines)])
