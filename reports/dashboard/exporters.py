"""xlsx of the dashboard's tables (each chart's table view) and of the coverage list."""

from io import BytesIO

from bianzhi.spreadsheets import append, exporter, neutralise, workbook


@exporter
def table_xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    """One sheet: the title, the headers, the rows; numbers stay numbers."""
    wb = workbook()
    ws = wb.active
    ws.title = "数据"  # a sheet name refuses some characters a title may hold
    append(ws, [title])
    append(ws, headers)
    for row in rows:
        append(ws, row)
    for column, header in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", headers):
        ws.column_dimensions[column].width = max(10, min(40, 2 * len(str(header)) + 4))
    ws.column_dimensions["A"].width = 30
    neutralise(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
