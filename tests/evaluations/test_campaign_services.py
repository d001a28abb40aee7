import pytest

from bianzhi.exceptions import ApplicationError
from evaluations import services
from evaluations.models import Campaign, CampaignEvent
from evaluations.services import campaign_advance, campaign_create

from ..factories import UnitFactory
from ..reports.helpers import prepare_for
from .conftest import accept_all

pytestmark = pytest.mark.django_db


def test_create_makes_one_target_per_unit_and_records_it(evaluator):
    units = UnitFactory.create_batch(3)
    campaign = campaign_create(name="年度评估", year=2026, units=units, actor=evaluator)
    assert set(campaign.targets.values_list("unit_id", flat=True)) == {u.pk for u in units}
    event = campaign.events.get()
    assert event.type == CampaignEvent.Type.CREATED and event.actor == evaluator
    assert event.data["units"] == [u.code for u in units]


def test_create_refuses_no_units_and_a_duplicate_name(evaluator):
    with pytest.raises(ApplicationError, match="至少选择一个"):
        campaign_create(name="空评估", year=2026, units=[], actor=evaluator)
    campaign_create(name="年度评估", year=2026, units=[UnitFactory()], actor=evaluator)
    with pytest.raises(ApplicationError, match="同名"):
        campaign_create(name="年度评估", year=2026, units=[UnitFactory()], actor=evaluator)
    assert Campaign.objects.count() == 1


FIELD_VISIT = {"listen_notes": "汇报", "signs_match": True, "posts_match": True, "people_in_place": True,
               "ballots_handed_out": 10, "judgement": "好"}


def test_advance_walks_every_stage_in_order_then_stops(world):
    # what each stage needs is done when it is due: the self-assessments accepted, the field visits recorded
    campaign, evaluator = world.campaign, world.evaluator
    seen = [campaign.status]
    while campaign.next_status:
        if campaign.status == Campaign.Status.NOTICE:
            accept_all(world)
            campaign = world.campaign
            seen += [Campaign.Status.SELF_ASSESSMENT]
            continue
        if campaign.status == Campaign.Status.FIELD_VISIT:
            for target in campaign.targets.all():
                services.field_visit_save(target=target, actor=evaluator, fields=FIELD_VISIT,
                                          checks={"D1_01": ("符合", False)}, interview=("群众", "满意"))
                services.field_visit_complete(target=target, actor=evaluator)
        prepare_for(campaign, campaign.next_status, evaluator)  # signed reports, the summary (reports app)
        campaign = campaign_advance(campaign=campaign, actor=evaluator)
        seen.append(campaign.status)
    assert seen == list(Campaign.Status.values)
    with pytest.raises(ApplicationError, match="已结束"):
        campaign_advance(campaign=campaign, actor=evaluator)
    changes = campaign.events.filter(type=CampaignEvent.Type.STATUS_CHANGED).order_by("created_at", "id")
    assert [(e.data["from"], e.data["to"]) for e in changes] == list(zip(seen, seen[1:]))
