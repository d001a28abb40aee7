"""A unit evaluated in a campaign that reached 反馈结果 on a given day, with the grade the test needs; a unit
long amply vacant (长期空编, in its registry versions since mid-2023)."""

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from bianzhi.models import Quota, Unit, UnitVersion
from evaluations.models import Campaign, CampaignEvent, CampaignTarget
from scoring.models import ResultVersion
from tests.factories import QuotaFactory, UnitFactory

SCORES = {"excellent": Decimal("92"), "good": Decimal("85"), "fair": Decimal("70"), "poor": Decimal("50")}

# cut-offs that put the registry-only score of the factories' units (about 95) where a test wants it
CUTOFFS = {
    "excellent": (Decimal("50"), Decimal("40"), Decimal("30")),
    "good": (Decimal("99.9"), Decimal("50"), Decimal("40")),
    "fair": (Decimal("99.9"), Decimal("99.8"), Decimal("50")),
    "poor": (Decimal("99.9"), Decimal("99.8"), Decimal("99.7")),
}


def evaluated(unit, *, grade: str, feedback_on: date, name: str = "2025年度机构编制评估", year: int = 2025,
              total: Decimal | None = None) -> Campaign:
    excellent, good, fair = CUTOFFS[grade]
    campaign, _created = Campaign.objects.get_or_create(
        name=name, year=year,
        defaults={"status": Campaign.Status.FEEDBACK, "excellent_min": excellent, "good_min": good, "fair_min": fair})
    target, _created = CampaignTarget.objects.get_or_create(campaign=campaign, unit=unit)
    # its stored result (scoring.results writes it on entering 撰写报告), with the grade the test needs
    ResultVersion.objects.get_or_create(target=target, version=1, defaults={
        "campaign": campaign, "total": total if total is not None else SCORES[grade], "grade": grade, "complete": True, "scored": 41,
        "indicator_count": 41, "weight_covered": 1.0,
    })
    if not campaign.events.filter(type=CampaignEvent.Type.STATUS_CHANGED).exists():
        at = timezone.make_aware(datetime.combine(feedback_on, time(10, 0)))
        CampaignEvent.objects.create(campaign=campaign, type=CampaignEvent.Type.STATUS_CHANGED, actor=None,
                                     data={"from": "report", "to": "feedback"}, created_at=at)
    return campaign


def long_vacant_unit(name="临川市空编局") -> Unit:
    unit = UnitFactory(name=name, kind=Unit.Kind.PUBLIC_INSTITUTION)
    QuotaFactory(unit=unit, kind=Quota.Kind.INSTITUTIONAL_FULL, approved=40, actual=30)
    UnitVersion.objects.create(unit=unit, valid_from=date(2023, 6, 30), source="seed",
                               data={"quotas": [["institutional_full", 40, 30]], "kind": unit.kind})
    return unit
