"""A campaign whose units all have every source of the 41 indicators, made by bulk inserts: used by the
results benchmark (1,000 units) and by the test that storing results costs the same queries for 10 and 60."""

import random
from collections import Counter
from datetime import date

from bianzhi.models import Unit, UnitVersion
from evaluations.models import Campaign, CampaignTarget
from scoring.services import campaign_tree_copy, default_template_ensure
from surveys.models import Answer, BallotBox, Form, SheetSignoff, StaffTally, SurveyResponse
from surveys.services import form_create
from tests.factories import UserFactory

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
