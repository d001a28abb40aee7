"""A province's results: computing and storing every unit's result, and the campaign's results workbook, each
against a raw SQL baseline over the same rows; run in the benchmark's environment, prints JSON.

`python -m tests.benchmarks.results_probe CAMPAIGN_ID` → seconds, query count, the baseline's seconds, the
ratio, and the export's peak Python memory (tracemalloc). Everything happens in one transaction that is rolled
back: the province's database is left as it was.
"""

import json
import os
import sys
import tracemalloc

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.bench_settings")
django.setup()

from django.db import transaction  # noqa: E402

from evaluations.models import Campaign  # noqa: E402
from scoring.exporters import results_xlsx  # noqa: E402
from scoring.models import ResultVersion  # noqa: E402
from scoring.results import results_store  # noqa: E402
from scoring.selectors import campaign_results  # noqa: E402
from tests.benchmarks.province_probe import figure, plain_write, raw, timed  # noqa: E402

# What results_store reads at the least: the public forms' answers counted per unit, question and option, the
# staff assessment's released tallies, the signed sheets (as tests/benchmarks/test_bench_results.py).
SOURCES_SQL = [
    """SELECT r.target_id, a.question_id, a.choice, count(*) FROM surveys_answer a
       JOIN surveys_surveyresponse r ON r.id = a.response_id JOIN surveys_form f ON f.id = r.form_id
       WHERE f.campaign_id = %s AND NOT r.is_voided GROUP BY 1, 2, 3""",
    """SELECT t.target_id, t.question_id, t.choice, t.count FROM surveys_stafftally t
       JOIN surveys_question q ON q.id = t.question_id JOIN surveys_form f ON f.id = q.form_id
       WHERE f.campaign_id = %s AND t.count > 0""",
    """SELECT s.target_id, s.scores FROM surveys_sheetsignoff s JOIN surveys_form f ON f.id = s.form_id
       WHERE f.campaign_id = %s""",
]
RESULTS_SQL = """
    SELECT u.name, u.kind, u.level, v.version, v.total, v.execution, v.benefit, v.grade, v.rank_overall, v.rank_kind,
           v.rank_level, v.scored, v.indicator_count, v.missing, v.indicators
    FROM scoring_resultversion v JOIN evaluations_campaigntarget t ON t.id = v.target_id JOIN bianzhi_unit u ON u.id = t.unit_id
    WHERE v.campaign_id = %s
"""


def probe(campaign_id: int) -> dict:
    campaign = Campaign.objects.get(pk=campaign_id)
    out = {"units": campaign.targets.count()}
    with transaction.atomic():
        ResultVersion.objects.filter(campaign=campaign).delete()  # rolled back below
        baseline = min(sum(raw(sql, [campaign_id]) for sql in SOURCES_SQL) for _i in range(2))
        stored, seconds, queries = timed(lambda: results_store(campaign, None))
        out["results_storage"] = figure(seconds, queries, baseline, stored=stored)

        fetch = min(raw(RESULTS_SQL, [campaign_id]) for _i in range(2))
        export = lambda: results_xlsx(campaign=campaign, results=campaign_results(campaign=campaign))  # noqa: E731
        workbook, seconds, queries = timed(export)
        tracemalloc.start()  # a second run for the memory: tracing every allocation slows it several times
        export()
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        write, rows = plain_write(workbook)
        out["results_export"] = figure(
            seconds, queries, fetch + write, raw_sql_fetch_seconds=round(fetch, 3), openpyxl_write_seconds=round(write, 3),
            mb=round(len(workbook) / 2**20, 1), rows=rows,
            peak_python_mb=round(peak / 2**20, 1))
        transaction.set_rollback(True)
    return out


if __name__ == "__main__":
    print(json.dumps(probe(int(sys.argv[1])), ensure_ascii=False))
