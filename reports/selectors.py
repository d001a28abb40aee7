from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from bianzhi.access import may
from bianzhi.models import User
from evaluations.hooks import campaign_column
from evaluations.models import Campaign, CampaignTarget
from evaluations.results_release import target_released
from evaluations.selectors import target_list_for_user

from .models import Report, ReportVersion, SummaryReport, SummaryText


@campaign_column("report")
def _campaign_reports(campaign: Campaign) -> dict[int, Report]:
    return reports_by_target(campaign=campaign)


def reports_by_target(*, campaign: Campaign) -> dict[int, Report]:
    return {r.target_id: r for r in Report.objects.filter(target__campaign=campaign, kind=Report.Kind.UNIT)}


def _released_for(user: User, target: CampaignTarget) -> bool:
    """A liaison sees their unit's report files once its result is fed back (反馈结果, per unit); the office
    and leaders whenever."""
    return may(user, "results.view_provisional") or target_released(target)


def report_get_for_user(*, user: User, pk: int) -> Report:
    """A report is visible to whoever may see its unit in the campaign: the office, leaders, the unit's liaison
    (from 反馈结果 on)."""
    report = get_object_or_404(
        Report.objects.select_related("target__unit", "target__campaign", "version").filter(
            target__in=target_list_for_user(user=user)
        ),
        pk=pk,
    )
    if not _released_for(user, report.target):
        raise Http404
    return report


def unit_reports_for_user(*, user: User, target: CampaignTarget) -> list[Report]:
    """The unit's files (PDF, Word) the user may download: none for a liaison before feedback."""
    if not _released_for(user, target):
        return []
    return list(Report.objects.filter(target=target).select_related("version").order_by("kind"))


def report_versions(*, target: CampaignTarget) -> list[ReportVersion]:
    return list(ReportVersion.objects.filter(target=target).select_related("signed_by", "updated_by", "result_version")
                .order_by("-number"))


def campaign_report_rows(*, campaign: Campaign, user: User) -> list[dict]:
    """One row per unit the user may see: its latest report version, its latest signed one, its files."""
    targets = (target_list_for_user(user=user).filter(campaign=campaign).select_related("unit")
               .prefetch_related(Prefetch("report_versions", queryset=ReportVersion.objects.order_by("-number")
                                          .select_related("signed_by").defer("facts")),
                                 Prefetch("reports", queryset=Report.objects.order_by("kind"))))
    rows = []
    for target in targets:
        versions = list(target.report_versions.all())
        signed = next((v for v in versions if v.is_signed), None)
        rows.append({"target": target, "latest": versions[0] if versions else None, "signed": signed,
                     "files": {r.kind: r for r in target.reports.all()}})
    return rows


def bulk_progress(*, campaign: Campaign) -> dict:
    """生成全部报告: the files of every signed unit report, done / all (the overall progress bar)."""
    signed = set(ReportVersion.objects.filter(target__campaign=campaign, signed_at__isnull=False)
                 .values_list("target_id", flat=True))
    total = 2 * len(signed)
    rows = list(Report.objects.filter(target__campaign=campaign, target_id__in=signed)
                .values_list("status", "progress"))
    ready = sum(1 for status, _p in rows if status == Report.Status.READY)
    failed = sum(1 for status, _p in rows if status == Report.Status.FAILED)
    partial = sum(p for status, p in rows if status == Report.Status.RUNNING) / 100
    percent = round(100 * (ready + partial) / total) if total else 0
    return {"total": total, "ready": ready, "failed": failed, "percent": min(100, percent),
            "units": len(signed), "done": total > 0 and ready + failed >= total}


def ready_files(*, campaign: Campaign) -> list[Report]:
    return list(Report.objects.filter(target__campaign=campaign, status=Report.Status.READY)
                .exclude(file="").select_related("target__unit", "version").order_by("target__unit__code", "kind"))


def summary_jobs(*, campaign: Campaign) -> dict[str, SummaryReport]:
    return {j.kind: j for j in SummaryReport.objects.filter(campaign=campaign)}


def summary_get_for_user(*, user: User, pk: int) -> SummaryReport:
    if not may(user, "summary.view"):
        raise Http404
    return get_object_or_404(SummaryReport.objects.select_related("campaign"), pk=pk)


def summary_text(*, campaign: Campaign) -> SummaryText | None:
    return SummaryText.objects.filter(campaign=campaign).first()


def units_unsigned(*, campaign: Campaign) -> list[str]:
    """Names of the campaign's units whose latest report version is not signed (or that have none)."""
    latest: dict[int, bool] = {}
    for target_id, signed_at in (ReportVersion.objects.filter(target__campaign=campaign)
                                 .order_by("target_id", "-number").values_list("target_id", "signed_at")):
        latest.setdefault(target_id, signed_at is not None)
    return [name for pk, name in campaign.targets.order_by("unit__code").values_list("pk", "unit__name")
            if not latest.get(pk)]
