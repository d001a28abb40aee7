"""Computing and storing the results of 1,000 units × 41 indicators, against one raw SQL aggregate that only
reads the same answers (the floor any computation must pay). Goal: ≤ 3× the aggregate, with a number of
queries that does not grow with the units (the same for 10 units as for 1,000).
"""

import random
import time
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianzhi.models import Unit, UnitVersion
from evaluations.models import Campaign, CampaignTarget
from scoring.models import ResultVersion
from scoring.results import results_store
from scoring.services import campaign_tree_copy, default_template_ensure
from surveys.models import Answer, BallotBox, Form, SheetSignoff, StaffTally, SurveyResponse
from surveys.services import form_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHOICES = ["satisfied", "basically_satisfied", "dissatisfied"]
STAFF_SHEETS, PUBLIC_SHEETS = 6, 10


def campaign_with_sources(units: int, name: str) -> Campaign:
    """A campaign whose units all have a pinned registry version, a signed sheet, staff ballots and
    satisfaction answers: every one of the 41 indicators has a source."""
    rng = random.Random(units)
    actor = UserFactory()
    unit_rows = Unit.objects.bulk_create(
        Unit(code=f"{name}{i:05d}", name=f"单位{i}", kind="party_government", level="municipal", region="市本级")
        for i in range(units)
    )
    versions = UnitVersion.objects.bulk_create(
        UnitVersion(unit=u, valid_from=date(2026, 6, 30), source="seed", data={
            "kind": "party_government", "quotas": [["administrative", 20, rng.randint(15, 22)], ["service_worker", 3, 2]],
            "posts": [["division_full", 1, 1], ["division_deputy", 3, rng.choice([3, 3, 4])]]})
        for u in unit_rows
    )
    campaign = Campaign.objects.create(name=name, year=2026)
    targets = CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=campaign, unit=u, registry_version=v) for u, v in zip(unit_rows, versions))
    campaign_tree_copy(campaign=campaign, template=default_template_ensure(), actor=actor)
    forms = {kind: form_create(campaign=campaign, kind=kind, actor=actor) for kind in Form.Kind.values}
    sheet_questions = list(forms["evaluation_sheet"].questions.all())
    SheetSignoff.objects.bulk_create(
        SheetSignoff(form=forms["evaluation_sheet"], target=t, signed_by=actor,
                     scores={q.code: str(rng.randint(60, 100) / 10) for q in sheet_questions} | {"d6_10": "0"})
        for t in targets
    )
    # The staff assessment keeps no answer sheets, only released counts per unit, question and option.
    staff_questions = list(forms["staff_assessment"].questions.filter(type="single_choice"))
    BallotBox.objects.bulk_create(
        BallotBox(form=forms["staff_assessment"], target=t, issued=STAFF_SHEETS, used=STAFF_SHEETS, released=STAFF_SHEETS)
        for t in targets)
    tallies = []
    for t in targets:
        for q in staff_questions:
            counts = Counter(rng.choice([v for v, _l in q.choices]) for _i in range(STAFF_SHEETS))
            tallies += [StaffTally(target=t, question=q, choice=c, count=n) for c, n in counts.items()]
    StaffTally.objects.bulk_create(tallies, batch_size=5_000)
    for kind, per_unit in (("satisfaction", PUBLIC_SHEETS), ("questionnaire", PUBLIC_SHEETS)):
        questions = list(forms[kind].questions.filter(type="single_choice"))
        responses = SurveyResponse.objects.bulk_create(
            SurveyResponse(form=forms[kind], target=t) for t in targets for _i in range(per_unit))
        Answer.objects.bulk_create(
            (Answer(response=r, question=q, choice=rng.choice([v for v, _l in q.choices]))
             for r in responses for q in questions), batch_size=5_000)
    return campaign


def store(campaign: Campaign) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        results_store(campaign, None)
        seconds = time.perf_counter() - started
    return len(queries), seconds


def raw_aggregate(campaign: Campaign) -> float:
    """One SQL aggregate over the same answers, staff tallies and signed sheets: counts per unit, question and option."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.target_id, a.question_id, a.choice, COUNT(*) FROM surveys_answer a
               JOIN surveys_surveyresponse r ON r.id = a.response_id JOIN surveys_form f ON f.id = r.form_id
               WHERE f.campaign_id = %s AND NOT r.is_voided GROUP BY 1, 2, 3""", [campaign.pk])
        cursor.fetchall()
        cursor.execute("""SELECT t.target_id, t.question_id, t.choice, t.count FROM surveys_stafftally t
                          JOIN surveys_question q ON q.id = t.question_id JOIN surveys_form f ON f.id = q.form_id
                          WHERE f.campaign_id = %s AND t.count > 0""", [campaign.pk])
        cursor.fetchall()
        cursor.execute("""SELECT s.target_id, s.scores FROM surveys_sheetsignoff s JOIN surveys_form f ON f.id = s.form_id
                          WHERE f.campaign_id = %s""", [campaign.pk])
        cursor.fetchall()
    return time.perf_counter() - started


def test_results_of_1000_units_and_41_indicators(bench_record, settings):
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 5
    small_queries, _s = store(campaign_with_sources(10, "S"))
    campaign = campaign_with_sources(1_000, "L")
    baseline = min(raw_aggregate(campaign) for _i in range(3))
    queries, seconds = store(campaign)
    answers = Answer.objects.filter(response__form__campaign=campaign).count()
    bench_record("results_store_1000_units", {
        "units": 1_000, "indicators": 41, "answers": answers, "queries": queries, "queries_for_10_units": small_queries,
        "seconds": round(seconds, 3), "raw_sql_aggregate_seconds": round(baseline, 3),
        "ratio": round(seconds / baseline, 2), "goal_ratio": 3, "database": connection.vendor,
    })
    stored = ResultVersion.objects.filter(campaign=campaign)
    assert stored.count() == 1_000 and not stored.filter(complete=False).exists()
    assert all(r.scored == 41 for r in stored.only("scored"))
    assert queries == small_queries  # constant whatever the number of units
