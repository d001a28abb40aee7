"""A campaign keeps evaluating the registry version it started with; later imports change only the registry."""

from datetime import date

import pytest

from bianzhi.models import Unit
from bianzhi.selectors import unit_staffing
from bianzhi.services import registry_import
from evaluations.services import campaign_create
from scoring.selectors import target_scores

from ..bianzhi.xlsx import workbook
from ..factories import UnitRecordFactory

pytestmark = pytest.mark.django_db


def import_unit(*, approved: int, actual: int, as_of: date):
    registry_import(
        data=workbook(UnitRecordFactory(code="PIN", quotas=(("administrative", approved, actual),), staff_as_of=as_of)),
        actor=None,
    )


def test_a_campaign_keeps_the_version_it_evaluated(evaluator):
    import_unit(approved=10, actual=10, as_of=date(2025, 12, 31))
    campaign = campaign_create(name="锁定台账", year=2026, units=[Unit.objects.get(code="PIN")], actor=evaluator)
    target = campaign.targets.get()
    assert target.registry_version.valid_from == date(2025, 12, 31)

    import_unit(approved=10, actual=5, as_of=date(2026, 3, 1))  # the registry moves on

    (result,) = target_scores(campaign=campaign)
    assert (result.staffing.approved, result.staffing.actual) == (10, 10)  # what the campaign evaluated
    current, _organ = unit_staffing(unit=target.unit)
    assert (current.approved, current.actual) == (10, 5)  # what the registry says now
