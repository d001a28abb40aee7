"""Statistics of a large campaign: 1,000 units, 300,000 answers, counted in the database.

The number of queries must not grow with the number of units (the same for 10 units as for 1,000); the time
is recorded. Runs on the test database: SQLite by default, PostgreSQL with DATABASE_URL.
"""

import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianzhi.models import Unit
from evaluations.models import Campaign, CampaignTarget
from surveys.models import Answer, SurveyResponse
from surveys.selectors import form_statistics
from surveys.services import satisfaction_form_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWERS_PER_SHEET = 5  # the satisfaction form's five rated questions
CHOICES = ["satisfied", "basically_satisfied", "dissatisfied"]


def campaign_with_answers(units: int, answers: int, name: str):
    rng = random.Random(units)
    actor = UserFactory()
    unit_rows = Unit.objects.bulk_create(
        Unit(code=f"{name}{i:05d}", name=f"单位{i}", kind="party_government", level="municipal", region="市本级")
        for i in range(units)
    )
    campaign = Campaign.objects.create(name=name, year=2026)
    targets = CampaignTarget.objects.bulk_create(CampaignTarget(campaign=campaign, unit=u) for u in unit_rows)
    form = satisfaction_form_issue(campaign=campaign, actor=actor)
    questions = list(form.questions.filter(counts_for_satisfaction=True))
    sheets = answers // ANSWERS_PER_SHEET
    for start in range(0, sheets, 10_000):
        batch = SurveyResponse.objects.bulk_create(
            SurveyResponse(form=form, target=targets[i % units]) for i in range(start, min(sheets, start + 10_000))
        )
        Answer.objects.bulk_create(
            (Answer(response=r, question=q, choice=rng.choice(CHOICES)) for r in batch for q in questions),
            batch_size=5_000,
        )
    return form


def measure(form):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        stats = form_statistics(form=form)
        seconds = time.perf_counter() - started
    return stats, len(queries), seconds


def test_statistics_of_1000_units_and_300000_answers(bench_record):
    small, small_queries, _seconds = measure(campaign_with_answers(10, 500, "S"))
    form = campaign_with_answers(1_000, 300_000, "L")
    stats, queries, seconds = measure(form)
    bench_record("survey_statistics_1000_units", {
        "units": 1_000, "answers": Answer.objects.filter(response__form=form).count(),
        "queries": queries, "queries_for_10_units": small_queries, "seconds": round(seconds, 3),
        "database": connection.vendor,
    })
    assert queries == small_queries <= 5
    assert stats.total.responses == 60_000 and stats.total.total.valid == 300_000
    assert len(stats.units) == 1_000 and all(u.responses == 60 for u in stats.units.values())
    assert small.total.total.valid == 500
