"""Reads, always scoped to what the user may see: an invisible object is a 404."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.access import restrict
from bianzhi.models import User

from .board import CELL_LABELS, NOT_STARTED, STEPS, board_cells
from .indicators import campaign_dimensions, indicator_scale
from .models import (
    Campaign,
    CampaignEvent,
    CampaignTarget,
    Notification,
    SelfAssessment,
    Upload,
)
from .sheet_workbook import SELF_ASSESSMENT, WorkbookRow, indicator_workbook


def campaign_list_for_user(*, user: User) -> QuerySet[Campaign]:
    # the count in a subquery: a liaison's filter joins the targets too
    targets = CampaignTarget.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
    campaigns = Campaign.objects.annotate(
        target_count=Coalesce(Subquery(targets.annotate(n=Count("pk")).values("n")), 0)
    )
    return restrict(campaigns, user, "campaign.view")


def campaign_get_for_user(*, user: User, pk: int) -> Campaign:
    return get_object_or_404(campaign_list_for_user(user=user), pk=pk)


def target_list_for_user(*, user: User) -> QuerySet[CampaignTarget]:
    targets = CampaignTarget.objects.select_related("campaign", "unit", "liaison", "team")
    return restrict(targets, user, "package.view")


def target_get_for_user(*, user: User, pk: int) -> CampaignTarget:
    return get_object_or_404(target_list_for_user(user=user), pk=pk)


def campaign_events(*, campaign: Campaign) -> QuerySet[CampaignEvent]:
    return campaign.events.select_related("actor", "target__unit")


def target_events(*, target: CampaignTarget) -> QuerySet[CampaignEvent]:
    return target.events.select_related("actor", "target__unit")


def self_assessment_versions(*, target: CampaignTarget) -> QuerySet[SelfAssessment]:
    return target.self_assessments.select_related("report", "submitted_by", "reviewed_by").prefetch_related(
        Prefetch("items__evidence", queryset=Upload.objects.select_related("replaced_by"))
    )


def self_assessment_get(*, target: CampaignTarget, version: int | None = None) -> SelfAssessment | None:
    """One version (the current one when None) with its rows and their evidence files: one query per kind."""
    versions = self_assessment_versions(target=target)
    return (versions.filter(version=version) if version is not None else versions.order_by("-version")).first()


def upload_list_for_user(*, user: User) -> QuerySet[Upload]:
    # a liaison: their unit's files, without the evaluators' working files on the unit's sheet
    return restrict(Upload.objects.all(), user, "upload.view")


def upload_get_for_user(*, user: User, pk: int) -> Upload:
    return get_object_or_404(upload_list_for_user(user=user), pk=pk)


def board_rows(*, campaign: Campaign, today=None, after=()) -> list[dict]:
    """One row per unit: its cells for the unit-level steps, then for the after-stage steps `after`."""
    today = today or timezone.localdate()
    deadlines = {d.step: d.due_on for d in campaign.deadlines.all()}
    rows = []
    for target in campaign.targets.select_related("unit", "liaison", "team"):
        cells = board_cells(status=target.status, notice_seen=target.notice_seen_at is not None,
                            deadlines=deadlines, today=today)
        row = [(cells[step], CELL_LABELS[cells[step]]) for step, _label in STEPS]
        for step in after:  # the after-stage steps the apps above give (reports: 报告, 反馈, 复核, 整改)
            cell = step.cells.get(target.pk, NOT_STARTED)
            row.append((cell, CELL_LABELS[cell]))
        rows.append({"target": target, "cells": row})
    return rows


def board_steps(*, campaign: Campaign) -> list[tuple[str, str, object]]:
    deadlines = {d.step: d.due_on for d in campaign.deadlines.all()}
    return [(step, label, deadlines.get(step)) for step, label in STEPS]


def pending_tasks_for_user(*, user: User) -> list[dict]:
    """What the user has to do now, one line per package: for a liaison their unit's, for an evaluator their team's."""
    S = CampaignTarget.Status
    tasks = []
    open_targets = target_list_for_user(user=user).exclude(campaign__status=Campaign.Status.CLOSED)
    for target in restrict(open_targets, user, "package.fill"):
        if target.status != S.PENDING and target.notice_seen_at is None:
            tasks.append({"target": target, "action": "notice", "label": _("查阅评估通知")})
        if target.status == S.SELF_DRAFT:
            tasks.append({"target": target, "action": "self", "label": _("填报自评并上传自评报告")})
        elif target.status == S.SELF_RETURNED:
            tasks.append({"target": target, "action": "self", "label": _("自评被退回，请修改后重新提交")})
    for target in restrict(open_targets.filter(status=S.SELF_SUBMITTED), user, "package.review"):
        tasks.append({"target": target, "action": "review", "label": _("审核自评")})
    for target in restrict(open_targets.filter(status=S.FIELD_VISIT), user, "package.visit"):
        tasks.append({"target": target, "action": "visit", "label": _("记录实地评估")})
    return tasks


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    return restrict(Notification.objects.all(), user, "notification.view")


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    return get_object_or_404(notifications_for_user(user=user), pk=pk)


def self_assessment_workbook(*, target: CampaignTarget, assessment: SelfAssessment) -> bytes:
    """The self-assessment as a pre-filled xlsx: every indicator of the campaign's tree, its guideline and scale."""
    saved = {i.indicator_code: i for i in assessment.items.all()}
    rows = []
    for _block, dimensions in campaign_dimensions(target.campaign):
        for d in dimensions:
            for ind in d.indicators:
                item = saved.get(ind.code)
                rows.append(WorkbookRow(code=ind.code, dimension=d.name, name=ind.name, guideline=ind.guideline,
                                        scale=indicator_scale(ind), value=item.score if item else None,
                                        note=item.narrative if item else ""))
    heading = _("%(unit)s · %(campaign)s · 自评表（第 %(v)d 版）") % {
        "unit": target.unit.name, "campaign": target.campaign, "v": assessment.version}
    return indicator_workbook(layout=SELF_ASSESSMENT, heading=heading, rows=rows)

# ---------------------------------------------------------------- coverage (全覆盖)

def coverage_rows(*, years: int | None = None, today=None) -> list[dict]:
    """Every active unit of the registry, with the years of the campaigns that evaluated it (a campaign past
    its plan: the units were told), its last year and whether it is due: never evaluated, or not in the last
    `years` years (settings.COVERAGE_YEARS). Two queries."""
    from django.conf import settings

    from bianzhi.models import Unit

    years = years or settings.COVERAGE_YEARS
    this_year = (today or timezone.localdate()).year
    evaluated: dict[int, set[int]] = {}
    for unit_id, year in (CampaignTarget.objects.exclude(campaign__status=Campaign.Status.PLAN)
                          .values_list("unit_id", "campaign__year").distinct()):
        evaluated.setdefault(unit_id, set()).add(year)
    rows = []
    for unit in Unit.objects.filter(status=Unit.Status.ACTIVE).order_by("-level", "code"):
        seen = sorted(evaluated.get(unit.pk, ()))
        last = seen[-1] if seen else None
        rows.append({"unit": unit, "years": seen, "last": last, "never": last is None,
                     "due": last is None or last <= this_year - years})
    return rows


def units_due_for_evaluation(*, years: int | None = None, today=None) -> list[int]:
    """Ids of the active units never evaluated or not in the last `years` years: next campaign's scope."""
    return [row["unit"].pk for row in coverage_rows(years=years, today=today) if row["due"]]
