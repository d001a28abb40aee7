"""The campaign's stages: what must be complete before each, and what entering it does to every package."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User

from .. import events
from ..hooks import stage_entered
from ..models import Campaign, CampaignTarget, FieldVisit, Notification
from ..notifications import notify
from ._common import liaison_of, require, target_move
from .self_assessment import _self_assessment_open

Status = Campaign.Status
TStatus = CampaignTarget.Status


def _require_all(targets: list[CampaignTarget], status: str, message: str) -> None:
    """Refuse, naming (up to five of) the units whose package is not yet at `status`."""
    pending = [t.unit.name for t in targets if t.status != status]
    if pending:
        units = _("、").join(pending[:5]) + (_("等") if len(pending) > 5 else "")
        raise ApplicationError(message % {"n": len(pending), "units": units})


def _campaign_enter(campaign: Campaign, to_status: str, actor: User) -> None:
    """What must be complete before the campaign enters `to_status`, and what entering it does to each package."""
    targets = list(campaign.targets.select_related("unit", "liaison", "team").select_for_update(of=("self",)))
    if to_status == Status.NOTICE:
        if not campaign.plan_text.strip() or not campaign.notice_text.strip():
            raise ApplicationError(_("发布通知前，请先填写实施方案和评估通知"))
        for target in targets:
            target_move(target=target, to_status=TStatus.NOTIFIED, actor=actor)
        notify(
            users=[t.liaison for t in targets], kind=Notification.Kind.NOTICE,
            title=_("新通知：%(c)s") % {"c": campaign}, body=campaign.notice_text[:500],
            url=reverse("evaluations:workbench"),
        )
    elif to_status == Status.SELF_ASSESSMENT:
        for target in targets:  # a liaison added to the registry since the fan-out is picked up now
            if target.liaison_id is None and (liaison := liaison_of(target.unit)):
                target.liaison = liaison
                target.save(update_fields=["liaison", "updated_at"])
        missing = [t.unit.name for t in targets if t.liaison_id is None]
        if missing:
            raise ApplicationError(
                _("以下单位还没有填报员，不能开始部门自评：%(units)s。请先在系统管理中为其建立填报员账号。")
                % {"units": _("、").join(missing)}
            )
        for target in targets:
            target_move(target=target, to_status=TStatus.SELF_DRAFT, actor=actor)
            _self_assessment_open(target=target, version=1)
    elif to_status == Status.SURVEY:
        _require_all(targets, TStatus.SELF_ACCEPTED, _("还有 %(n)d 个单位的自评未通过审核（%(units)s），不能进入社会调查"))
    elif to_status == Status.FIELD_VISIT:
        for target in targets:
            target_move(target=target, to_status=TStatus.FIELD_VISIT, actor=actor)
            FieldVisit.objects.get_or_create(target=target, defaults={"team": target.team})
    elif to_status == Status.REPORT:
        _require_all(targets, TStatus.FIELD_DONE, _("还有 %(n)d 个单位的实地评估未完成（%(units)s），不能进入撰写报告"))
    elif to_status == Status.FEEDBACK:
        notify(
            users=[t.liaison for t in targets], kind=Notification.Kind.RESULTS,
            title=_("%(c)s 进入反馈结果阶段：本单位的评估结果反馈后将另行通知") % {"c": campaign},
            url=reverse("reports:my_unit"),
        )
    stage_entered(campaign, to_status, actor)  # the apps above: e.g. results stored on entering 撰写报告


@transaction.atomic
def campaign_advance(*, campaign: Campaign, actor: User) -> Campaign:
    """Move the campaign to its next stage; stages are never skipped, and each checks what must be complete."""
    require(actor, "campaign.advance")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # re-read under lock
    to_status = campaign.next_status
    if to_status is None:
        raise ApplicationError(_("评估已结束，不能再变更阶段"))
    _campaign_enter(campaign, to_status, actor)
    from_status, campaign.status = campaign.status, to_status
    campaign.save(update_fields=["status", "updated_at"])
    events.event_campaign_advanced(campaign=campaign, actor=actor, from_status=from_status, to_status=to_status)
    return campaign

