"""The after stage's reads, scoped to what the user may see (bianzhi.access), and the hooks it fills for the
apps below: each unit's feedback day, its previous campaign's 整改 record, the board's after-stage steps and
the campaign facts of the summary report and the dashboard."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.access import restrict
from bianzhi.models import User
from evaluations import board
from evaluations.hooks import board_steps, campaign_fact, target_expression, target_fact
from evaluations.models import Campaign, CampaignTarget, Problem
from scoring.models import ResultVersion
from scoring.results import latest_versions

from ..models import ReportVersion
from .models import Appeal, AppealItem, Feedback, FollowupSettings, RectificationItem, RectificationReport


def settings_for(campaign: Campaign) -> FollowupSettings:
    """The campaign's settings row (unsaved defaults while it has none)."""
    return FollowupSettings.objects.filter(campaign=campaign).first() or FollowupSettings(campaign=campaign)


# ---------------------------------------------------------------------------------------------------------
# Hooks for the layers below
# ---------------------------------------------------------------------------------------------------------
@target_expression("feedback_on")
def feedback_day() -> Subquery:
    """The day the target's result was fed back (NULL: not yet), over CampaignTarget rows."""
    return Subquery(Feedback.objects.filter(target=OuterRef("pk")).order_by().values("fed_back_on")[:1])


def previous_targets(targets, *, closed_only: bool = False) -> dict[int, CampaignTarget]:
    """{target id: the same unit's target in its previous campaign (the latest created before this one)}."""
    targets = list(targets)
    earlier = CampaignTarget.objects.filter(unit_id__in={t.unit_id for t in targets}).select_related("campaign")
    if closed_only:
        earlier = earlier.filter(campaign__status=Campaign.Status.CLOSED)
    by_unit = defaultdict(list)
    for t in earlier:
        by_unit[t.unit_id].append((t.campaign.created_at, t.campaign_id, t))
    return _latest_before(targets, by_unit, {t.campaign_id: t.campaign.created_at for t in targets})


def _latest_before(targets, by_unit: dict[int, list[tuple]], created: dict[int, object]) -> dict[int, object]:
    """{target id: x} of the unit's (campaign created at, campaign id, x) whose campaign is the latest created
    before the target's own (`created`: {campaign id: created at})."""
    found = {}
    for target in targets:
        before = [e for e in by_unit[target.unit_id]
                  if e[1] != target.campaign_id and e[0] < created[target.campaign_id]]
        if before:
            found[target.pk] = max(before, key=lambda e: e[:2])[2]
    return found


@target_fact("rectification_history")
def rectification_history(targets) -> dict[int, list[tuple[date, date | None]] | None]:
    """{target id: [(deadline, closed on or None) of each 整改 item of the unit's previous campaign]}; None
    where the unit has no previous campaign (scoring's rule "整改 closed on time" reads this). Reads each
    target's `pk`, `unit_id` and `campaign_id` (plain values do); three queries of plain values, as scoring
    asks for a province's thousands of targets (the campaigns' dates read once, not once per target)."""
    targets = list(targets)
    rows = list(CampaignTarget.objects.filter(unit_id__any={t.unit_id for t in targets}).values_list(
        "pk", "unit_id", "campaign_id"))
    created = dict(Campaign.objects.filter(pk__in={c for _pk, _unit, c in rows}).values_list("pk", "created_at"))
    by_unit = defaultdict(list)
    for pk, unit_id, campaign_id in rows:  # the targets themselves among them
        by_unit[unit_id].append((created[campaign_id], campaign_id, pk))
    previous = _latest_before(targets, by_unit, created)
    items = defaultdict(list)
    for target_id, deadline, closed_on in RectificationItem.objects.filter(
            target__in=list(previous.values())).values_list("target_id", "deadline", "closed_on"):
        items[target_id].append((deadline, closed_on))
    return {t.pk: (items.get(previous[t.pk], []) if t.pk in previous else None) for t in targets}


# ---------------------------------------------------------------------------------------------------------
# What users see
# ---------------------------------------------------------------------------------------------------------
def feedback_list(*, campaign: Campaign) -> dict[int, Feedback]:
    return {f.target_id: f for f in Feedback.objects.filter(target__campaign=campaign).select_related("final_by")}


def appeal_list_for_user(*, user: User) -> QuerySet[Appeal]:
    appeals = Appeal.objects.select_related("target__campaign", "target__unit", "target__feedback", "reviewer",
                                            "submitted_by")
    return restrict(appeals, user, "appeal.view")


def appeal_get_for_user(*, user: User, pk: int) -> Appeal:
    return get_object_or_404(appeal_list_for_user(user=user), pk=pk)


def appeal_items(appeal: Appeal) -> QuerySet[AppealItem]:
    return appeal.items.prefetch_related("evidence")


def rectification_list_for_user(*, user: User) -> QuerySet[RectificationItem]:
    items = RectificationItem.objects.select_related("target__campaign", "target__unit", "carried_from__target__campaign")
    return restrict(items, user, "rectification.view")


def rectification_get_for_user(*, user: User, pk: int) -> RectificationItem:
    return get_object_or_404(rectification_list_for_user(user=user), pk=pk)


def rectification_items(*, targets) -> QuerySet[RectificationItem]:
    reports = RectificationReport.objects.select_related("reported_by", "verified_by").prefetch_related("evidence")
    return (RectificationItem.objects.filter(target__in=targets)
            .select_related("target__unit", "target__campaign", "carried_from__target__campaign")
            .prefetch_related(Prefetch("reports", queryset=reports)))


def carried_open_items(*, target: CampaignTarget) -> list[RectificationItem]:
    """Last campaign's items of the unit still open (shown on its package and workbench in the new campaign)."""
    before = previous_targets([target]).get(target.pk)
    if before is None:
        return []
    return list(before.rectifications.exclude(status=RectificationItem.Status.CLOSED).select_related("target__campaign"))


@target_fact("carried_items")
def carried_items(targets) -> dict[int, list[dict]]:
    """{target id: last campaign's open items, as plain values} for the unit's package page."""
    return {t.pk: [{"title": i.title, "campaign": str(i.target.campaign), "deadline": i.deadline,
                    "status": i.get_status_display()} for i in carried_open_items(target=t)] for t in targets}


def reviewers() -> QuerySet[User]:
    from bianzhi.access import holders

    return User.objects.filter(holders("appeal.review"), is_active=True).order_by("last_name", "first_name", "username")


def latest_result(target: CampaignTarget) -> ResultVersion | None:
    return ResultVersion.objects.filter(target=target).order_by("-version").first()


def rectification_candidates(*, campaign: Campaign) -> list[dict]:
    """What may become an item, not yet one: each problem of each unit's 问题清单, each indicator of its latest
    stored result scored below the campaign's threshold (share of full marks)."""
    threshold = float(settings_for(campaign).rectify_below) / 100
    targets = {t.pk: t for t in campaign.targets.select_related("unit")}
    have_problems = set(RectificationItem.objects.filter(target__campaign=campaign, problem__isnull=False)
                        .values_list("problem_id", flat=True))
    have_codes = set(RectificationItem.objects.filter(target__campaign=campaign, source=RectificationItem.Source.INDICATOR)
                     .values_list("target_id", "indicator_code"))
    out = []
    for problem in Problem.objects.filter(target__campaign=campaign).exclude(pk__in=have_problems).order_by("target__unit__code", "pk"):
        target = targets[problem.target_id]
        out.append({"key": f"p{problem.pk}", "target": target, "source": RectificationItem.Source.PROBLEM,
                    "problem": problem, "indicator_code": problem.indicator_code, "title": problem.description,
                    "measures": "针对问题制定整改方案，明确责任人和完成时限，按期报送整改情况及佐证材料。"})
    for version in latest_versions(campaign=campaign).order_by("target__unit__code"):
        target = targets[version.target_id]
        for code, row in version.indicators.items():
            share = row.get("share")
            if share is None or share >= threshold or (target.pk, code) in have_codes:
                continue
            out.append({"key": f"i{target.pk}-{code}", "target": target, "source": RectificationItem.Source.INDICATOR,
                        "indicator_code": code,
                        "title": f"{row['name']}得分率 {share:.0%}，低于 {threshold:.0%}",
                        "measures": f"分析“{row['name']}”失分原因，提出改进措施并落实，报送整改情况及佐证材料。"})
    return out


# ---------------------------------------------------------------------------------------------------------
# Progress: per unit, per campaign (page, export, API), the board's steps and the campaign facts
# ---------------------------------------------------------------------------------------------------------
def unit_progress(*, campaign: Campaign, today: date | None = None) -> list[dict]:
    """One row per unit: its feedback, appeal, final lock and 整改 counts."""
    today = today or timezone.localdate()
    feedbacks = feedback_list(campaign=campaign)
    appeals = {a.target_id: a for a in Appeal.objects.filter(target__campaign=campaign).select_related("reviewer")}
    counts = defaultdict(lambda: {"total": 0, "closed": 0, "overdue": 0, "returned": 0, "reported": 0})
    for target_id, status, deadline in RectificationItem.objects.filter(target__campaign=campaign).values_list(
            "target_id", "status", "deadline"):
        c = counts[target_id]
        c["total"] += 1
        c["closed"] += status == RectificationItem.Status.CLOSED
        c["overdue"] += status != RectificationItem.Status.CLOSED and deadline < today
        c["returned"] += status == RectificationItem.Status.RETURNED
        c["reported"] += status == RectificationItem.Status.REPORTED
    rows = []
    for target in campaign.targets.select_related("unit", "liaison").order_by("unit__code"):
        rows.append({"target": target, "feedback": feedbacks.get(target.pk), "appeal": appeals.get(target.pk),
                     "rect": dict(counts[target.pk])})
    return rows


def units_behind(*, campaign: Campaign, today: date) -> list[CampaignTarget]:
    """Units whose liaison has 整改 to do now: an item overdue, or returned by the office."""
    return [r["target"] for r in unit_progress(campaign=campaign, today=today)
            if r["rect"]["overdue"] or r["rect"]["returned"]]


@board_steps
def after_steps(campaign: Campaign) -> list[board.BoardStep]:
    """报告, 反馈, 复核, 整改 on the progress board, once the campaign is past 实地评估."""
    if campaign.status not in (Campaign.Status.REPORT, Campaign.Status.FEEDBACK, Campaign.Status.REVIEW,
                               Campaign.Status.SUMMARY, Campaign.Status.CLOSED):
        return []
    today = timezone.localdate()
    rows = unit_progress(campaign=campaign, today=today)
    # a unit's report is done when its latest version is signed (a 复核 decision makes a new one to sign)
    latest = dict(ReportVersion.objects.filter(target__campaign=campaign).order_by("target_id", "number")
                  .values_list("target_id", "signed_at"))
    ready = {target_id for target_id, signed_at in latest.items() if signed_at}
    report_cells = {r["target"].pk: board.DONE if r["target"].pk in ready else board.IN_PROGRESS
                    if r["target"].pk in latest else board.NOT_STARTED for r in rows}
    feedback_cells = {r["target"].pk: board.DONE if r["feedback"] else board.NOT_STARTED for r in rows}
    review_cells, rect_cells = {}, {}
    for r in rows:
        f = r["feedback"]
        review_cells[r["target"].pk] = (board.DONE if f and f.is_final else board.NOT_STARTED if not f
                                        else board.IN_PROGRESS)
        c = r["rect"]
        rect_cells[r["target"].pk] = (board.NOT_STARTED if not c["total"] else board.DONE if c["closed"] == c["total"]
                                      else board.LATE if c["overdue"] else board.RETURNED if c["returned"]
                                      else board.IN_PROGRESS)
    behind = tuple(r["target"].pk for r in rows if r["rect"]["overdue"] or r["rect"]["returned"])
    n = len(rows)
    with_items = [r for r in rows if r["rect"]["total"]]
    return [
        board.BoardStep("report", _("报告"), report_cells, len(ready & set(report_cells)), n),
        board.BoardStep("feedback", _("反馈"), feedback_cells, sum(1 for r in rows if r["feedback"]), n),
        board.BoardStep("review", _("复核"), review_cells, sum(1 for r in rows if r["feedback"] and r["feedback"].is_final), n),
        board.BoardStep("rectification", _("整改"), rect_cells,
                        sum(1 for r in with_items if r["rect"]["closed"] == r["rect"]["total"]), len(with_items), behind),
    ]


@campaign_fact("rectification")
def rectification_fact(campaign: Campaign, today: date | None = None) -> dict:
    """The campaign's 整改 in figures, per unit and in all (one query: the summary reads it)."""
    return rectification_figures([campaign], today)[campaign.pk]


def rectification_figures(campaigns, today: date | None = None) -> dict[int, dict]:
    """{campaign id: its 整改 in figures, per unit and in all}: one query for the campaigns (the dashboard
    reads this year's and the year compared with)."""
    closed = Q(status=RectificationItem.Status.CLOSED)
    rows = (RectificationItem.objects.filter(target__campaign__in=campaigns)
            .values("target__campaign_id", "target__unit__code", "target__unit__name")
            .order_by("target__campaign_id", "target__unit__code")
            .annotate(total=Count("pk"), closed=Count("pk", filter=closed),
                      overdue=Count("pk", filter=~closed & Q(deadline__lt=today or timezone.localdate()))))
    by_campaign: dict[int, list[dict]] = {campaign.pk: [] for campaign in campaigns}
    for r in rows:
        by_campaign[r["target__campaign_id"]].append(
            {"unit": r["target__unit__name"], "total": r["total"], "closed": r["closed"], "overdue": r["overdue"]})
    figures = {}
    for pk, by_unit in by_campaign.items():
        total = sum(u["total"] for u in by_unit)
        closed_count = sum(u["closed"] for u in by_unit)
        figures[pk] = {"total": total, "closed": closed_count, "open": total - closed_count,
                       "overdue": sum(u["overdue"] for u in by_unit), "by_unit": by_unit}
    return figures


APPEALS_POSSIBLE = frozenset({Campaign.Status.REVIEW, Campaign.Status.SUMMARY, Campaign.Status.CLOSED})


@campaign_fact("appeals")
def appeals_fact(campaign: Campaign) -> dict:
    """Appeals in figures: units that appealed, of them still open (an item undecided), items and decisions."""
    if campaign.status not in APPEALS_POSSIBLE:  # no query before 评估复核 opens the windows
        return {"units": 0, "items": 0, "decided": 0, "open": 0, "upheld": 0, "adjusted": 0}
    items = AppealItem.objects.filter(appeal__target__campaign=campaign)
    figures = items.aggregate(
        units=Count("appeal", distinct=True), items=Count("pk"), decided=Count("pk", filter=~Q(decision="")),
        open=Count("appeal", distinct=True, filter=Q(decision="")),
        upheld=Count("pk", filter=Q(decision=AppealItem.Decision.UPHELD)),
        adjusted=Count("pk", filter=Q(decision=AppealItem.Decision.ADJUSTED)))
    return figures


def share(value: float | None, full: float | None) -> Decimal | None:
    return None if value is None or not full else Decimal(str(round(100 * value / full, 1)))
