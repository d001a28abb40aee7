"""Requesting and rendering reports. Rendering is idempotent, so a redelivered task does no harm."""

import weasyprint
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bianzhi.jobs import job_enqueue, job_reset, job_run
from bianzhi.models import User
from evaluations import events
from evaluations.indicators import campaign_dimension_names
from evaluations.models import CampaignTarget
from scoring.selectors import target_score

from .charts import Bar, bar_chart_svg
from .models import Report


@transaction.atomic
def report_request(*, target: CampaignTarget, actor: User) -> Report:
    """Ask for the unit's report. A report queued or being built is returned as it is; one that is done,
    failed or stuck (its worker died) gets a fresh attempt with today's figures."""
    report, created = Report.objects.select_for_update().get_or_create(
        target=target, kind=Report.Kind.UNIT, defaults={"requested_by": actor}
    )
    if not created and report.is_active:
        if report.may_resend:  # never sent (broker down) or not taken yet: the sweep would; try now too
            job_enqueue(report)
        return report
    if created:
        job_enqueue(report)
    else:
        job_reset(report, actor=actor)
    events.event_report_requested(target=target, actor=actor, report_id=report.pk)
    return report


def report_context(*, report: Report) -> dict:
    target = report.target
    result = target_score(target=target)
    rows = result.result.indicators if result.result else {}  # the stored version (scoring.selectors)
    dimension_names = campaign_dimension_names(target.campaign)
    indicator_rows = [
        {
            "code": code,
            "dimension": (result.result.dimensions.get(rows[code]["dimension"], {}).get("name")
                          or dimension_names.get(rows[code]["dimension"], "")),
            "name": rows[code]["name"],
            "score": 100 * value,
        }
        for code, value in result.indicator_scores.items()
        if code in rows
    ]
    chart = bar_chart_svg([Bar(f"{row['dimension']}·{row['name']}", row["score"]) for row in indicator_rows])
    return {
        "report": report,
        "campaign": target.campaign,
        "unit": target.unit,
        "result": result,
        "indicator_rows": indicator_rows,
        "chart_svg": chart,
        "generated_at": timezone.localtime(),
    }


def report_build(report: Report, progress) -> None:
    """The job's work (run by bianzhi.jobs.job_run, which claims the row and records the outcome)."""
    report = Report.objects.select_related("target__campaign", "target__unit").get(pk=report.pk)
    progress(10)
    html = render_to_string("reports/pdf/unit.html", report_context(report=report))
    progress(40)
    pdf = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    progress(90)
    if report.file:
        report.file.delete(save=False)
    report.file.save(f"report-{report.pk}.pdf", ContentFile(pdf), save=False)
    return {"file": report.file.name}


def report_render(*, report_id: int) -> Report:
    """Render now, in this process (the worker runs the same through bianzhi.jobs); a no-op when done."""
    job_run(Report, report_id)
    return Report.objects.get(pk=report_id)
