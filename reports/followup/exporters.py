"""整改 progress as xlsx: one sheet per unit's counts, one of every item (Chinese headers)."""

from datetime import date

from bianzhi import spreadsheets
from bianzhi.pool.xlsx import table_workbook

UNIT_HEADERS = ["单位", "整改事项", "已办结", "逾期", "办结率"]
ITEM_HEADERS = ["单位", "来源", "整改事项", "责任单位", "整改措施要求", "整改期限", "状态", "办结日期", "是否逾期", "最近报告"]


@spreadsheets.exporter
def rectification_xlsx(*, campaign_name: str, rows, items, today: date) -> bytes:  # noqa: ARG001
    units = [[r["target"].unit.name, r["rect"]["total"], r["rect"]["closed"], r["rect"]["overdue"],
              round(r["rect"]["closed"] / r["rect"]["total"], 4) if r["rect"]["total"] else None]
             for r in rows]
    lines = []
    for item in items:
        last = list(item.reports.all())[-1:] or [None]
        lines.append([item.target.unit.name, item.get_source_display(), item.title, item.responsible, item.measures,
                      item.deadline, item.get_status_display(), item.closed_on, "是" if item.is_overdue(today) else "否",
                      last[0].text if last[0] else ""])
    # a sheet's title may not hold / \\ ? * [ ] : (Excel's rule); the campaign's name is on the file's name
    return table_workbook([("整改进度", UNIT_HEADERS, units), ("整改事项", ITEM_HEADERS, lines)])
