"""Plain tables as xlsx: one sheet per table, bold headers, text that a spreadsheet would run as a formula
(=, +, -, @, tab, CR first) prefixed with ' (OWASP CSV injection)."""

from io import BytesIO

from openpyxl import Workbook
from django.utils.functional import Promise
from openpyxl.styles import Font

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if isinstance(value, Promise):  # a lazy Chinese label
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def table_workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([safe(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for column, header in zip(ws.columns, headers):
            ws.column_dimensions[column[0].column_letter].width = max(10, len(header) * 2 + 2)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
