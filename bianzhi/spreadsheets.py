"""Writing spreadsheets safely: every xlsx and CSV the app produces goes through here.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is evaluated by Excel, WPS
and LibreOffice as a formula (CSV/formula injection: ``=cmd|' /C calc'!A0`` in a public form's comment runs a
program on the evaluator's machine). OWASP's rule: prefix such text with ``'``. Numbers stay numbers, and
text that is just a number ("-3.5") is left alone: a spreadsheet reads it as that number, nothing more.

Every exporter registers itself with ``@exporter`` so the tests can give each the same hostile strings
(tests/test_exports_formulas.py), and no module but this one creates a CSV writer or a workbook.
"""

import csv
import re
from collections.abc import Callable, Iterable
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_FORMULA

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")

EXPORTERS: dict[str, Callable] = {}


def exporter(func: Callable) -> Callable:
    """Register a function that writes a spreadsheet (xlsx or CSV) for users to download."""
    EXPORTERS[f"{func.__module__}.{func.__qualname__}"] = func
    return func


def is_formula_text(value: Any) -> bool:
    """Would a spreadsheet evaluate this text (rather than show it)? Leading spaces do not protect it."""
    if not isinstance(value, str):
        return False
    stripped = value.lstrip(" ")
    if not stripped.startswith(FORMULA_START) and not value.startswith(FORMULA_START):
        return False
    return not _PLAIN_NUMBER.fullmatch(value.strip())


def safe_cell(value: Any) -> Any:
    """The value to write: formula-leading text gets a ``'`` in front; numbers, dates and booleans are
    unchanged; any other object (a user, a lazy string) is written as its text, made safe the same way."""
    if value is None or isinstance(value, (bool, int, float, Decimal, date, time, timedelta)):
        return value
    value = str(value)
    return "'" + value if is_formula_text(value) else value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


class _SafeWriter:
    """csv.writer's interface, every field passed through safe_cell."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> _SafeWriter:
    return _SafeWriter(out, **kwargs)


def workbook(*, write_only: bool = False) -> Workbook:
    """A new workbook. Write rows with ``append(ws, row)``; for a normal (not write-only) workbook,
    ``neutralise(wb)`` before saving also catches cells set one by one."""
    return Workbook(write_only=write_only)


def append(ws, row: Iterable[Any]) -> None:
    """ws.append, made safe; write-only cells (WriteOnlyCell) are made safe too."""
    values = []
    for value in row:
        if hasattr(value, "value") and hasattr(value, "data_type"):  # a styled cell
            value.value = safe_cell(value.value)
            if value.data_type == TYPE_FORMULA:
                value.data_type = "s"
            values.append(value)
        else:
            values.append(safe_cell(value))
    ws.append(values)


def neutralise(wb: Workbook) -> Workbook:
    """Every formula-leading text cell of a (not write-only) workbook, made safe; formulas become text."""
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                # (MergedCell and array formulas have no plain text)
                if (cell.data_type == TYPE_FORMULA or is_formula_text(cell.value)) and isinstance(cell.value, str):
                    cell.value = "'" + cell.value if not cell.value.startswith("'") else cell.value
                    cell.data_type = "s"
    return wb
