"""The campaign itself: creation with fan-out to the units, settings, documents, deadlines, teams."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi import access
from bianzhi.exceptions import ApplicationError
from bianzhi.models import Unit, User
from bianzhi.selectors import version_ids_as_of

from .. import events
from ..guard import campaign_writable
from ..models import Campaign, CampaignDeadline, CampaignTarget, EvaluationTeam
from ._common import liaison_of, require

Status = Campaign.Status


@transaction.atomic
def campaign_create(
    *, name: str, year: int, units: Iterable[Unit], actor: User, kind: str = Campaign.Kind.BOTH,
    plan_text: str = "", notice_text: str = "",
) -> Campaign:
    """Create the campaign and fan it out: one package per unit, its liaison assigned at once."""
    require(actor, "campaign.create")
    units = list(dict.fromkeys(units))
    if not units:
        raise ApplicationError(_("请至少选择一个被评估单位"))
    abolished = [u.name for u in units if u.status == Unit.Status.ABOLISHED]
    if abolished:
        raise ApplicationError(_("已撤销的单位不能参加评估：%(units)s") % {"units": _("、").join(abolished)})
    if Campaign.objects.filter(year=year, name=name).exists():
        raise ApplicationError(_("同一年度已有同名的评估活动"))
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                name=name, year=year, kind=kind, plan_text=plan_text, notice_text=notice_text, created_by=actor
            )
    except IntegrityError as exc:  # a concurrent create won the race
        raise ApplicationError(_("同一年度已有同名的评估活动")) from exc
    versions = version_ids_as_of(unit_ids=[unit.pk for unit in units], day=timezone.localdate())
    CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=campaign, unit=unit, liaison=liaison_of(unit), registry_version_id=versions.get(unit.pk))
        for unit in units
    )
    events.event_campaign_created(campaign=campaign, actor=actor, units=[unit.code for unit in units])
    return campaign


EDITABLE_FIELDS = ("name", "kind", "plan_text", "notice_text", "excellent_min", "good_min", "fair_min")


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: User, **fields) -> Campaign:
    """Edit the campaign's settings and documents; the kind and cut-offs are fixed once self-assessment starts."""
    require(actor, "campaign.edit")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_writable(campaign, "settings")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": _("、").join(sorted(unknown))})
    before_self_assessment = campaign.status in {Status.PLAN, Status.NOTICE}
    changes = {}
    for field, value in fields.items():
        old = getattr(campaign, field)
        if isinstance(old, Decimal):
            value = Decimal(str(value))
        if old == value:
            continue
        if field in {"kind", "excellent_min", "good_min", "fair_min"} and not before_self_assessment:
            raise ApplicationError(_("部门自评开始后，评估类型和等次分数线不能再修改"))
        changes[field] = {"from": old, "to": value}
        setattr(campaign, field, value)
    if not changes:
        return campaign
    if not (campaign.excellent_min > campaign.good_min > campaign.fair_min):
        raise ApplicationError(_("等次分数线须满足：优秀 > 良好 > 一般"))
    if Campaign.objects.filter(year=campaign.year, name=campaign.name).exclude(pk=campaign.pk).exists():
        raise ApplicationError(_("同一年度已有同名的评估活动"))
    campaign.save()
    events.event_campaign_edited(campaign=campaign, actor=actor, changes=changes)
    return campaign


@transaction.atomic
def campaign_deadlines_set(*, campaign: Campaign, actor: User, deadlines: dict[str, date | None]) -> Campaign:
    """Set (or clear, with None) the deadline of each step."""
    require(actor, "campaign.edit")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_writable(campaign, "deadlines")
    current = {d.step: d for d in campaign.deadlines.all()}
    changes = {}
    for step, due_on in deadlines.items():
        if step not in Status.values:
            raise ApplicationError(_("未知的环节：%(s)s") % {"s": step})
        old = current.get(step)
        if (old.due_on if old else None) == due_on:
            continue
        changes[step] = {"from": old.due_on if old else None, "to": due_on}
        if due_on is None:
            old.delete()
        else:
            CampaignDeadline.objects.update_or_create(campaign=campaign, step=step, defaults={"due_on": due_on})
    if changes:
        events.event_deadlines_set(campaign=campaign, actor=actor, changes=changes)
    return campaign


@transaction.atomic
def team_save(
    *, campaign: Campaign, actor: User, name: str, members: Iterable[User], targets: Iterable[CampaignTarget],
    team: EvaluationTeam | None = None,
) -> EvaluationTeam:
    """Create or change an evaluation team: its evaluators and the units it covers."""
    require(actor, "campaign.edit")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_writable(campaign, "team")
    members, targets = list(members), list(targets)
    if any(not access.may(m, "team.member") for m in members):
        raise ApplicationError(_("评估组成员必须是编办评估人员"))
    if not members:
        raise ApplicationError(_("评估组至少要有一名成员"))
    if any(t.campaign_id != campaign.pk for t in targets):
        raise ApplicationError(_("只能分配本评估活动的单位"))
    if EvaluationTeam.objects.filter(campaign=campaign, name=name).exclude(pk=getattr(team, "pk", None)).exists():
        raise ApplicationError(_("本评估活动已有同名的评估组"))
    before = None
    if team is None:
        team = EvaluationTeam.objects.create(campaign=campaign, name=name)
    else:
        before = {"name": team.name, "members": sorted(events.actor_name(u) for u in team.members.all()),
                  "units": sorted(t.unit.code for t in team.targets.select_related("unit"))}
        team.name = name
        team.save(update_fields=["name", "updated_at"])
        team.targets.exclude(pk__in=[t.pk for t in targets]).update(team=None)
    team.members.set(members)
    CampaignTarget.objects.filter(pk__in=[t.pk for t in targets]).update(team=team)
    after = {"name": name, "members": sorted(events.actor_name(u) for u in members), "units": sorted(t.unit.code for t in targets)}
    if before != after:  # saving the page unchanged records nothing
        events.event_team_saved(campaign=campaign, actor=actor, before=before, after=after)
    return team

