"""What the stages after 撰写报告 need of the reports app, for tests that walk a campaign through them:
every unit's report signed (entering 反馈结果), every result fed back and final (entering 总结汇报), the
summary report generated (entering 已结束). Reports are written directly (no rendering): tests of the reports
themselves go through the services."""

from django.utils import timezone

from reports.models import ReportVersion, SummaryReport
from scoring.models import ResultVersion


def reports_signed(campaign, actor) -> None:
    for target in campaign.targets.all():
        latest = ReportVersion.objects.filter(target=target).order_by("-number").first()
        if latest is not None and latest.is_signed:
            continue
        result = ResultVersion.objects.filter(target=target).order_by("-version").first()
        ReportVersion.objects.filter(pk=getattr(latest, "pk", None)).delete()
        ReportVersion.objects.create(
            target=target, number=latest.number if latest else 1, result_version=result, achievements="成效",
            problems="问题", suggestions="整改", signed_by=actor, signed_at=timezone.now(),
        )


def summary_generated(campaign) -> None:
    SummaryReport.objects.update_or_create(campaign=campaign, kind=SummaryReport.Kind.PDF,
                                           defaults={"status": SummaryReport.Status.READY, "progress": 100})


def results_final(campaign, actor) -> None:
    """Feed back the units not yet fed back, and lock every result as on the day after the last appeal window
    closes (reports.followup)."""
    from datetime import timedelta

    from reports.followup.models import Feedback
    from reports.followup.services import results_feed_back, results_finalize

    targets = list(campaign.targets.all())
    if Feedback.objects.filter(target__in=targets).count() < len(targets):
        results_feed_back(campaign=campaign, actor=actor, targets=targets)
    open_ = [f.target for f in Feedback.objects.filter(target__in=targets, final_at__isnull=True).select_related("target")]
    if open_:
        last = max(f.appeal_until for f in Feedback.objects.filter(target__in=open_))
        results_finalize(campaign=campaign, actor=actor, targets=open_, today=last + timedelta(days=1))


def prepare_for(campaign, to_status: str, actor) -> None:
    """Call before advancing `campaign` into `to_status`."""
    from evaluations.models import Campaign

    if to_status == Campaign.Status.FEEDBACK:
        reports_signed(campaign, actor)
    elif to_status == Campaign.Status.SUMMARY:
        results_final(campaign, actor)
    elif to_status == Campaign.Status.CLOSED:
        summary_generated(campaign)


def signed_report(target, actor) -> ReportVersion:
    """A target of a bare campaign with its result stored and its report signed (facts filled as signing does)."""
    from reports.facts import report_facts
    from scoring.results import results_store

    results_store(target.campaign, actor)
    result = ResultVersion.objects.filter(target=target).order_by("-version").first()
    return ReportVersion.objects.create(
        target=target, number=1, result_version=result, achievements="成效", problems="问题", suggestions="整改意见",
        facts=report_facts(target, result), signed_by=actor, signed_at=timezone.now(),
    )
