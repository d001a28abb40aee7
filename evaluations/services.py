"""Every change to a campaign goes through here: validated, saved in a transaction, recorded as an event."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import Unit, User

from .models import Campaign, CampaignEvent, CampaignTarget


def event_record(
    *, campaign: Campaign, type: str, actor: User | None, data: dict | None = None, target: CampaignTarget | None = None
) -> CampaignEvent:
    return CampaignEvent.objects.create(campaign=campaign, target=target, type=type, actor=actor, data=data or {})


@transaction.atomic
def campaign_create(*, name: str, year: int, units: Iterable[Unit], actor: User) -> Campaign:
    units = list(units)
    if not units:
        raise ApplicationError(_("请至少选择一个被评估单位"))
    if Campaign.objects.filter(year=year, name=name).exists():
        raise ApplicationError(_("同一年度已有同名的评估活动"))
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(name=name, year=year, created_by=actor)
    except IntegrityError as exc:  # a concurrent create won the race
        raise ApplicationError(_("同一年度已有同名的评估活动")) from exc
    CampaignTarget.objects.bulk_create(CampaignTarget(campaign=campaign, unit=unit) for unit in units)
    event_record(
        campaign=campaign, type=CampaignEvent.Type.CREATED, actor=actor,
        data={"name": name, "year": year, "units": [unit.code for unit in units]},
    )
    return campaign


@transaction.atomic
def campaign_advance(*, campaign: Campaign, actor: User) -> Campaign:
    """Move the campaign to its next stage; stages are never skipped."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # re-read under lock
    to_status = campaign.next_status
    if to_status is None:
        raise ApplicationError(_("评估活动已结束，不能再变更阶段"))
    from_status, campaign.status = campaign.status, to_status
    campaign.save(update_fields=["status", "updated_at"])
    event_record(
        campaign=campaign, type=CampaignEvent.Type.STATUS_CHANGED, actor=actor,
        data={"from": from_status, "to": to_status},
    )
    return campaign
