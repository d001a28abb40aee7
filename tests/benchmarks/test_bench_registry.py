"""Registry import and export of 5,000 units against openpyxl alone on the same workbook, in the same run.

Import: parsing, checking and writing everything (units, quotas, posts, 三定, versions) must take at most
3× openpyxl reading the workbook (read-only mode, every cell's value). Export: reading the registry and
writing the workbook must take at most 3× openpyxl writing the same cells (write-only mode).
"""

import io
import time
from datetime import date

import openpyxl
import pytest

from bianzhi.exporters import registry_workbook
from bianzhi.models import Unit
from bianzhi.selectors import unit_records
from bianzhi.services import registry_import
from tests.factories import UnitRecordFactory

pytestmark = pytest.mark.django_db

UNITS = 5000
ROUNDS = 3
MAX_RATIO = 3.0


def records() -> list:
    """5,000 units as a real city files them: departments with institutions under them, 三定 and posts."""
    rows = []
    for n in range(UNITS):
        department = n % 10 == 0
        rows.append(UnitRecordFactory(
            code=f"B{n:05d}", name=f"临川市第{n}单位", short_name=f"第{n}单位",
            kind="party_government" if department else "public_institution",
            institution_class="" if department else "public_welfare_1",
            parent_code="" if department else f"B{n - n % 10:05d}", supervisor_code="" if department else f"B{n - n % 10:05d}",
            rank="division_full" if department else "division_deputy", approval_number=f"临编发〔2019〕{n}号",
            approval_date=date(2019, 3, 1),
            quotas=(("administrative", 40, 37), ("service_worker", 3, 2)) if department else (("institutional_full", 25, 24),),
            posts=(("division_full", 1, 1), ("division_deputy", 3, 3)),
            functions=("贯彻执行有关方针政策。", "完成交办的其他任务。"), bodies=(("办公室", "负责日常运转。"),),
        ))
    return rows


def best_of(fn, setup=lambda: None) -> float:
    times = []
    for _round in range(ROUNDS):
        setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def openpyxl_read(data: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()


def openpyxl_write(sheets: dict[str, list[tuple]]) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def empty_registry() -> None:
    Unit.objects.update(parent=None, supervisor=None)
    Unit.objects.all().delete()


def test_import_of_5000_units(bench_record):
    data = registry_workbook(records())
    baseline = best_of(lambda: openpyxl_read(data))
    ours = best_of(lambda: registry_import(data=data, actor=None), setup=empty_registry)
    assert Unit.objects.count() == UNITS
    ratio = ours / baseline
    bench_record("registry_import", {"units": UNITS, "ours_s": round(ours, 3), "openpyxl_s": round(baseline, 3),
                                     "ratio": round(ratio, 2), "max_ratio": MAX_RATIO})
    assert ratio <= MAX_RATIO


def test_export_of_5000_units(bench_record):
    registry_import(data=registry_workbook(records()), actor=None)
    exported = registry_workbook(unit_records(units=Unit.objects.all()))
    wb = openpyxl.load_workbook(io.BytesIO(exported), read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}  # the same cells
    wb.close()
    baseline = best_of(lambda: openpyxl_write(sheets))
    ours = best_of(lambda: registry_workbook(unit_records(units=Unit.objects.all())))
    ratio = ours / baseline
    bench_record("registry_export", {"units": UNITS, "ours_s": round(ours, 3), "openpyxl_s": round(baseline, 3),
                                     "ratio": round(ratio, 2), "max_ratio": MAX_RATIO})
    assert ratio <= MAX_RATIO
