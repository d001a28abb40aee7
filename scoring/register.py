"""The requests register (机构编制事项), the result-application rules in force, reclaim proposals and the
appraisal export's rows: services (writes) and selectors (reads).

Results are read through ONE adapter, `latest_final_results` (and `latest_final_result` for one unit):
the stored result (latest version) of the unit's latest campaign past 反馈结果, dated by the day the unit's
result was fed back (the hook "feedback_on", filled by reports.followup), or for a campaign fed back as a
whole, the day it entered 反馈结果.
"""

from datetime import date, datetime, timedelta

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import DateField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianzhi import access
from bianzhi.exceptions import ApplicationError
from bianzhi.models import Unit, UnitVersion, User
from bianzhi.payload import json_text
from bianzhi.pool.selectors import units_effective_lines
from bianzhi.pool.services import pool_deposit
from bianzhi.services import registry_decision
from evaluations import hooks
from evaluations.models import Campaign, CampaignEvent, CampaignTarget, Notification
from evaluations.notifications import notify

from . import application_rules as rules
from .models import ResultVersion
from .register_models import ReclaimProposal, RequestEvent, RuleSettings, StaffingRequest

FEEDBACK = Campaign.Status.FEEDBACK
PAST_FEEDBACK = [FEEDBACK, Campaign.Status.REVIEW, Campaign.Status.SUMMARY, Campaign.Status.CLOSED]


# ---------------------------------------------------------------------------------------------------------
# The adapter: a unit's latest final result
# ---------------------------------------------------------------------------------------------------------
def latest_final_results(*, unit_ids, indicators=None) -> dict[int, rules.FinalResult]:
    """{unit id: its latest final result}: the stored result (latest version) of the latest campaign past
    反馈结果 that evaluated it. A unit without a stored result there is bound by no result rule. Two queries
    (one while none was fed back, three while some version's scores are not yet in the cache), however many
    units. `indicators`: the codes whose scores the caller reads (all when None)."""
    entered = (CampaignEvent.objects.filter(campaign=OuterRef("campaign"), type=CampaignEvent.Type.STATUS_CHANGED,
                                            data__to=FEEDBACK).order_by("created_at").values("created_at")[:1])
    # the day each unit's own result was fed back (reports.followup, through the hook); a campaign fed back
    # before results were issued unit by unit: the day it entered 反馈结果
    fed_back = Coalesce(hooks.target_expression_of("feedback_on") or Value(None, output_field=DateField()),
                        TruncDate(Subquery(entered)))
    # plain rows, not model instances: a city's units, or a province's (only what is read)
    rows = list(CampaignTarget.objects.filter(unit_id__any=unit_ids, campaign__status__in=PAST_FEEDBACK)
                .annotate(fed_back_on=fed_back).order_by()
                .values_list("pk", "unit_id", "campaign_id", "campaign__name", "campaign__year", "fed_back_on"))
    targets = {pk: (unit_id, campaign_id, name, year) for pk, unit_id, campaign_id, name, year, _day in rows}
    dates = {pk: day for pk, *_target, day in rows}
    latest: dict[int, int] = {}  # unit id → its target's id
    for pk, (unit_id, campaign_id, *_rest) in targets.items():
        if dates[pk] is None:
            continue
        current = latest.get(unit_id)
        if current is None or (dates[pk], campaign_id) > (dates[current], targets[current][1]):
            latest[unit_id] = pk
    if not latest:
        return {}
    newest = ResultVersion.objects.filter(target=OuterRef("target")).order_by("-version").values("version")[:1]
    versions = {target_id: (version_id, created_at, grade, total) for target_id, version_id, created_at, grade, total in
                ResultVersion.objects.filter(target_id__any=latest.values(), version=Subquery(newest))
                .order_by().values_list("target_id", "id", "created_at", "grade", "total")}  # (its ordering joins 3 tables)
    shares = version_shares({v[0]: (targets[pk][1], v[1]) for pk, v in versions.items()}, indicators)
    results = {}
    for unit_id, pk in latest.items():
        if pk not in versions:
            continue
        version_id, _created, grade, total = versions[pk]
        _unit, campaign_id, name, year = targets[pk]
        results[unit_id] = rules.FinalResult(
            campaign_id=campaign_id, campaign_name=name, year=year, grade=grade or None,
            score=float(total) if total is not None else None, feedback_on=dates[pk],
            indicator_scores=shares[version_id],
        )
    return results


SHARES_KEPT = 30 * 24 * 3600  # seconds


def version_shares(versions: dict[int, tuple[int, datetime]], indicators=None) -> dict[int, dict[str, float]]:
    """{version id: {indicator code: its score as a share}} of `indicators` (every indicator when None), for
    {version id: (its campaign's id, its created_at)}.

    A stored version never changes (a change is a new version), so its scores are kept in the cache once read,
    one entry per campaign ({version id: (created_at, scores)}, the time guarding against ids reused by another
    database): they sit in the version's per-indicator JSON (8 KB a unit), which for a city's freeze count is
    otherwise the larger read. Without the cache (Redis down) they are read again."""
    codes = None if indicators is None else sorted(indicators)
    tag = "*" if codes is None else ",".join(codes)
    key = {campaign_id: f"result-shares:{campaign_id}:{tag}" for campaign_id, _created in versions.values()}
    kept = cache.get_many(key.values())
    entries = {campaign_id: kept.get(k, {}) for campaign_id, k in key.items()}
    found, todo = {}, []
    for pk, (campaign_id, created_at) in versions.items():
        hit = entries[campaign_id].get(pk)
        if hit is not None and hit[0] == created_at:
            found[pk] = hit[1]
        else:
            todo.append(pk)
    if todo:
        # PostgreSQL picks the few scores out of the JSON; all of them are parsed here
        scores = ["indicators"] if codes is None else [KT(f"indicators__{code}__share") for code in codes]
        for pk, *values in ResultVersion.objects.filter(id__any=todo).order_by().values_list("id", *scores):
            found[pk] = ({c: row["share"] for c, row in values[0].items() if row.get("share") is not None}
                         if codes is None else {c: float(v) for c, v in zip(codes, values) if v is not None})
            campaign_id, created_at = versions[pk]
            entries[campaign_id][pk] = (created_at, found[pk])
        cache.set_many({key[campaign_id]: entries[campaign_id] for campaign_id in {versions[pk][0] for pk in todo}},
                       timeout=SHARES_KEPT)
    return found


def latest_final_result(unit: Unit) -> rules.FinalResult | None:
    return latest_final_results(unit_ids=[unit.pk]).get(unit.pk)


def campaign_final_results(*, campaign: Campaign) -> list[tuple[CampaignTarget, float | None, str | None]]:
    """(target, score, grade) of every unit of the campaign: the appraisal export's rows (its stored results)."""
    from .selectors import campaign_results

    return [(r.target, float(r.total) if r.total is not None else None, r.grade or None)
            for r in campaign_results(campaign=campaign)]


# ---------------------------------------------------------------------------------------------------------
# Inputs of the rules
# ---------------------------------------------------------------------------------------------------------
def _in_force(rows, year: int | None) -> RuleSettings | None:
    """Of the settings rows (the latest year first), those in force for a result of `year` (None: the latest)."""
    return next((row for row in rows if year is None or row.year <= year), None)


def rule_settings_for(year: int | None) -> RuleSettings | None:
    return _in_force(RuleSettings.objects.select_related("campaign").order_by("-year"), year)


def params_of(row: RuleSettings | None) -> rules.RuleParams:
    if row is None:
        return rules.RuleParams()
    return rules.RuleParams(
        poor_grade_enabled=row.poor_grade_enabled, poor_freeze_months=row.poor_freeze_months,
        vacancy_enabled=row.vacancy_enabled, vacancy_rate_min=float(row.vacancy_rate_min),
        vacancy_count_min=row.vacancy_count_min, vacancy_months=row.vacancy_months,
        vacancy_freeze_months=row.vacancy_freeze_months, reclaim_share=float(row.reclaim_share),
        workload_enabled=row.workload_enabled, workload_indicator=row.workload_indicator,
        workload_threshold=float(row.workload_threshold), workload_pause_months=row.workload_pause_months,
        priority_enabled=row.priority_enabled, workload_high=float(row.workload_high),
    )


def units_facts(units) -> dict[int, rules.UnitFacts]:
    """{unit id: what the rules need of the unit}: its figures with the pool applied, and the dated totals of
    its registry versions (for 长期空编). Three queries, however many units."""
    ids = [unit.pk for unit in units]
    history: dict[int, list] = {unit_id: [] for unit_id in ids}
    # the quotas as text for orjson: Django's json.loads of a city's versions took longer than reading them
    for unit_id, valid_from, quotas in UnitVersion.objects.filter(unit_id__any=ids).order_by().values_list(
            "unit_id", "valid_from", json_text(KeyTransform("quotas", "data"))):
        quotas = orjson.loads(quotas) if quotas else []
        history[unit_id].append((valid_from, sum(line[1] for line in quotas), sum(line[2] for line in quotas)))
    lines = units_effective_lines(unit_ids=ids)
    return {unit.pk: rules.UnitFacts(unit_kind=unit.kind, lines=tuple(lines[unit.pk]), history=tuple(history[unit.pk]))
            for unit in units}


def unit_facts(unit: Unit) -> rules.UnitFacts:
    return units_facts([unit])[unit.pk]


def request_facts(request: StaffingRequest) -> rules.RequestFacts:
    return rules.RequestFacts(kind=request.kind, quota_kind=request.quota_kind, amount=request.amount,
                              retiring=request.retiring, basis=request.hiring_basis)


def rule_settings_rows() -> list[RuleSettings]:
    return list(RuleSettings.objects.order_by("-year"))  # a row per year: a short list


def rule_indicators(settings_rows: list[RuleSettings]) -> set[str]:
    """The indicators whose scores the rules read: 职责饱和程度, or the indicator a year's settings name."""
    return {rules.RuleParams.workload_indicator, *(row.workload_indicator for row in settings_rows)}


def units_rule_inputs(units, results: dict[int, rules.FinalResult], settings_rows: list[RuleSettings] | None = None
                      ) -> dict[int, tuple]:
    """{unit id: (its facts, its latest final result or None, the rules' parameters for that result's year)}:
    the inputs of `rules.unit_findings`. Four queries (three given the settings), however many units (none
    for no unit)."""
    if not units:
        return {}
    facts = units_facts(units)
    settings_rows = rule_settings_rows() if settings_rows is None else settings_rows
    params = {}
    inputs = {}
    for unit in units:
        result = results.get(unit.pk)
        year = result.year if result else None
        if year not in params:
            params[year] = params_of(_in_force(settings_rows, year))
        inputs[unit.pk] = (facts[unit.pk], result, params[year])
    return inputs


def unit_rule_inputs(unit: Unit):
    result = latest_final_result(unit)
    return units_rule_inputs([unit], {unit.pk: result} if result else {})[unit.pk]


def units_findings(*, units, today: date, results: dict[int, rules.FinalResult] | None = None
                   ) -> dict[int, list[rules.Finding]]:
    """{unit id: the result-application rules binding it today} (`rules.unit_findings`, the rules that refuse
    a staffing request) for the units with a final result; a fixed number of queries, however many units."""
    settings_rows = rule_settings_rows()
    if results is None:
        results = latest_final_results(unit_ids=[unit.pk for unit in units], indicators=rule_indicators(settings_rows))
    bound = [unit for unit in units if unit.pk in results]
    inputs = units_rule_inputs(bound, results, settings_rows)
    return {unit.pk: rules.unit_findings(*inputs[unit.pk], today) for unit in bound}


def units_frozen(*, units, today: date) -> set[int]:
    """The units a result-application rule bars today from filing some staffing request (一般/较差, 长期空编,
    工作量较轻: a block, as `request_check` refuses with it, before any office override)."""
    return {unit_id for unit_id, found in units_findings(units=units, today=today).items()
            if not rules.decide(found).allowed}


def unit_may_file(*, unit: Unit, kind: str, today: date | None = None) -> tuple[rules.Decision, rules.FinalResult | None]:
    facts, result, params = unit_rule_inputs(unit)
    return rules.may_file(kind, facts, result, params, today or timezone.localdate()), result


def request_check(request: StaffingRequest, today: date) -> tuple[list[rules.Finding], rules.Decision]:
    facts, result, params = unit_rule_inputs(request.unit)
    findings = rules.request_findings(request_facts(request), facts, result, params, today)
    return findings, rules.decide(findings, overridden=bool(request.override_reason))


# ---------------------------------------------------------------------------------------------------------
# Services: the request's life
# ---------------------------------------------------------------------------------------------------------
def _event(request: StaffingRequest, type_: str, actor: User | None, **data) -> RequestEvent:
    return RequestEvent.objects.create(request=request, type=type_, actor=actor, data=data)


def _require_office(actor: User) -> None:
    access.require(actor, "request.handle", message=_("只有编办工作人员可以办理"))


def _may_file_for(actor: User, unit: Unit) -> None:
    if not access.may(actor, "request.file", unit):
        raise PermissionDenied(_("只能为本单位登记事项"))


REQUIRED = {
    StaffingRequest.Kind.RANK: ("rank",),
    StaffingRequest.Kind.BODY: ("body_name",),
    StaffingRequest.Kind.QUOTA: ("quota_kind", "amount"),
    StaffingRequest.Kind.POSTS: ("rank", "amount"),
    StaffingRequest.Kind.HIRING: ("quota_kind", "amount", "hiring_basis"),
}
FIELD_LABELS = {"rank": gettext_lazy("职级/机构规格"), "body_name": gettext_lazy("内设机构名称"),
                "quota_kind": gettext_lazy("编制类别"), "amount": gettext_lazy("数量"), "hiring_basis": gettext_lazy("用编依据"),
                "reason": gettext_lazy("申请理由")}


def request_fields_error(fields: dict) -> dict[str, str]:
    """{field: Chinese message} for what the kind of request needs and is missing."""
    errors = {}
    for name in REQUIRED.get(fields.get("kind"), ()) + ("reason",):
        if not fields.get(name):
            errors[name] = _("请填写%(label)s") % {"label": FIELD_LABELS[name]}
    if fields.get("hiring_basis") == StaffingRequest.HiringBasis.RETIREMENT and not fields.get("retiring"):
        errors["retiring"] = _("根据退休人数申请时请填写退休人数")
    return errors


def _apply_check(request: StaffingRequest, actor: User | None, today: date) -> rules.Decision:
    with translation.override(settings.LANGUAGE_CODE):  # the stored findings are a record: in the office's language
        findings, decision = request_check(request, today)
        request.findings = [f.as_dict() for f in findings]
    request.priority = decision.priority
    request.blocked_until = decision.until if not decision.allowed else None
    return decision


@transaction.atomic
def request_file(*, unit: Unit, actor: User, today: date | None = None, attachment=None, **fields) -> StaffingRequest:
    """登记: record a request; the rules are checked at once, and a blocked one is 不予受理 with the reasons."""
    _may_file_for(actor, unit)
    today = today or timezone.localdate()
    errors = request_fields_error(fields)
    if errors:
        raise ApplicationError(" ".join(errors.values()), extra=errors)
    request = StaffingRequest(unit=unit, filed_by=actor, filed_on=fields.pop("filed_on", None) or today, **fields)
    if attachment is not None:
        request.attachment, request.attachment_name = attachment, attachment.name
    decision = _apply_check(request, actor, today)
    if not decision.allowed:
        request.status = StaffingRequest.Status.REJECTED
        request.decided_on = today
        with translation.override(settings.LANGUAGE_CODE):
            request.decision_note = _("依据评估结果运用规则不予受理：") + _("；").join(f.reason for f in decision.blocks)
    request.full_clean(exclude=["attachment"])
    request.save()
    _event(request, RequestEvent.Type.FILED, actor, summary=request.summary)
    if not decision.allowed:
        _event(request, RequestEvent.Type.REFUSED_BY_RULE, actor, findings=request.findings,
               until=request.blocked_until)
    return request


def _lock(request: StaffingRequest) -> StaffingRequest:
    return StaffingRequest.objects.select_for_update().select_related("unit").get(pk=request.pk)


def _move(request: StaffingRequest, to: str) -> str:
    if to not in StaffingRequest.TRANSITIONS.get(request.status, set()):
        raise ApplicationError(_("当前状态（%(s)s）不能办理此操作") % {"s": request.get_status_display()})
    before, request.status = request.status, to
    return before


@transaction.atomic
def request_review(*, request: StaffingRequest, actor: User) -> StaffingRequest:
    _require_office(actor)
    request = _lock(request)
    _move(request, StaffingRequest.Status.REVIEWING)
    request.save()
    _event(request, RequestEvent.Type.REVIEWING, actor)
    return request


@transaction.atomic
def request_reject(*, request: StaffingRequest, actor: User, note: str, returned: bool = False,
                   today: date | None = None) -> StaffingRequest:
    """不予受理, or 退回 (back to the unit to complete)."""
    _require_office(actor)
    if not note.strip():
        raise ApplicationError(_("请填写办理意见"))
    request = _lock(request)
    _move(request, StaffingRequest.Status.RETURNED if returned else StaffingRequest.Status.REJECTED)
    request.decision_note, request.decided_on = note, today or timezone.localdate()
    request.save()
    _event(request, RequestEvent.Type.RETURNED if returned else RequestEvent.Type.REJECTED, actor, note=note)
    return request


@transaction.atomic
def request_resubmit(*, request: StaffingRequest, actor: User, today: date | None = None) -> StaffingRequest:
    """A returned request filed again: checked again like a new one."""
    _may_file_for(actor, request.unit)
    request = _lock(request)
    if request.status != StaffingRequest.Status.RETURNED:
        raise ApplicationError(_("只有退回的事项可以重新登记"))
    today = today or timezone.localdate()
    decision = _apply_check(request, actor, today)
    request.status = StaffingRequest.Status.REGISTERED if decision.allowed else StaffingRequest.Status.REJECTED
    request.decided_on = None if decision.allowed else today
    request.save()
    _event(request, RequestEvent.Type.RESUBMITTED, actor, findings=request.findings)
    return request


@transaction.atomic
def request_override(*, request: StaffingRequest, actor: User, reason: str, today: date | None = None) -> StaffingRequest:
    """解除规则限制: an office decision, with a written reason, lifts a result rule's block (never 超编 or an
    organ on 事业编制); the request goes back to 登记."""
    access.require(actor, "request.override", request, message=_("您没有解除规则限制的权限"))
    if not reason.strip():
        raise ApplicationError(_("解除限制须写明理由"))
    request = _lock(request)
    blocks = [f for f in request.findings if f["effect"] == rules.BLOCK]
    if request.status != StaffingRequest.Status.REJECTED or not blocks:
        raise ApplicationError(_("该事项没有被规则限制"))
    if any(f["hard"] for f in blocks):
        raise ApplicationError(_("超编或党政机关使用事业编制的限制不能解除"))
    request.override_reason, request.overridden_by, request.overridden_at = reason, actor, timezone.now()
    before = _move(request, StaffingRequest.Status.REGISTERED)
    request.decided_on = None
    request.save()
    _event(request, RequestEvent.Type.OVERRIDDEN, actor, reason=reason, findings=request.findings, before=before)
    return request


@transaction.atomic
def request_approve(*, request: StaffingRequest, actor: User, document: str = "", note: str = "",
                    today: date | None = None) -> StaffingRequest:
    """批准: checked against the rules again; a change of quotas, posts, bodies or rank becomes a new dated
    registry version (never an edit in place), quota changes also posted to the pool ledger (核增)."""
    _require_office(actor)
    today = today or timezone.localdate()
    request = _lock(request)
    if request.status != StaffingRequest.Status.REVIEWING:
        raise ApplicationError(_("请先转入审核"))
    decision = _apply_check(request, actor, today)
    if not decision.allowed:
        raise ApplicationError(_("不能批准：") + _("；").join(f.reason for f in decision.blocks))
    kind, n = request.kind, request.amount
    change = {
        StaffingRequest.Kind.QUOTA: {"quota_deltas": {request.quota_kind: n}},
        StaffingRequest.Kind.POSTS: {"post_deltas": {request.rank: n}},
        StaffingRequest.Kind.BODY: {"new_bodies": [(request.body_name, request.reason[:500])]},
        StaffingRequest.Kind.RANK: {"rank": request.rank},
    }.get(kind)
    if change:
        request.registry_version = registry_decision(
            unit=request.unit, actor=actor, on=today, document=document, reason=request.summary, **change)
    _move(request, StaffingRequest.Status.APPROVED)
    request.decided_on, request.decision_document, request.decision_note = today, document, note
    request.save()
    _event(request, RequestEvent.Type.APPROVED, actor, document=document, note=note,
           version=request.registry_version_id, findings=request.findings)
    return request


# ---------------------------------------------------------------------------------------------------------
# Rule settings
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def rule_settings_save(*, form, actor: User) -> RuleSettings:
    _require_office(actor)
    row = form.save(commit=False)
    row.updated_by = actor
    row.save()
    return row


# ---------------------------------------------------------------------------------------------------------
# Reclaim proposals
# ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def reclaim_proposals_generate(*, actor: User | None, today: date | None = None) -> int:
    """A proposal per unit and kind for every unit the ample-vacancy rule binds (once per campaign)."""
    today = today or timezone.localdate()
    units = list(Unit.objects.filter(status=Unit.Status.ACTIVE))
    results = latest_final_results(unit_ids=[u.pk for u in units])
    bound = [unit for unit in units if unit.pk in results]
    inputs = units_rule_inputs(bound, results)
    made = 0
    for unit in bound:
        facts, result, params = inputs[unit.pk]
        reclaim = [f for f in rules.unit_findings(facts, result, params, today) if f.effect == rules.RECLAIM]
        if not reclaim:
            continue
        for kind, amount in rules.reclaim_amounts(facts, params).items():
            _row, created = ReclaimProposal.objects.get_or_create(
                unit=unit, quota_kind=kind, campaign_id=result.campaign_id,
                defaults={"amount": amount, "reason": reclaim[0].reason})
            made += created
    return made


def _notify_unit(unit: Unit, title: str, body: str, url: str, key: str) -> None:
    notify(users=unit.liaisons.filter(is_active=True), kind=Notification.Kind.NOTICE, title=title, body=body, url=url,
           key=key)


@transaction.atomic
def reclaim_decide(*, proposal: ReclaimProposal, actor: User, approve: bool, disposition: str = "",
                   pool: str = "city", amount: int | None = None, document: str = "", note: str = "",
                   today: date | None = None) -> ReclaimProposal:
    """Approve into a registry reduction (核减收回, a new registry version) or a pool deposit (存入周转池), or
    decline; the unit's liaisons are notified either way."""
    _require_office(actor)
    today = today or timezone.localdate()
    proposal = ReclaimProposal.objects.select_for_update().select_related("unit").get(pk=proposal.pk)
    if proposal.status != ReclaimProposal.Status.PROPOSED:
        raise ApplicationError(_("该建议已办结"))
    if approve:
        amount = amount or proposal.amount
        if amount <= 0 or amount > proposal.amount:
            raise ApplicationError(_("收回数量须在 1 到 %(n)d 之间") % {"n": proposal.amount})
        reason = _("收回编制：") + proposal.reason
        if disposition == ReclaimProposal.Disposition.RECLAIM:
            proposal.registry_version = registry_decision(
                unit=proposal.unit, actor=actor, on=today, document=document, reason=reason,
                quota_deltas={proposal.quota_kind: -amount})
        elif disposition == ReclaimProposal.Disposition.DEPOSIT:
            proposal.movement = pool_deposit(unit=proposal.unit, pool=pool, quota_kind=proposal.quota_kind,
                                             amount=amount, posted_on=today, document=document, reason=reason, actor=actor)
            proposal.pool = pool
        else:
            raise ApplicationError(_("请选择处理方式"))
        proposal.amount, proposal.disposition = amount, disposition
    proposal.status = ReclaimProposal.Status.APPROVED if approve else ReclaimProposal.Status.REJECTED
    proposal.decided_by, proposal.decided_on, proposal.document, proposal.note = actor, today, document, note
    proposal.save()
    if approve:
        how = proposal.get_disposition_display()
        _notify_unit(proposal.unit, _("收回编制：%(kind)s %(n)d 名（%(how)s）") % {
            "kind": proposal.get_quota_kind_display(), "n": proposal.amount, "how": how},
            _("依据评估结果，%(how)s %(kind)s %(n)d 名。文号：%(doc)s") % {
                "how": how, "kind": proposal.get_quota_kind_display(), "n": proposal.amount, "doc": document or "—"},
            reverse("registry:unit_detail", args=[proposal.unit_id]), f"reclaim-{proposal.pk}")
    return proposal


# ---------------------------------------------------------------------------------------------------------
# The sweep: overdue loans, freezes about to end
# ---------------------------------------------------------------------------------------------------------
def pool_sweep(*, today: date | None = None, within_days: int = 30) -> dict[str, int]:
    """Daily and idempotent: mark overdue loans and tell the office and the borrower; tell units whose rule
    blocks end within `within_days` days."""
    from bianzhi.models import PoolLoan

    today = today or timezone.localdate()
    office = User.objects.filter(access.holders("request.handle"), is_active=True)
    overdue = 0
    for loan in PoolLoan.objects.filter(status=PoolLoan.Status.OUTSTANDING, due_on__lt=today).select_related("borrower"):
        with transaction.atomic():
            if loan.overdue_flagged_on is None:
                PoolLoan.objects.filter(pk=loan.pk).update(overdue_flagged_on=today)
            title = _("借用编制逾期：%(unit)s %(kind)s %(n)d 名，%(due)s 到期") % {
                "unit": loan.borrower.name, "kind": loan.get_quota_kind_display(), "n": loan.amount, "due": loan.due_on}
            notify(users=list(office) + list(loan.borrower.liaisons.filter(is_active=True)),
                   kind=Notification.Kind.DEADLINE, title=title, url=reverse("pool:index"), key=f"loan-overdue-{loan.pk}")
        overdue += 1
    expiring = 0
    units = list(Unit.objects.filter(status=Unit.Status.ACTIVE))
    findings = units_findings(units=units, today=today)
    for unit in units:
        for finding in findings.get(unit.pk, []):
            if finding.effect == rules.BLOCK and finding.until and finding.until <= today + timedelta(days=within_days):
                _notify_unit(unit, _("限制即将到期：%(name)s，%(until)s 止") % {"name": finding.name, "until": finding.until},
                             finding.reason, reverse("register:request_list"), f"freeze-{unit.pk}-{finding.rule}-{finding.until}")
                expiring += 1
    return {"overdue": overdue, "expiring": expiring}


# ---------------------------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------------------------
def request_list_for_user(*, user: User) -> QuerySet[StaffingRequest]:
    requests = StaffingRequest.objects.select_related("unit", "filed_by", "overridden_by")
    return access.restrict(requests, user, "request.view")


def request_get_for_user(*, user: User, pk: int) -> StaffingRequest:
    return get_object_or_404(request_list_for_user(user=user).prefetch_related("events__actor"), pk=pk)


def request_filter(requests: QuerySet[StaffingRequest], *, q: str = "", kind: str = "", status: str = "",
                   priority: bool = False, blocked: bool = False) -> QuerySet[StaffingRequest]:
    if q:
        requests = requests.filter(Q(unit__name__icontains=q) | Q(document__icontains=q) | Q(unit__code__iexact=q))
    if kind:
        requests = requests.filter(kind=kind)
    if status:
        requests = requests.filter(status=status)
    if priority:
        requests = requests.filter(priority=True)
    if blocked:
        requests = requests.filter(blocked_until__isnull=False)
    return requests


def units_bound(*, today: date | None = None) -> list[dict]:
    """The rules in force today and the units they bind: one row per unit and finding."""
    today = today or timezone.localdate()
    units = list(Unit.objects.filter(status=Unit.Status.ACTIVE).order_by("code"))
    results = latest_final_results(unit_ids=[u.pk for u in units])
    findings = units_findings(units=units, today=today, results=results)
    return [{"unit": unit, "result": results[unit.pk], "finding": finding}
            for unit in units for finding in findings.get(unit.pk, [])]


def reclaim_list() -> QuerySet[ReclaimProposal]:
    return ReclaimProposal.objects.select_related("unit", "campaign", "decided_by")


def campaigns_with_results() -> QuerySet[Campaign]:
    return Campaign.objects.order_by("-year", "-created_at")


def appraisal_rows(*, campaign: Campaign) -> list[dict]:
    """绩效考评: each unit's final score, grade and rank (competition ranking: equal scores share a rank)."""
    rows = sorted(campaign_final_results(campaign=campaign), key=lambda r: (r[1] is None, -(r[1] or 0), r[0].unit.code))
    result, rank, previous = [], 0, object()
    for position, (target, score, grade) in enumerate(rows, start=1):
        rounded = round(score, 2) if score is not None else None
        if rounded != previous:
            rank, previous = position, rounded
        result.append({"unit": target.unit, "score": rounded, "grade": grade,
                       "grade_label": rules.GRADE_LABELS.get(grade or "", "—"), "rank": rank if score is not None else None})
    return result


