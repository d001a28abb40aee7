"""The province generator at a small scale (CI): every part made, in the proportions of the full size."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from bianzhi.models import Quota, Unit
from evaluations.models import Campaign
from reports.province import CITIES, province_generate
from surveys.models import Answer, BallotBox, Form, SheetEntry, SheetSignoff, StaffTally, SurveyResponse

pytestmark = pytest.mark.services


def test_a_small_province_has_every_part(postgres):
    summary = province_generate(scale=0.003)  # 30 units, 3,000 answer sheets, 600 staff ballots
    campaign = Campaign.objects.get(pk=summary.campaign_id)
    units = Unit.objects.filter(campaign_targets__campaign=campaign)
    assert summary.units == 30 == campaign.targets.count() == units.count()
    assert len({u.region.split("市")[0] for u in units}) == len(CITIES)
    assert Quota.objects.filter(unit__in=units, actual__gt=0).values("unit").distinct().count() == 30

    satisfaction = campaign.forms.get(kind=Form.Kind.SATISFACTION)
    assert SurveyResponse.objects.filter(form=satisfaction).count() == summary.satisfaction_responses == 3000
    # every sheet answers every question, spread over every unit
    questions = satisfaction.questions.count()
    assert Answer.objects.filter(response__form=satisfaction).count() == 3000 * questions
    assert SurveyResponse.objects.filter(form=satisfaction).values("target").distinct().count() == 30
    assert set(Answer.objects.filter(question__code="duties", response__form=satisfaction)
               .values_list("choice", flat=True)) == {"satisfied", "basically_satisfied", "dissatisfied"}

    staff = campaign.forms.get(kind=Form.Kind.STAFF_ASSESSMENT)
    boxes = BallotBox.objects.filter(form=staff)
    assert boxes.count() == 30 and summary.staff_ballots == 600
    assert all(box.used == box.issued == box.released == 20 and all(box.is_spent(n) for n in range(1, 21))
               and not box.is_spent(21) for box in boxes)
    assert not SurveyResponse.objects.filter(form=staff).exists()  # the staff assessment keeps counts only
    # every unit's choice question counts exactly its 20 ballots
    per_question = (StaffTally.objects.filter(target__campaign=campaign, question__type="single_choice")
                    .values("target", "question").annotate(n=Sum("count")))
    assert {row["n"] for row in per_question} == {20}
    assert per_question.count() == 30 * staff.questions.filter(type="single_choice").count()

    sheet = campaign.forms.get(kind=Form.Kind.EVALUATION_SHEET)
    assert SheetSignoff.objects.filter(form=sheet).count() == 30 == summary.signoffs
    scored = sheet.questions.filter(type="score").count()
    assert SheetEntry.objects.filter(target__campaign=campaign).count() == 30 * scored
    signoff = SheetSignoff.objects.filter(form=sheet).first()
    assert len(signoff.scores) == scored


def test_the_registry_of_a_province_round_trips_through_its_own_import(postgres):
    """Generated units are valid registry records: their export imports again without a complaint."""
    from bianzhi.exporters import registry_workbook
    from bianzhi.selectors import unit_records
    from bianzhi.services import registry_import

    province_generate(scale=0.002)
    units = Unit.objects.filter(code__startswith="P")
    registry_import(data=registry_workbook(unit_records(units=units)), actor=None)  # raises listing any problem
    assert units.count() == 20


def test_the_command_refuses_a_silly_scale(postgres):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="规模系数"):
        call_command("generate_province", "--scale", "0")
