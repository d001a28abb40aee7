"""The after stage's writes: feedback, 复核 appeals and the final lock, 整改 items. Each checks the writable
guard on the campaign it re-read, saves in a transaction and records a typed audit event."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi import access
from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from bianzhi.selectors import calendar_exceptions
from evaluations import events
from evaluations.guard import campaign_writable
from evaluations.hooks import on_stage_entered
from evaluations.models import Campaign, CampaignTarget, Notification, Problem, Upload
from evaluations.notifications import notify, office_people
from evaluations.services.uploads import upload_store
from scoring.models import ResultVersion
from scoring.results import result_revise

from .models import Appeal, AppealItem, Feedback, FollowupSettings, RectificationItem, RectificationReport
from .selectors import settings_for
from .workdays import add_working_days

S = Campaign.Status
SETTINGS_FIELDS = ("appeal_days", "rectify_below", "rectify_days")


def _campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _latest(target: CampaignTarget) -> ResultVersion | None:
    return ResultVersion.objects.filter(target=target).order_by("-version").first()


def _names(targets: Iterable[CampaignTarget]) -> list[str]:
    return [t.unit.name for t in targets]


# ---------------------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def followup_settings_save(*, campaign: Campaign, actor: User, **values) -> FollowupSettings:
    campaign = _campaign(campaign)
    campaign_writable(campaign, "settings")
    row = settings_for(campaign)
    before = {f: str(getattr(row, f)) for f in SETTINGS_FIELDS}
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean()
    after = {f: str(getattr(row, f)) for f in SETTINGS_FIELDS}
    if after == before:
        return row  # saved unchanged (the defaults included): nothing to write, nothing to record
    row.save()
    events.event_followup_settings_changed(campaign=campaign, actor=actor, before=before,
                                           after={k: v for k, v in after.items() if v != before[k]})
    return row


# ---------------------------------------------------------------------------------------------------------
# 反馈结果
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def results_feed_back(*, campaign: Campaign, actor: User, targets: Sequence[CampaignTarget],
                      on: date | None = None) -> list[Feedback]:
    """Feed back the stored results of `targets` (units already fed back are left as they are): record the
    day per unit, notify each unit's liaison. In 评估复核 a unit fed back late gets its appeal window at once."""
    campaign = _campaign(campaign)
    campaign_writable(campaign, "feedback")
    on = on or timezone.localdate()
    targets = list(CampaignTarget.objects.filter(campaign=campaign, pk__in=[t.pk for t in targets])
                   .exclude(feedback__isnull=False).select_related("unit", "liaison"))
    if not targets:
        raise ApplicationError(_("所选单位都已反馈，或没有选择单位"))
    versions = {}
    for v in ResultVersion.objects.filter(target__in=targets).order_by("target_id", "-version"):
        versions.setdefault(v.target_id, v.version)
    missing = [t.unit.name for t in targets if t.pk not in versions]
    if missing:
        raise ApplicationError(_("以下单位还没有已保存的评估结果，不能反馈：%(units)s") % {"units": _("、").join(missing)})
    days = settings_for(campaign).appeal_days
    made = []
    for target in targets:
        feedback = Feedback(target=target, fed_back_on=on, fed_back_by=actor, result_version=versions[target.pk])
        if campaign.status == S.REVIEW:
            feedback.appeal_until = _appeal_window_end(max(on, timezone.localdate()), days)
        feedback.save()
        made.append(feedback)
        notify(users=[target.liaison], kind=Notification.Kind.RESULTS,
               title=_("%(unit)s 的评估结果已反馈") % {"unit": target.unit.name},
               body=_("请查看评估报告、等次、各指标得分和整改意见。对得分有异议的，可在评估复核阶段规定期限内申请复核。"),
               url=reverse("reports:followup_unit", args=[target.pk]), key=f"feedback:{target.pk}")
    events.event_results_fed_back(campaign=campaign, actor=actor, units=_names(targets), on=on.isoformat())
    return made


def _appeal_window_end(start: date, days: int) -> date:
    return add_working_days(start, days, calendar_exceptions(start=start, days=days))


@on_stage_entered(S.REVIEW)
def appeal_windows_open(campaign: Campaign, actor: User | None) -> int:
    """Entering 评估复核 opens each fed-back unit's window: `appeal_days` working days from its feedback, or
    from today when it was fed back before the stage opened (a unit gets its whole window either way)."""
    campaign_writable(campaign, "feedback")  # (the campaign is still at 反馈结果 while it enters 评估复核)
    days = settings_for(campaign).appeal_days
    today = timezone.localdate()
    opened = 0
    for feedback in Feedback.objects.filter(target__campaign=campaign, appeal_until__isnull=True):
        feedback.appeal_until = _appeal_window_end(max(feedback.fed_back_on, today), days)
        feedback.save(update_fields=["appeal_until"])
        opened += 1
    events.event_appeal_windows_opened(campaign=campaign, actor=actor, units=opened, days=days)
    return opened


# ---------------------------------------------------------------------------------------------------------
# 评估复核: appeal, assignment, decisions, final lock
# ---------------------------------------------------------------------------------------------------------
def _feedback_locked(target: CampaignTarget) -> Feedback:
    feedback = Feedback.objects.select_for_update().filter(target=target).first()
    if feedback is None:
        raise ApplicationError(_("本单位的评估结果尚未反馈，不能申请复核"))
    return feedback


@transaction.atomic
def appeal_submit(*, target: CampaignTarget, actor: User, items: Sequence[tuple[str, str, Sequence[tuple[str, bytes]]]],
                  today: date | None = None) -> Appeal:
    """The unit contests indicators: `items` are (indicator code, reason, [(file name, bytes), …]). Once per
    campaign, within the window."""
    today = today or timezone.localdate()
    target = CampaignTarget.objects.select_related("campaign", "unit").get(pk=target.pk)
    campaign_writable(_campaign(target.campaign), "appeal")
    feedback = _feedback_locked(target)
    earlier = Appeal.objects.filter(target=target).first()
    if earlier is not None:
        raise ApplicationError(_("本单位已于 %(d)s 提出复核申请，每次评估只能申请一次复核") % {
            "d": timezone.localdate(earlier.created_at).isoformat()})
    if feedback.appeal_until is None:
        raise ApplicationError(_("复核申请尚未开放（评估进入评估复核阶段后开放）"))
    if today > feedback.appeal_until:
        raise ApplicationError(_("复核申请已于 %(d)s 截止（反馈后 %(n)s 个工作日），不能再申请复核") % {
            "d": feedback.appeal_until.isoformat(), "n": settings_for(target.campaign).appeal_days})
    if feedback.is_final:
        raise ApplicationError(_("本单位的评估结果已定稿，不能申请复核"))
    latest = _latest(target)
    rows = latest.indicators if latest else {}
    if not items:
        raise ApplicationError(_("请至少选择一项有异议的指标并写明理由"))
    appeal = Appeal.objects.create(target=target, submitted_by=actor)
    codes = []
    for code, reason, files in items:
        if code not in rows:
            raise ApplicationError(_("没有这个指标：%(c)s") % {"c": code})
        if not (reason or "").strip():
            raise ApplicationError(_("请写明对“%(n)s”的异议理由") % {"n": rows[code]["name"]})
        item = AppealItem.objects.create(appeal=appeal, indicator_code=code, indicator_name=rows[code]["name"],
                                         points_before=rows[code].get("points"), full_marks=rows[code]["full"],
                                         reason=reason.strip())
        for name, data in files:
            item.evidence.add(upload_store(target=target, actor=actor, purpose=Upload.Purpose.APPEAL,
                                           indicator_code=code, data=data, name=name, replaces=None))
        codes.append(code)
    events.event_appeal_submitted(target=target, actor=actor, indicators=codes,
                                  names=[rows[code]["name"] for code in codes])
    notify(users=office_people(target), kind=Notification.Kind.SUBMITTED,
           title=_("%(unit)s 提出复核申请（%(n)s 项指标），请指定复核人员") % {"unit": target.unit.name, "n": len(codes)},
           url=reverse("reports:followup_appeal", args=[appeal.pk]), key=f"appeal:{appeal.pk}")
    return appeal


def reviewer_refusal(target: CampaignTarget, reviewer: User) -> str | None:
    """Why `reviewer` may not review the unit's appeal (None: they may): a 复核人员, not on its evaluation team."""
    if not reviewer.is_active or not access.may(reviewer, "appeal.review"):
        return _("%(name)s 不是复核人员") % {"name": reviewer.display_name}
    teams = [t for t in (target.team_id, getattr(getattr(target, "field_visit", None), "team_id", None)) if t]
    if teams and User.objects.filter(pk=reviewer.pk, evaluation_teams__in=teams).exists():
        return _("%(name)s 是 %(unit)s 评估组的成员，不能复核该单位的申请") % {
            "name": reviewer.display_name, "unit": target.unit.name}
    return None


@transaction.atomic
def appeal_assign(*, appeal: Appeal, reviewer: User, actor: User) -> Appeal:
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("target__campaign", "target__unit").get(pk=appeal.pk)
    campaign_writable(_campaign(appeal.target.campaign), "appeal")
    if appeal.status == Appeal.Status.DECIDED or appeal.items.exclude(decision="").exists():
        raise ApplicationError(_("复核已开始作出决定，不能更换复核人员"))
    why = reviewer_refusal(appeal.target, reviewer)
    if why:
        raise ApplicationError(why)
    if appeal.reviewer_id == reviewer.pk:
        return appeal
    appeal.reviewer, appeal.assigned_by, appeal.status = reviewer, actor, Appeal.Status.ASSIGNED
    appeal.save(update_fields=["reviewer", "assigned_by", "status", "updated_at"])
    name = reviewer.display_name
    events.event_appeal_assigned(target=appeal.target, actor=actor, reviewer=name)
    notify(users=[reviewer], kind=Notification.Kind.SUBMITTED,
           title=_("请复核 %(unit)s 的复核申请") % {"unit": appeal.target.unit.name},
           url=reverse("reports:followup_appeal", args=[appeal.pk]), key=f"appeal-assign:{appeal.pk}:{reviewer.pk}")
    return appeal


@transaction.atomic
def appeal_item_decide(*, item: AppealItem, actor: User, decision: str, reason: str,
                       points: float | None = None) -> AppealItem:
    """维持 or 调整 one contested indicator. 调整 makes a new result version (scoring.results.result_revise,
    which also has the report redrafted through evaluations.hooks.result_revised)."""
    item = AppealItem.objects.select_for_update(of=("self",)).select_related("appeal__target__campaign", "appeal__target__unit") \
        .get(pk=item.pk)
    appeal = Appeal.objects.select_for_update().get(pk=item.appeal_id)
    target = item.appeal.target
    campaign_writable(_campaign(target.campaign), "appeal")
    if appeal.reviewer_id != actor.pk:
        raise ApplicationError(_("只有指定的复核人员可以作出复核决定"))
    if item.decision:
        raise ApplicationError(_("“%(n)s”已作出复核决定") % {"n": item.indicator_name})
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请写明复核决定的理由"))
    if decision == AppealItem.Decision.ADJUSTED:
        if points is None:
            raise ApplicationError(_("调整得分请填写新的得分"))
        if float(points) == item.points_before:
            raise ApplicationError(_("新的得分与原得分相同，请选择维持"))
        result_revise(target, {item.indicator_code: points}, _("复核调整 %(n)s：%(r)s") % {
            "n": item.indicator_name, "r": reason}, actor)
        item.points_after = float(points)
    elif decision == AppealItem.Decision.UPHELD:
        item.points_after = item.points_before
    else:
        raise ApplicationError(_("请选择维持或调整"))
    item.decision, item.decision_reason, item.decided_at = decision, reason, timezone.now()
    item.save(update_fields=["decision", "points_after", "decision_reason", "decided_at"])
    events.event_appeal_item_decided(target=target, actor=actor, indicator=item.indicator_code,
                                     indicator_name=item.indicator_name, decision=decision,
                                     before=item.points_before, after=item.points_after, reason=reason)
    if not appeal.items.filter(decision="").exists():
        appeal.status, appeal.decided_at = Appeal.Status.DECIDED, timezone.now()
        appeal.save(update_fields=["status", "decided_at", "updated_at"])
    notify(users=[target.liaison], kind=Notification.Kind.RESULTS,
           title=_("%(unit)s 的复核申请：“%(n)s”%(d)s") % {"unit": target.unit.name, "n": item.indicator_name,
                                                       "d": item.get_decision_display()},
           url=reverse("reports:followup_unit", args=[target.pk]), key=f"appeal-item:{item.pk}")
    return item


def finalize_refusal(feedback: Feedback | None, appeal: Appeal | None, today: date) -> str | None:
    """Why the unit's result cannot be locked yet (None: it can)."""
    if feedback is None:
        return _("评估结果尚未反馈")
    if feedback.is_final:
        return _("评估结果已定稿")
    if appeal is not None:
        return None if appeal.status == Appeal.Status.DECIDED else _("复核申请尚未全部作出决定")
    if feedback.appeal_until is None:
        return _("复核申请期限尚未开始")
    if today <= feedback.appeal_until:
        return _("复核申请期限到 %(d)s 才截止") % {"d": feedback.appeal_until.isoformat()}
    return None


@transaction.atomic
def results_finalize(*, campaign: Campaign, actor: User, targets: Sequence[CampaignTarget],
                     today: date | None = None) -> int:
    """Lock the results of `targets` as final: each once its window has closed, or its appeal is decided."""
    today = today or timezone.localdate()
    campaign = _campaign(campaign)
    campaign_writable(campaign, "appeal")
    targets = list(CampaignTarget.objects.filter(campaign=campaign, pk__in=[t.pk for t in targets]).select_related("unit"))
    feedbacks = {f.target_id: f for f in Feedback.objects.select_for_update().filter(target__in=targets)}
    appeals = {a.target_id: a for a in Appeal.objects.filter(target__in=targets)}
    refused = []
    for target in targets:
        why = finalize_refusal(feedbacks.get(target.pk), appeals.get(target.pk), today)
        if why:
            refused.append(_("%(unit)s（%(why)s）") % {"unit": target.unit.name, "why": why})
    if refused:
        raise ApplicationError(_("以下单位的评估结果暂不能定稿：%(units)s") % {"units": _("；").join(refused)})
    for target in targets:
        feedback = feedbacks[target.pk]
        latest = _latest(target)
        feedback.final_at, feedback.final_by = timezone.now(), actor
        feedback.final_version = latest.version if latest else None
        feedback.save(update_fields=["final_at", "final_by", "final_version"])
        events.event_result_finalized(target=target, actor=actor, version=feedback.final_version)
    return len(targets)


@on_stage_entered(S.SUMMARY)
def summary_requires_final_results(campaign: Campaign, actor: User | None) -> None:
    """总结汇报 only when every appeal is decided (or its window closed) and every unit's result is final."""
    targets = list(campaign.targets.select_related("unit").order_by("unit__code"))
    feedbacks = {f.target_id: f for f in Feedback.objects.filter(target__campaign=campaign)}
    appeals = {a.target_id: a for a in Appeal.objects.filter(target__campaign=campaign)}
    undecided = [t.unit.name for t in targets if t.pk in appeals and appeals[t.pk].status != Appeal.Status.DECIDED]
    not_final = [t.unit.name for t in targets if not (t.pk in feedbacks and feedbacks[t.pk].is_final)]
    parts = []
    if undecided:
        parts.append(_("复核申请尚未决定：%(u)s") % {"u": _("、").join(undecided)})
    if not_final:
        parts.append(_("评估结果尚未定稿：%(u)s") % {"u": _("、").join(not_final)})
    if parts:
        raise ApplicationError(_("不能进入总结汇报。") + _("；").join(parts))


# ---------------------------------------------------------------------------------------------------------
# 整改
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def rectification_create(*, target: CampaignTarget, actor: User | None, title: str, measures: str, deadline: date,
                         responsible: str = "", source: str = RectificationItem.Source.OTHER,
                         problem: Problem | None = None, indicator_code: str = "",
                         carried_from: RectificationItem | None = None, record: bool = True) -> RectificationItem:
    """Create one rectification item (other code — the demo, imports — calls this)."""
    target = CampaignTarget.objects.select_related("campaign", "unit").get(pk=target.pk)
    campaign_writable(target.campaign, "rectification")
    title, measures = (title or "").strip(), (measures or "").strip()
    if not title or not measures:
        raise ApplicationError(_("请写明整改事项和整改措施要求"))
    if deadline is None:
        raise ApplicationError(_("请填写整改期限"))
    item = RectificationItem(target=target, source=source, problem=problem, indicator_code=indicator_code,
                             carried_from=carried_from, title=title, measures=measures, deadline=deadline,
                             responsible=(responsible or "").strip() or target.unit.name, created_by=actor)
    item.full_clean(exclude=["carried_from"])
    item.save()
    if record:
        events.event_rectification_created(campaign=target.campaign, actor=actor, units=[target.unit.name], count=1)
    notify(users=[target.liaison], kind=Notification.Kind.NOTICE,
           title=_("新的整改事项：%(t)s（期限 %(d)s）") % {"t": title[:60], "d": deadline.isoformat()},
           url=reverse("reports:followup_unit", args=[target.pk]), key=f"rectify:{item.pk}")
    return item


@transaction.atomic
def rectifications_create_bulk(*, campaign: Campaign, actor: User, candidates: Sequence[dict],
                               deadline: date | None = None) -> list[RectificationItem]:
    """Make items from chosen candidates of the 问题清单 and the low indicators (selectors.rectification_candidates),
    in one step; the deadline defaults to the campaign's setting (days from today)."""
    campaign = _campaign(campaign)
    campaign_writable(campaign, "rectification")
    if not candidates:
        raise ApplicationError(_("请至少选择一项"))
    deadline = deadline or timezone.localdate() + timedelta(days=settings_for(campaign).rectify_days)
    made = [rectification_create(target=c["target"], actor=actor, title=c["title"], measures=c["measures"],
                                 deadline=deadline, source=c["source"], problem=c.get("problem"),
                                 indicator_code=c.get("indicator_code", ""), record=False) for c in candidates]
    events.event_rectification_created(campaign=campaign, actor=actor, count=len(made),
                                       units=sorted({i.target.unit.name for i in made}))
    return made


def _item_locked(item: RectificationItem) -> RectificationItem:
    item = RectificationItem.objects.select_for_update(of=("self",)).select_related("target__campaign", "target__unit",
                                                                         "target__liaison").get(pk=item.pk)
    campaign_writable(item.target.campaign, "rectification")
    return item


@transaction.atomic
def rectification_report(*, item: RectificationItem, actor: User, text: str, files: Sequence[tuple[str, bytes]] = (),
                         done: bool = True) -> RectificationReport:
    """The liaison reports progress (with files); `done`: asks the office to verify and close the item."""
    item = _item_locked(item)
    if item.status in (RectificationItem.Status.CLOSED, RectificationItem.Status.REPORTED):
        raise ApplicationError(_("该整改事项%(s)s，不能再报告") % {"s": item.get_status_display()})
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("请写明整改情况"))
    report = RectificationReport.objects.create(item=item, text=text, done=done, reported_by=actor)
    for name, data in files:
        report.evidence.add(upload_store(target=item.target, actor=actor, purpose=Upload.Purpose.RECTIFICATION,
                                         indicator_code=item.indicator_code, data=data, name=name, replaces=None))
    if done:
        item.status = RectificationItem.Status.REPORTED
        item.save(update_fields=["status", "updated_at"])
        notify(users=office_people(item.target), kind=Notification.Kind.SUBMITTED,
               title=_("%(unit)s 报告整改完成，请核实：%(t)s") % {"unit": item.target.unit.name, "t": item.title[:60]},
               url=reverse("reports:followup_unit", args=[item.target_id]), key=f"rectify-report:{report.pk}")
    events.event_rectification_reported(target=item.target, actor=actor, item=item.title[:100])
    return report


@transaction.atomic
def rectification_verify(*, item: RectificationItem, actor: User, accept: bool, reason: str = "") -> RectificationItem:
    """The office accepts the reported rectification (closed on the day the unit reported it done) or returns
    it with a reason."""
    item = _item_locked(item)
    if item.status != RectificationItem.Status.REPORTED:
        raise ApplicationError(_("该整改事项没有待核实的报告"))
    report = item.reports.filter(done=True, verdict="").order_by("-reported_at").first()
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ApplicationError(_("退回请写明理由"))
    report.verdict = RectificationReport.Verdict.ACCEPTED if accept else RectificationReport.Verdict.RETURNED
    report.verdict_reason, report.verified_by, report.verified_at = reason, actor, timezone.now()
    report.save(update_fields=["verdict", "verdict_reason", "verified_by", "verified_at"])
    if accept:
        item.status, item.closed_on = RectificationItem.Status.CLOSED, timezone.localdate(report.reported_at)
    else:
        item.status = RectificationItem.Status.RETURNED
    item.save(update_fields=["status", "closed_on", "updated_at"])
    events.event_rectification_verified(target=item.target, actor=actor, item=item.title[:100], accepted=accept,
                                        reason=reason)
    notify(users=[item.target.liaison], kind=Notification.Kind.RETURNED if not accept else Notification.Kind.RESULTS,
           title=(_("整改事项已核实办结：%(t)s") if accept else _("整改事项被退回：%(t)s")) % {"t": item.title[:60]},
           body=reason, url=reverse("reports:followup_unit", args=[item.target_id]), key=f"rectify-verify:{report.pk}")
    return item


@on_stage_entered(S.NOTICE)
@transaction.atomic
def rectifications_carry_over(campaign: Campaign, actor: User | None) -> int:
    """Open items of each unit's previous (closed) campaign come into this one, linked to the originals, so the
    unit keeps reporting on them here. Called when the campaign tells its units (发布通知); safe to call again."""
    from .selectors import previous_targets

    campaign_writable(campaign, "rectification")
    previous = previous_targets(list(campaign.targets.select_related("campaign", "unit")), closed_only=True)
    carried = 0
    sources = set()
    for target in campaign.targets.select_related("unit"):
        before = previous.get(target.pk)
        if before is None:
            continue
        for old in before.rectifications.exclude(status=RectificationItem.Status.CLOSED).filter(carried_to__isnull=True):
            rectification_create(target=target, actor=actor, title=old.title, measures=old.measures,
                                 deadline=max(old.deadline, timezone.localdate()), responsible=old.responsible,
                                 source=RectificationItem.Source.CARRIED, indicator_code=old.indicator_code,
                                 carried_from=old, record=False)
            carried += 1
            sources.add(str(before.campaign))
    if carried:
        events.event_rectification_carried(campaign=campaign, actor=actor, count=carried, source="、".join(sorted(sources)))
    return carried


def rectification_sweep(*, today: date | None = None) -> int:
    """Flag and remind overdue items (deadline passed, not closed) of campaigns still running: the liaison is
    reminded once a week per item. Daily on beat; idempotent within a day."""
    today = today or timezone.localdate()
    overdue = (RectificationItem.objects.exclude(status=RectificationItem.Status.CLOSED)
               .exclude(target__campaign__status=S.CLOSED).filter(deadline__lt=today)
               .exclude(reminded_on__gt=today - timedelta(days=7)).select_related("target__unit", "target__liaison"))
    sent = 0
    for item in overdue:
        with transaction.atomic():
            sent += notify(users=[item.target.liaison], kind=Notification.Kind.DEADLINE,
                           title=_("整改事项已逾期：%(t)s（期限 %(d)s）") % {"t": item.title[:60], "d": item.deadline.isoformat()},
                           url=reverse("reports:followup_unit", args=[item.target_id]), key=f"rectify-overdue:{item.pk}:{today}")
            RectificationItem.objects.filter(pk=item.pk).update(reminded_on=today)
    return sent


@transaction.atomic
def followup_remind(*, campaign: Campaign, actor: User, today: date | None = None) -> int:
    """催办: notify the liaisons of the units behind in 整改 (overdue or returned items). Returns how many."""
    from .selectors import units_behind

    campaign = _campaign(campaign)
    campaign_writable(campaign, "rectification")
    today = today or timezone.localdate()
    behind = units_behind(campaign=campaign, today=today)
    if not behind:
        raise ApplicationError(_("没有需要催办的单位"))
    for target in behind:
        notify(users=[target.liaison], kind=Notification.Kind.DEADLINE,
               title=_("催办：请尽快办理 %(unit)s 的整改事项") % {"unit": target.unit.name},
               url=reverse("reports:followup_unit", args=[target.pk]), key=f"remind:{target.pk}:{today}")
    events.event_followup_reminded(campaign=campaign, actor=actor, units=_names(behind))
    return len(behind)
