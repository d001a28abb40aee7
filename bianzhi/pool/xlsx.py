"""Plain tables as xlsx: one sheet per table, bold headers; every cell through bianzhi.spreadsheets, so text a
spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a ' (OWASP CSV injection)."""

from io import BytesIO

from openpyxl.styles import Font

from bianzhi import spreadsheets


@spreadsheets.exporter
def table_workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    wb = spreadsheets.workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title[:31])
        spreadsheets.append(ws, headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            spreadsheets.append(ws, row)
        for column, header in zip(ws.columns, headers):
            ws.column_dimensions[column[0].column_letter].width = max(10, len(header) * 2 + 2)
    out = BytesIO()
    spreadsheets.neutralise(wb).save(out)
    return out.getvalue()
