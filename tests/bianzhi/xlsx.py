"""Helpers to build and alter registry workbooks in tests."""

import io

import openpyxl

from bianzhi.exporters import registry_workbook
from bianzhi.importers import ParsedWorkbook, parse_registry

LIMIT = 20 * 1024 * 1024


def workbook(*records) -> bytes:
    return registry_workbook(records)


def edited(data: bytes, sheet: str, cell: str, value) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse(data: bytes) -> ParsedWorkbook:
    return parse_registry(data, max_bytes=LIMIT)


def where(parsed: ParsedWorkbook) -> list[tuple]:
    """The issues as (sheet, row, header) for compact assertions."""
    return [(i.sheet, i.row, i.header) for i in parsed.issues]
