"""The province's reads and writes against a raw SQL baseline over the same rows: run in the benchmark's
environment on a database `generate_province` filled; prints JSON.

`python -m tests.benchmarks.province_probe CAMPAIGN_ID` → for each operation its seconds, its query count,
the baseline's seconds and the ratio. Each baseline does the least the operation must: fetch the same rows
with one hand-written SQL statement (and, for workbooks, write the same cells with openpyxl alone).
"""

import io
import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.bench_settings")
django.setup()

import openpyxl  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bianzhi.exporters import registry_workbook  # noqa: E402
from bianzhi.models import Unit, User  # noqa: E402
from bianzhi.selectors import unit_records  # noqa: E402
from bianzhi.services import registry_import  # noqa: E402
from evaluations.models import Campaign  # noqa: E402
from scoring.selectors import target_scores  # noqa: E402
from surveys.models import Form  # noqa: E402
from surveys.selectors import form_statistics  # noqa: E402


def timed(fn):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return result, seconds, len(queries)


def raw(sql: str, params: list) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
    return time.perf_counter() - started


def figure(seconds: float, queries: int, baseline: float, **extra) -> dict:
    return {"seconds": round(seconds, 3), "queries": queries, "raw_sql_seconds": round(baseline, 3),
            "ratio": round(seconds / baseline, 2), **extra}


def plain_write(workbook: bytes) -> tuple[float, int]:
    """The baseline's writing part: the same cells (read back from `workbook`) written by openpyxl alone,
    row by row. Returns (seconds, rows)."""
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    book.close()
    started = time.perf_counter()
    plain = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = plain.create_sheet(title)
        for row in rows:
            ws.append(row)
    plain.save(io.BytesIO())
    return time.perf_counter() - started, sum(len(rows) for rows in sheets.values())


STATS_SQL = """
    SELECT r.target_id, a.question_id, a.choice, count(*) FROM surveys_answer a
    JOIN surveys_surveyresponse r ON r.id = a.response_id
    WHERE r.form_id = %s AND NOT r.is_voided AND a.choice <> ''
    GROUP BY 1, 2, 3
"""


def probe(campaign_id: int) -> dict:
    campaign = Campaign.objects.get(pk=campaign_id)
    satisfaction = Form.objects.get(campaign=campaign, kind=Form.Kind.SATISFACTION)
    units = Unit.objects.filter(campaign_targets__campaign=campaign)
    out = {"units": units.count(), "satisfaction_responses": satisfaction.responses.count()}

    baseline = min(raw(STATS_SQL, [satisfaction.pk]) for _i in range(2))
    stats, seconds, queries = timed(lambda: form_statistics(form=satisfaction))
    out["statistics"] = figure(seconds, queries, baseline, units_with_answers=sum(1 for u in stats.units.values() if u.responses))

    results, seconds, queries = timed(lambda: target_scores(campaign=campaign))
    out["results_computation"] = figure(seconds, queries, baseline, scored=sum(1 for r in results if r.score is not None))

    leader, _created = User.objects.get_or_create(username="province_leader", defaults={"role": User.Role.LEADER})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)
    response, seconds, queries = timed(lambda: client.get("/dashboard/"))
    assert response.status_code == 200, response.status_code
    out["dashboard"] = figure(seconds, queries, baseline, html_kb=round(len(response.content) / 1024))

    cells_sql = """
        SELECT u.*, q.kind, q.approved, q.actual FROM bianzhi_unit u LEFT JOIN bianzhi_quota q ON q.unit_id = u.id
        WHERE u.id IN (SELECT unit_id FROM evaluations_campaigntarget WHERE campaign_id = %s)
    """
    fetch = min(raw(cells_sql, [campaign_id]) for _i in range(2))
    workbook, seconds, queries = timed(lambda: registry_workbook(unit_records(units=units)))
    write, _rows = plain_write(workbook)
    out["registry_export"] = figure(seconds, queries, fetch + write, raw_sql_fetch_seconds=round(fetch, 3),
                                    openpyxl_write_seconds=round(write, 3), mb=round(len(workbook) / 2**20, 1))

    started = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True, data_only=True)
    for ws in book.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    book.close()
    read = time.perf_counter() - started
    with transaction.atomic():  # the same units again (a re-import changes nothing); rolled back after
        summary, seconds, queries = timed(lambda: registry_import(data=workbook, actor=None))
        transaction.set_rollback(True)
    out["registry_import"] = figure(seconds, queries, read + fetch, openpyxl_read_seconds=round(read, 3),
                                    summary=str(summary)[:200])
    return out


if __name__ == "__main__":
    print(json.dumps(probe(int(sys.argv[1])), ensure_ascii=False))
