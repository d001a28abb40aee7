"""Every change to a campaign goes through here: checked (who, and what must be complete), saved in a
transaction, recorded as an audit event with before → after."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi import uploads
from bianzhi.exceptions import ApplicationError
from bianzhi.models import Unit, User
from bianzhi.selectors import version_ids_as_of

from scoring.results import results_store

from .indicators import campaign_indicator_codes
from .models import (
    Campaign,
    CampaignDeadline,
    CampaignEvent,
    CampaignTarget,
    EvaluationTeam,
    FieldVisit,
    FieldVisitCheck,
    FieldVisitInterview,
    Notification,
    Problem,
    SelfAssessment,
    SelfAssessmentItem,
    Upload,
)
from .notifications import notification_mark_read, notify, office_people  # noqa: F401 (mark_read: for views)
from .selectors import office_may_act, liaison_owns
from .visits import stages_done

Status = Campaign.Status
TStatus = CampaignTarget.Status


def event_record(
    *, campaign: Campaign, type: str, actor: User | None, data: dict | None = None, target: CampaignTarget | None = None
) -> CampaignEvent:
    return CampaignEvent.objects.create(campaign=campaign, target=target, type=type, actor=actor, data=data or {})


def _liaison_of(unit: Unit) -> User | None:
    return unit.liaisons.filter(is_active=True, role=User.Role.LIAISON).order_by("pk").first()


def _require_office(actor: User) -> None:
    if not actor.is_office_staff:
        raise PermissionDenied(_("只有编办评估人员可以进行此操作"))


# ---------------------------------------------------------------------------------------------------------
# Campaign: creation with fan-out, settings, documents, deadlines, teams, stages
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def campaign_create(
    *, name: str, year: int, units: Iterable[Unit], actor: User, kind: str = Campaign.Kind.BOTH,
    plan_text: str = "", notice_text: str = "",
) -> Campaign:
    """Create the campaign and fan it out: one package per unit, its liaison assigned at once."""
    _require_office(actor)
    units = list(dict.fromkeys(units))
    if not units:
        raise ApplicationError(_("请至少选择一个被评估单位"))
    abolished = [u.name for u in units if u.status == Unit.Status.ABOLISHED]
    if abolished:
        raise ApplicationError(_("已撤销的单位不能参加评估：%(units)s") % {"units": "、".join(abolished)})
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
        CampaignTarget(campaign=campaign, unit=unit, liaison=_liaison_of(unit), registry_version_id=versions.get(unit.pk))
        for unit in units
    )
    event_record(
        campaign=campaign, type=CampaignEvent.Type.CREATED, actor=actor,
        data={"name": name, "year": year, "kind": kind, "units": [unit.code for unit in units]},
    )
    return campaign


EDITABLE_FIELDS = ("name", "kind", "plan_text", "notice_text", "excellent_min", "good_min", "fair_min")


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: User, **fields) -> Campaign:
    """Edit the campaign's settings and documents; the kind and cut-offs are fixed once self-assessment starts."""
    _require_office(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_closed:
        raise ApplicationError(_("评估活动已结束，不能再修改"))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
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
    event_record(campaign=campaign, type=CampaignEvent.Type.EDITED, actor=actor, data={"changes": changes})
    return campaign


@transaction.atomic
def campaign_deadlines_set(*, campaign: Campaign, actor: User, deadlines: dict[str, date | None]) -> Campaign:
    """Set (or clear, with None) the deadline of each step."""
    _require_office(actor)
    if campaign.is_closed:
        raise ApplicationError(_("评估活动已结束，不能再修改"))
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
        event_record(campaign=campaign, type=CampaignEvent.Type.EDITED, actor=actor, data={"deadlines": changes})
    return campaign


@transaction.atomic
def team_save(
    *, campaign: Campaign, actor: User, name: str, members: Iterable[User], targets: Iterable[CampaignTarget],
    team: EvaluationTeam | None = None,
) -> EvaluationTeam:
    """Create or change an evaluation team: its evaluators and the units it covers."""
    _require_office(actor)
    members, targets = list(members), list(targets)
    if any(not m.is_office_staff for m in members):
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
        before = {"name": team.name, "members": sorted(u.username for u in team.members.all()),
                  "units": sorted(t.unit.code for t in team.targets.select_related("unit"))}
        team.name = name
        team.save(update_fields=["name", "updated_at"])
        team.targets.exclude(pk__in=[t.pk for t in targets]).update(team=None)
    team.members.set(members)
    CampaignTarget.objects.filter(pk__in=[t.pk for t in targets]).update(team=team)
    after = {"name": name, "members": sorted(u.username for u in members), "units": sorted(t.unit.code for t in targets)}
    event_record(campaign=campaign, type=CampaignEvent.Type.EDITED, actor=actor,
                 data={"team": {"from": before, "to": after}})
    return team


def _target_move(*, target: CampaignTarget, to_status: str, actor: User | None, **data) -> CampaignTarget:
    """The one place a package changes status: only along CampaignTarget.TRANSITIONS, always recorded."""
    if not target.may_move_to(to_status):
        raise ApplicationError(
            _("“%(unit)s”当前为“%(from)s”，不能变为“%(to)s”")
            % {"unit": target.unit.name, "from": target.get_status_display(), "to": TStatus(to_status).label}
        )
    from_status, target.status = target.status, to_status
    target.save(update_fields=["status", "updated_at"])
    event_record(campaign=target.campaign, target=target, type=CampaignEvent.Type.TARGET_STATUS_CHANGED, actor=actor,
                 data={"from": from_status, "to": to_status, **data})
    return target


def _require_all(targets: list[CampaignTarget], status: str, message: str) -> None:
    """Refuse, naming (up to five of) the units whose package is not yet at `status`."""
    pending = [t.unit.name for t in targets if t.status != status]
    if pending:
        units = "、".join(pending[:5]) + ("等" if len(pending) > 5 else "")
        raise ApplicationError(message % {"n": len(pending), "units": units})


def _campaign_enter(campaign: Campaign, to_status: str, actor: User) -> None:
    """What must be complete before the campaign enters `to_status`, and what entering it does to each package."""
    targets = list(campaign.targets.select_related("unit", "liaison", "team").select_for_update(of=("self",)))
    if to_status == Status.NOTICE:
        if not campaign.plan_text.strip() or not campaign.notice_text.strip():
            raise ApplicationError(_("发布通知前，请先填写实施方案和评估通知"))
        for target in targets:
            _target_move(target=target, to_status=TStatus.NOTIFIED, actor=actor)
        notify(
            users=[t.liaison for t in targets], kind=Notification.Kind.NOTICE,
            title=_("新通知：%(c)s") % {"c": campaign}, body=campaign.notice_text[:500],
            url=reverse("evaluations:workbench"),
        )
    elif to_status == Status.SELF_ASSESSMENT:
        for target in targets:  # a liaison added to the registry since the fan-out is picked up now
            if target.liaison_id is None and (liaison := _liaison_of(target.unit)):
                target.liaison = liaison
                target.save(update_fields=["liaison", "updated_at"])
        missing = [t.unit.name for t in targets if t.liaison_id is None]
        if missing:
            raise ApplicationError(
                _("以下单位还没有填报员，不能开始部门自评：%(units)s。请先在系统管理中为其建立填报员账号。")
                % {"units": "、".join(missing)}
            )
        for target in targets:
            _target_move(target=target, to_status=TStatus.SELF_DRAFT, actor=actor)
            _self_assessment_open(target=target, version=1)
    elif to_status == Status.SURVEY:
        _require_all(targets, TStatus.SELF_ACCEPTED, _("还有 %(n)d 个单位的自评未通过审核（%(units)s），不能进入社会调查"))
    elif to_status == Status.FIELD_VISIT:
        for target in targets:
            _target_move(target=target, to_status=TStatus.FIELD_VISIT, actor=actor)
            FieldVisit.objects.get_or_create(target=target, defaults={"team": target.team})
    elif to_status == Status.REPORT:
        _require_all(targets, TStatus.FIELD_DONE, _("还有 %(n)d 个单位的实地评估未完成（%(units)s），不能进入撰写报告"))
        results_store(campaign, actor)  # each unit's result, stored as version 1 (scoring.results)
    elif to_status == Status.FEEDBACK:
        notify(
            users=[t.liaison for t in targets], kind=Notification.Kind.RESULTS,
            title=_("评估结果已发布：%(c)s") % {"c": campaign}, url=reverse("reports:my_unit"),
        )


@transaction.atomic
def campaign_advance(*, campaign: Campaign, actor: User) -> Campaign:
    """Move the campaign to its next stage; stages are never skipped, and each checks what must be complete."""
    _require_office(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # re-read under lock
    to_status = campaign.next_status
    if to_status is None:
        raise ApplicationError(_("评估活动已结束，不能再变更阶段"))
    _campaign_enter(campaign, to_status, actor)
    from_status, campaign.status = campaign.status, to_status
    campaign.save(update_fields=["status", "updated_at"])
    event_record(
        campaign=campaign, type=CampaignEvent.Type.STATUS_CHANGED, actor=actor,
        data={"from": from_status, "to": to_status},
    )
    return campaign


# ---------------------------------------------------------------------------------------------------------
# Notice, self-assessment
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def target_notice_seen(*, target: CampaignTarget, actor: User) -> CampaignTarget:
    """The unit's liaison opened the notice (recorded once)."""
    if target.notice_seen_at is None and liaison_owns(actor, target) and target.campaign.status != Status.PLAN:
        target.notice_seen_at = timezone.now()
        target.save(update_fields=["notice_seen_at", "updated_at"])
        event_record(campaign=target.campaign, target=target, type=CampaignEvent.Type.NOTICE_SEEN, actor=actor)
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
    if not liaison_owns(actor, target):
        raise PermissionDenied(_("只有本单位的填报员可以填报自评"))
    if target.campaign.status != Status.SELF_ASSESSMENT:
        raise ApplicationError(_("当前不在部门自评阶段，不能修改自评"))
    assessment = SelfAssessment.objects.select_for_update().filter(target=target).order_by("-version").first()
    if assessment is None or not assessment.is_editable:
        raise ApplicationError(_("自评已提交，正在审核，不能修改"))
    return assessment


@transaction.atomic
def self_assessment_save(
    *, target: CampaignTarget, actor: User, items: dict[str, tuple[Decimal | None, str]]
) -> SelfAssessment:
    """Save the self-scores and narratives (indicator code → (score, narrative)); records what changed."""
    assessment = _liaison_draft(target, actor)
    changes = {}
    for item in assessment.items.all():
        if item.indicator_code not in items:
            continue
        score, narrative = items[item.indicator_code]
        if score is not None and not (Decimal(0) <= score <= Decimal(100)):
            raise ApplicationError(_("自评分须在 0 到 100 之间"))
        if (item.score, item.narrative) != (score, narrative):
            changes[item.indicator_code] = {"from": [item.score, item.narrative], "to": [score, narrative]}
            item.score, item.narrative = score, narrative
            item.save(update_fields=["score", "narrative"])
    if changes:
        event_record(campaign=target.campaign, target=target, type=CampaignEvent.Type.SELF_SAVED, actor=actor,
                     data={"version": assessment.version, "changes": changes})
    return assessment


def _assessment_move(
    *, target: CampaignTarget, assessment: SelfAssessment, to_status: str, package_status: str, event: str,
    actor: User, fields: list[str], **data,
) -> None:
    """Move a self-assessment and its package together, and record both."""
    from_status, assessment.status = assessment.status, to_status
    assessment.save(update_fields=["status", "updated_at", *fields])
    _target_move(target=target, to_status=package_status, actor=actor, version=assessment.version, **data)
    event_record(campaign=target.campaign, target=target, type=event, actor=actor,
                 data={"version": assessment.version, "from": from_status, "to": to_status, **data})


@transaction.atomic
def self_assessment_submit(*, target: CampaignTarget, actor: User) -> SelfAssessment:
    target = CampaignTarget.objects.select_for_update(of=("self",)).select_related("campaign", "unit", "team").get(pk=target.pk)
    assessment = _liaison_draft(target, actor)
    if assessment.report_id is None:
        raise ApplicationError(_("请先上传自评报告再提交"))
    missing = assessment.items.filter(score__isnull=True).count()
    if missing:
        raise ApplicationError(_("还有 %(n)d 项指标没有填写自评分，请填写完整后再提交") % {"n": missing})
    assessment.submitted_at, assessment.submitted_by = timezone.now(), actor
    _assessment_move(target=target, assessment=assessment, to_status=SelfAssessment.Status.SUBMITTED,
                     package_status=TStatus.SELF_SUBMITTED, event=CampaignEvent.Type.SELF_SUBMITTED, actor=actor,
                     fields=["submitted_at", "submitted_by"])
    notify(
        users=office_people(target), kind=Notification.Kind.SUBMITTED,
        title=_("%(unit)s 提交了自评（第 %(v)d 版），请审核") % {"unit": target.unit.name, "v": assessment.version},
        url=reverse("evaluations:self_assessment", args=[target.pk]),
    )
    return assessment


def _submitted_for_review(target: CampaignTarget, actor: User) -> SelfAssessment:
    if not office_may_act(actor, target):
        raise PermissionDenied(_("只有负责该单位的评估组成员可以审核自评"))
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
                     package_status=TStatus.SELF_RETURNED, event=CampaignEvent.Type.SELF_RETURNED, actor=actor,
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
                     package_status=TStatus.SELF_ACCEPTED, event=CampaignEvent.Type.SELF_ACCEPTED, actor=actor,
                     fields=["reviewed_at", "reviewed_by"])
    return assessment


# ---------------------------------------------------------------------------------------------------------
# Uploads: checked by content, stored privately, versioned (a replacement never overwrites)
# ---------------------------------------------------------------------------------------------------------
def _upload_allowed(target: CampaignTarget, actor: User, purpose: str, indicator_code: str) -> SelfAssessment | None:
    """Who may upload what, now. Returns the draft self-assessment a liaison's file belongs to."""
    if purpose == Upload.Purpose.PHOTO:
        _visit_draft(target, actor)
        return None
    if purpose == Upload.Purpose.SHEET_EVIDENCE:  # checked against the sheet by surveys.services.sheet_file_add
        raise ApplicationError(_("评估表附件请在评估表页面上传"))
    assessment = _liaison_draft(target, actor)
    if purpose == Upload.Purpose.EVIDENCE and not assessment.items.filter(indicator_code=indicator_code).exists():
        raise ApplicationError(_("请选择佐证材料对应的指标"))
    return assessment


def upload_store(
    *, target, actor, purpose, indicator_code, data: bytes, name: str, replaces: Upload | None, question_code: str = ""
) -> Upload:
    """Check the file (content, size, name), store it privately as a new version and record FILE_UPLOADED.

    Callers check first who may upload what (here: _upload_allowed; the evaluation sheet: surveys' services).
    """
    try:
        kind, clean_name, sha256 = uploads.check(data, name, max_bytes=settings.UPLOAD_MAX_BYTES)
    except uploads.UploadRejected as exc:
        raise ApplicationError(str(exc)) from exc
    upload = Upload(
        target=target, purpose=purpose, indicator_code=indicator_code, question_code=question_code,
        original_name=clean_name,
        content_type=kind.content_type, size=len(data), sha256=sha256, uploaded_by=actor,
        version=replaces.version + 1 if replaces else 1, replaces=replaces,
    )
    # The stored name is ours (the storage adds a suffix rather than overwrite); the clean name is for display.
    upload.file.save(f"t{target.pk}-{sha256[:16]}.{kind.extension}", ContentFile(data), save=False)
    upload.save()
    event_record(
        campaign=target.campaign, target=target, type=CampaignEvent.Type.FILE_UPLOADED, actor=actor,
        data={"purpose": purpose, "indicator": indicator_code, "question": question_code, "name": clean_name, "sha256": sha256,
              "version": upload.version, "replaces": replaces.pk if replaces else None},
    )
    return upload


def _attach(assessment: SelfAssessment | None, upload: Upload, replaces: Upload | None) -> None:
    if assessment is None:
        return
    if upload.purpose == Upload.Purpose.SELF_REPORT:
        assessment.report = upload
        assessment.save(update_fields=["report", "updated_at"])
    else:
        item = assessment.items.get(indicator_code=upload.indicator_code)
        if replaces:
            item.evidence.remove(replaces)
        item.evidence.add(upload)


@transaction.atomic
def upload_add(
    *, target: CampaignTarget, actor: User, purpose: str, data: bytes, name: str, indicator_code: str = ""
) -> Upload:
    assessment = _upload_allowed(target, actor, purpose, indicator_code)
    replaces = None
    if purpose == Upload.Purpose.SELF_REPORT and assessment.report_id:  # a new report is a new version of it
        replaces = upload_current(assessment.report)
    upload = upload_store(target=target, actor=actor, purpose=purpose, indicator_code=indicator_code, data=data, name=name,
                    replaces=replaces)
    _attach(assessment, upload, replaces)
    return upload


def upload_current(upload: Upload) -> Upload:
    while hasattr(upload, "replaced_by"):
        upload = upload.replaced_by
    return upload


@transaction.atomic
def upload_replace(*, upload: Upload, actor: User, data: bytes, name: str) -> Upload:
    """A new version of the file; the old one is kept and stays readable."""
    upload = Upload.objects.select_for_update(of=("self",)).select_related("target__campaign").get(pk=upload.pk)
    if not upload.is_current:
        raise ApplicationError(_("该文件已有更新的版本，请替换最新版本"))
    assessment = _upload_allowed(upload.target, actor, upload.purpose, upload.indicator_code)
    new = upload_store(target=upload.target, actor=actor, purpose=upload.purpose, indicator_code=upload.indicator_code,
                 data=data, name=name, replaces=upload)
    _attach(assessment, new, upload)
    return new


# ---------------------------------------------------------------------------------------------------------
# Field visit: 听 查 看 访 评, then the problem list
# ---------------------------------------------------------------------------------------------------------
def _visit_draft(target: CampaignTarget, actor: User) -> FieldVisit:
    if not office_may_act(actor, target):
        raise PermissionDenied(_("只有负责该单位的评估组成员可以记录实地评估"))
    if target.campaign.status != Status.FIELD_VISIT:
        raise ApplicationError(_("当前不在实地评估阶段"))
    visit = FieldVisit.objects.select_for_update().filter(target=target).first()
    if visit is None or visit.status != FieldVisit.Status.DRAFT:
        raise ApplicationError(_("该单位的实地评估已完成，不能再修改"))
    return visit


VISIT_FIELDS = (
    "visit_date", "people_met", "listen_notes", "signs_match", "posts_match", "people_in_place", "look_notes",
    "ballots_handed_out", "ballots_returned", "judgement",
)


@transaction.atomic
def field_visit_save(
    *, target: CampaignTarget, actor: User, fields: dict, checks: dict[str, tuple[str, bool]] | None = None,
    interview: tuple[str, str] | None = None,
) -> FieldVisit:
    """Save the visit record (a draft until completed); records each changed field before → after."""
    visit = _visit_draft(target, actor)
    changes = {}
    for name in VISIT_FIELDS:
        if name in fields and getattr(visit, name) != fields[name]:
            changes[name] = {"from": getattr(visit, name), "to": fields[name]}
            setattr(visit, name, fields[name])
    if visit.ballots_returned is not None and visit.ballots_handed_out is not None \
            and visit.ballots_returned > visit.ballots_handed_out:
        raise ApplicationError(_("收回的测评票不能多于发放的测评票"))
    visit.save()
    existing = {c.indicator_code: c for c in visit.checks.all()}
    valid_codes = set(campaign_indicator_codes(target.campaign))
    for code, (finding, is_problem) in (checks or {}).items():
        if code not in valid_codes:
            raise ApplicationError(_("未知的指标：%(c)s") % {"c": code})
        old = existing.get(code)
        current = (old.finding, old.is_problem) if old else ("", False)
        if current == (finding, is_problem):
            continue
        changes[f"check:{code}"] = {"from": [old.finding, old.is_problem] if old else None, "to": [finding, is_problem]}
        FieldVisitCheck.objects.update_or_create(
            visit=visit, indicator_code=code, defaults={"finding": finding, "is_problem": is_problem}
        )
    if interview and interview[1].strip():
        FieldVisitInterview.objects.create(visit=visit, interviewee=interview[0].strip() or _("（未具名）"),
                                           notes=interview[1].strip())
        changes["interview"] = {"from": None, "to": interview[0]}
    if changes:
        event_record(campaign=target.campaign, target=target, type=CampaignEvent.Type.VISIT_SAVED, actor=actor,
                     data={"changes": changes})
    return visit


@transaction.atomic
def field_visit_complete(*, target: CampaignTarget, actor: User, extra_problems: Iterable[str] = ()) -> FieldVisit:
    """Close the visit once all five steps are recorded; its findings become the unit's problem list."""
    target = CampaignTarget.objects.select_for_update(of=("self",)).select_related("campaign", "unit").get(pk=target.pk)
    visit = _visit_draft(target, actor)
    missing = [str(FieldVisit.Stage(stage).label) for stage, done in stages_done(visit).items() if not done]
    if missing:
        raise ApplicationError(_("以下环节尚未完成：%(s)s") % {"s": "、".join(missing)})
    problems = [
        Problem(target=target, visit=visit, stage=FieldVisit.Stage.CHECK, indicator_code=c.indicator_code,
                description=c.finding)
        for c in visit.checks.filter(is_problem=True)
    ]
    for field in ("signs_match", "posts_match", "people_in_place"):
        if getattr(visit, field) is False:
            label = FieldVisit._meta.get_field(field).verbose_name
            problems.append(Problem(target=target, visit=visit, stage=FieldVisit.Stage.LOOK,
                                    description=_("现场查看：%(item)s——不符。%(notes)s") % {"item": label, "notes": visit.look_notes}))
    problems += [Problem(target=target, visit=visit, stage=FieldVisit.Stage.JUDGE, description=text.strip())
                 for text in extra_problems if text.strip()]
    Problem.objects.bulk_create(problems)
    visit.status, visit.completed_at = FieldVisit.Status.COMPLETED, timezone.now()
    visit.save(update_fields=["status", "completed_at", "updated_at"])
    _target_move(target=target, to_status=TStatus.FIELD_DONE, actor=actor)
    event_record(campaign=target.campaign, target=target, type=CampaignEvent.Type.VISIT_COMPLETED, actor=actor,
                 data={"from": FieldVisit.Status.DRAFT, "to": FieldVisit.Status.COMPLETED, "problems": len(problems)})
    return visit
