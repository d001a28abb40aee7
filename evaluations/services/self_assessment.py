"""The unit's notice and self-assessment (部门自评): the liaison fills and submits, the team accepts or returns."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi import access
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User

from .. import events
from ..guard import campaign_writable, refusal
from ..indicators import campaign_indicator_codes, campaign_indicators, indicator_scale
from ..models import Campaign, CampaignTarget, Notification, SelfAssessment, SelfAssessmentItem
from ..notifications import notify, office_people
from ..sheet_workbook import SELF_ASSESSMENT, ReadBack, indicator_workbook_read
from ._common import target_move

Status = Campaign.Status
TStatus = CampaignTarget.Status


@transaction.atomic
def target_notice_seen(*, target: CampaignTarget, actor: User) -> CampaignTarget:
    """The unit's liaison opened the notice (recorded once)."""
    if target.notice_seen_at is None and access.may(actor, "package.fill", target) and refusal(target.campaign, "notice_seen") is None:
        target.notice_seen_at = timezone.now()
        target.save(update_fields=["notice_seen_at", "updated_at"])
        events.event_notice_seen(target=target, actor=actor)
    return target


def _self_assessment_open(*, target: CampaignTarget, version: int, previous: SelfAssessment | None = None) -> SelfAssessment:
    assessment = SelfAssessment.objects.create(
        target=target, version=version, report=previous.report if previous else None
    )
    old_items = {i.indicator_code: i for i in previous.items.prefetch_related("evidence")} if previous else {}
    items = SelfAssessmentItem.objects.bulk_create(
        SelfAssessmentItem(
            assessment=assessment, indicator_code=code,
            score=old_items[code].score if code in old_items else None,
            narrative=old_items[code].narrative if code in old_items else "",
        )
        for code in campaign_indicator_codes(target.campaign)
    )
    Evidence = SelfAssessmentItem.evidence.through
    Evidence.objects.bulk_create(
        Evidence(selfassessmentitem_id=item.pk, upload_id=upload.pk)
        for item in items if item.indicator_code in old_items
        for upload in old_items[item.indicator_code].evidence.all()
    )
    return assessment


def current_self_assessment(target: CampaignTarget) -> SelfAssessment | None:
    return target.self_assessments.order_by("-version").first()


def _liaison_draft(target: CampaignTarget, actor: User) -> SelfAssessment:
    """The draft the unit's liaison may edit now, or a clear refusal."""
    if not access.may(actor, "package.fill", target):
        raise PermissionDenied(_("只有本单位的填报员可以填报自评"))
    campaign_writable(target.campaign, "self_assessment")
    assessment = SelfAssessment.objects.select_for_update().filter(target=target).order_by("-version").first()
    if assessment is None or not assessment.is_editable:
        raise ApplicationError(_("自评已提交，正在审核，不能修改"))
    return assessment


@transaction.atomic
def self_assessment_save(
    *, target: CampaignTarget, actor: User, items: dict[str, tuple[Decimal | None, str]]
) -> SelfAssessment:
    """Save the self-scores and narratives (indicator code → (score, narrative)); records what changed.
    Each score fits the indicator's scale (the tree's full marks, as on the evaluation sheet) or nothing is saved."""
    assessment = _liaison_draft(target, actor)
    indicators = campaign_indicators(target.campaign)
    for code, (score, _narrative) in items.items():
        why = score is not None and code in indicators and indicator_scale(indicators[code]).error(score)
        if why:
            raise ApplicationError(_("%(name)s：自评分%(why)s") % {"name": indicators[code].name, "why": why})
    changes = {}
    saved = {item.indicator_code: item for item in assessment.items.all()}
    for code in campaign_indicator_codes(target.campaign):  # an indicator added to the tree since gets its item
        if code not in saved and code in items:
            saved[code] = SelfAssessmentItem.objects.create(assessment=assessment, indicator_code=code)
    for item in saved.values():
        if item.indicator_code not in items:
            continue
        score, narrative = items[item.indicator_code]
        if (item.score, item.narrative) != (score, narrative):
            changes[item.indicator_code] = {"from": [item.score, item.narrative], "to": [score, narrative]}
            item.score, item.narrative = score, narrative
            item.save(update_fields=["score", "narrative"])
    if changes:
        events.event_self_saved(target=target, actor=actor, version=assessment.version, changes=changes)
    return assessment


def _assessment_move(
    *, target: CampaignTarget, assessment: SelfAssessment, to_status: str, package_status: str, event: str,
    actor: User, fields: list[str], **data,
) -> None:
    """Move a self-assessment and its package together, and record both."""
    from_status, assessment.status = assessment.status, to_status
    assessment.save(update_fields=["status", "updated_at", *fields])
    target_move(target=target, to_status=package_status, actor=actor, version=assessment.version, **data)
    events.event_self_moved(target=target, actor=actor, type=event, version=assessment.version,
                            from_status=from_status, to_status=to_status, **data)


@transaction.atomic
def self_assessment_submit(*, target: CampaignTarget, actor: User) -> SelfAssessment:
    target = CampaignTarget.objects.select_for_update(of=("self",)).select_related("campaign", "unit", "team").get(pk=target.pk)
    assessment = _liaison_draft(target, actor)
    if assessment.report_id is None:
        raise ApplicationError(_("请先上传自评报告再提交"))
    missing = list(assessment.items.filter(score__isnull=True).values_list("indicator_code", flat=True))
    if missing:
        names = campaign_indicators(target.campaign)
        first = next((names[c].name for c in names if c in missing), missing[0])  # the first in the tree's order
        raise ApplicationError(_("还有 %(n)d 项指标没有填写自评分（如“%(first)s”），请填写完整后再提交")
                               % {"n": len(missing), "first": first})
    assessment.submitted_at, assessment.submitted_by = timezone.now(), actor
    _assessment_move(target=target, assessment=assessment, to_status=SelfAssessment.Status.SUBMITTED,
                     package_status=TStatus.SELF_SUBMITTED, event=events.T.SELF_SUBMITTED, actor=actor,
                     fields=["submitted_at", "submitted_by"])
    notify(
        users=office_people(target), kind=Notification.Kind.SUBMITTED,
        title=_("%(unit)s 提交了自评（第 %(v)d 版），请审核") % {"unit": target.unit.name, "v": assessment.version},
        url=reverse("evaluations:self_assessment", args=[target.pk]),
    )
    return assessment


def _submitted_for_review(target: CampaignTarget, actor: User) -> SelfAssessment:
    if not access.may(actor, "package.review", target):
        raise PermissionDenied(_("只有负责该单位的评估组成员可以审核自评"))
    campaign_writable(target.campaign, "self_assessment")
    assessment = SelfAssessment.objects.select_for_update().filter(target=target).order_by("-version").first()
    if assessment is None or assessment.status != SelfAssessment.Status.SUBMITTED:
        raise ApplicationError(_("该单位的自评尚未提交，不能审核"))
    return assessment


@transaction.atomic
def self_assessment_return(*, target: CampaignTarget, actor: User, reason: str) -> SelfAssessment:
    """Send the self-assessment back with a reason: the submitted version stays readable, a new draft opens."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("退回自评必须填写退回原因"))
    target = CampaignTarget.objects.select_for_update(of=("self",)).select_related("campaign", "unit", "liaison").get(pk=target.pk)
    assessment = _submitted_for_review(target, actor)
    assessment.return_reason, assessment.reviewed_at, assessment.reviewed_by = reason, timezone.now(), actor
    _assessment_move(target=target, assessment=assessment, to_status=SelfAssessment.Status.RETURNED,
                     package_status=TStatus.SELF_RETURNED, event=events.T.SELF_RETURNED, actor=actor,
                     fields=["return_reason", "reviewed_at", "reviewed_by"], reason=reason)
    _self_assessment_open(target=target, version=assessment.version + 1, previous=assessment)
    notify(
        users=[target.liaison], kind=Notification.Kind.RETURNED,
        title=_("自评被退回：%(c)s") % {"c": target.campaign}, body=reason,
        url=reverse("evaluations:self_assessment", args=[target.pk]),
    )
    return assessment


@transaction.atomic
def self_assessment_accept(*, target: CampaignTarget, actor: User) -> SelfAssessment:
    target = CampaignTarget.objects.select_for_update(of=("self",)).select_related("campaign", "unit").get(pk=target.pk)
    assessment = _submitted_for_review(target, actor)
    assessment.reviewed_at, assessment.reviewed_by = timezone.now(), actor
    _assessment_move(target=target, assessment=assessment, to_status=SelfAssessment.Status.ACCEPTED,
                     package_status=TStatus.SELF_ACCEPTED, event=events.T.SELF_ACCEPTED, actor=actor,
                     fields=["reviewed_at", "reviewed_by"])
    return assessment



@transaction.atomic
def self_assessment_import(*, target: CampaignTarget, actor: User, data: bytes) -> ReadBack:
    """Fill the self-assessment from its xlsx: all rows or none. Returns what was read; with issues, nothing saved."""
    _liaison_draft(target, actor)  # who may fill, and whether the campaign takes it now, before reading
    indicators = campaign_indicators(target.campaign)
    read = indicator_workbook_read(data, layout=SELF_ASSESSMENT,
                                   scales={c: indicator_scale(i) for c, i in indicators.items()},
                                   names={c: i.name for c, i in indicators.items()})
    if not read.issue_total and read.values:
        self_assessment_save(target=target, actor=actor, items=dict(read.values))
    return read
