"""The unit report: drafting, signing and rendering (PDF and Word) from the signed version.

Rendering is a job (bianzhi.jobs) and idempotent: a redelivered task, a double click or a second worker
finds nothing left to do. Files are rendered from the signed version's stored facts and text, never from
newer data; a new signed version makes new files (named by the version) and leaves the older ones.
"""

from __future__ import annotations

from pathlib import Path

import weasyprint
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bianzhi.access import may
from bianzhi.exceptions import ApplicationError
from bianzhi.jobs import job_enqueue, job_reset, job_run
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable
from evaluations.hooks import on_result_revised
from evaluations.models import Campaign, CampaignTarget
from scoring.models import ResultVersion
from surveys.models import Form

from . import word
from .charts import dimension_bars_svg, radar_svg
from .facts import report_facts
from .models import Report, ReportVersion

SECTIONS = ("achievements", "problems", "suggestions")


def _latest_result(target: CampaignTarget) -> ResultVersion:
    result = ResultVersion.objects.filter(target=target).order_by("-version").first()
    if result is None:
        raise ApplicationError(_("“%(unit)s”还没有已保存的评估结果：进入撰写报告阶段后才能撰写报告") % {"unit": target.unit})
    return result


def _lock_latest(target: CampaignTarget) -> ReportVersion | None:
    return ReportVersion.objects.select_for_update().filter(target=target).order_by("-number").first()


def _new_version(target: CampaignTarget, result: ResultVersion, previous: ReportVersion | None, actor: User | None,
                 reason: str) -> ReportVersion:
    carried = {name: getattr(previous, name) for name in SECTIONS} if previous else {}
    return ReportVersion.objects.create(
        target=target, number=(previous.number + 1) if previous else 1, result_version=result, reason=reason,
        updated_by=actor, **carried,
    )


@transaction.atomic
def report_draft_save(*, target: CampaignTarget, actor: User, achievements: str, problems: str,
                      suggestions: str) -> ReportVersion | None:
    """Save the evaluators' text. The first save drafts version 1 from the unit's latest stored result; a save
    after signing drafts the next version (the signed one stays as it was)."""
    target = CampaignTarget.objects.select_related("campaign", "unit").get(pk=target.pk)
    campaign_writable(target.campaign, "report")
    if not may(actor, "report.write", target):
        raise PermissionDenied(_("只有该单位的评估组成员可以撰写报告"))
    latest = _lock_latest(target)
    texts = {"achievements": achievements, "problems": problems, "suggestions": suggestions}
    current = {name: getattr(latest, name) if latest else "" for name in SECTIONS}
    if all(current[name] == text.strip() for name, text in texts.items()):
        return latest  # saved unchanged: no new version, no event
    if latest is None or latest.is_signed:
        latest = _new_version(target, _latest_result(target), latest, actor, _("评估组撰写"))
    changed = [name for name, text in texts.items() if getattr(latest, name) != text.strip()]
    for name in changed:
        setattr(latest, name, texts[name].strip())
    latest.updated_by, latest.updated_at = actor, timezone.now()
    latest.save(update_fields=[*changed, "updated_by", "updated_at"])
    events.event_report_saved(target=target, actor=actor, version=latest.number,
                              sections=[str(ReportVersion._meta.get_field(n).verbose_name) for n in changed])
    return latest


def report_lead_id(campaign: Campaign) -> int | None:
    """The lead evaluator (评估组长) named on the campaign's evaluation sheet, who signs; None when none is named
    (then any member of the unit's team may sign)."""
    return (Form.objects.filter(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET)
            .values_list("lead_evaluator_id", flat=True).first())


@transaction.atomic
def report_sign(*, target: CampaignTarget, actor: User, confirmed: bool) -> ReportVersion:
    """The lead signs the current version: its figures are copied into it and it is frozen; the PDF and the
    Word file are then rendered from it by a worker."""
    target = CampaignTarget.objects.select_related("campaign", "unit").get(pk=target.pk)
    campaign_writable(target.campaign, "report")
    if not may(actor, "report.sign", target):
        raise PermissionDenied(_("只有该单位的评估组可以签署报告"))
    lead = report_lead_id(target.campaign)
    if lead is not None and lead != actor.pk:
        raise PermissionDenied(_("只有评估组长可以签署评估报告"))
    if not confirmed:
        raise ApplicationError(_("请勾选确认：签署后本版本报告不可再修改"))
    latest = _lock_latest(target)
    if latest is None or latest.is_signed:
        raise ApplicationError(_("没有待签署的报告：请先撰写并保存报告"))
    empty = [str(ReportVersion._meta.get_field(n).verbose_name) for n in SECTIONS if not getattr(latest, n).strip()]
    if empty:
        raise ApplicationError(_("报告还缺少：%(sections)s") % {"sections": _("、").join(empty)})
    result = _latest_result(target)
    if result.pk != latest.result_version_id:  # the result changed since drafting: sign what is current
        latest.result_version = result
    latest.facts = report_facts(target, result)
    latest.signed_by, latest.signed_at = actor, timezone.now()
    ReportVersion.objects.filter(pk=latest.pk).update(result_version=result, facts=latest.facts,
                                                      signed_by=actor, signed_at=latest.signed_at)
    events.event_report_signed(target=target, actor=actor, version=latest.number,
                               total=latest.facts["result"]["total"], grade=latest.facts["result"]["grade"])
    report_request(target=target, actor=actor, again=False)
    return latest


@on_result_revised
def report_redraft(target: CampaignTarget, actor: User | None, reason: str) -> ReportVersion | None:
    """A 复核 decision made a new result version: the unit's report gets a new version resting on it, the
    evaluators' text carried over. It needs a new signature (what is signed are the new numbers); until then
    the files of the last signed version stay the unit's files."""
    latest = _lock_latest(target)
    if latest is None:
        return None  # nothing written yet: the first save drafts from the latest result anyway
    result = _latest_result(target)
    version = _new_version(target, result, latest, actor, _("评估复核调整：%(reason)s") % {"reason": reason[:150]})
    events.event_report_redrafted(target=target, actor=actor, version=version.number, result_version=result.version)
    return version


# ---------------------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------------------
def signed_version(target: CampaignTarget) -> ReportVersion | None:
    return ReportVersion.objects.filter(target=target, signed_at__isnull=False).order_by("-number").first()


@transaction.atomic
def report_request(*, target: CampaignTarget, actor: User, again: bool = True) -> Report:
    """Render the unit's latest signed version as PDF and Word (returns the PDF's job). One queued or running is
    left to finish (and sent again when its message seems lost); a failed one, or one of an older version, gets
    a fresh attempt; one already rendered from that version is rendered again from the same version only when
    asked for it (`again`, the unit's 重新生成), never by 生成全部报告. Always from the signed version."""
    version = signed_version(target)
    if version is None:
        raise ApplicationError(_("“%(unit)s”的评估报告尚未签署，不能生成文件") % {"unit": target.unit})
    jobs = [_request_one(target, version, kind, actor, again) for kind in (Report.Kind.UNIT, Report.Kind.UNIT_DOCX)]
    return jobs[0]


def _request_one(target: CampaignTarget, version: ReportVersion, kind: str, actor: User, again: bool) -> Report:
    report, created = Report.objects.select_for_update().get_or_create(
        target=target, kind=kind, defaults={"requested_by": actor, "version": version}
    )
    if created:
        job_enqueue(report)
    elif report.is_active and report.version_id == version.pk:
        if report.may_resend:
            job_enqueue(report)
        return report
    elif report.is_ready and report.version_id == version.pk and not again:
        return report  # the version's file exists
    else:
        if report.version_id != version.pk:
            report.version = version
            report.file = ""
            report.save(update_fields=["version", "file", "updated_at"])
        job_reset(report, actor=actor)
    if kind == Report.Kind.UNIT:
        events.event_report_requested(target=target, actor=actor, report_id=report.pk)
    return report


def report_context(*, version: ReportVersion) -> dict:
    """What the templates (HTML and Word) fill in: the signed facts and text, and the charts."""
    f = version.facts
    labels = [d["name"] for d in f["dimensions"]]
    radar = radar_svg(labels, [
        (pgettext("the unit evaluated", "本单位"), [d["score"] for d in f["dimensions"]], "#2f6fb0"),
        (_("全市平均"), [d["average"] for d in f["dimensions"]], "#b3261e"),
    ])
    bars = dimension_bars_svg([(d["name"], d["score"], d["average"]) for d in f["dimensions"]])
    paragraphs = {n: [p.strip() for p in getattr(version, n).splitlines() if p.strip()] for n in SECTIONS}
    signed_by = version.signed_by.display_name if version.signed_by else ""
    signed_on = dateformat.format(timezone.localtime(version.signed_at), _("Y年n月j日")) if version.signed_at else ""
    return {"f": f, "sections": paragraphs, "radar_svg": radar, "bars_svg": bars, "signed_by": signed_by,
            "signed_on": signed_on, "version": version}


def pdf_render(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_build(report: Report, progress) -> dict:
    """The job's work (run by bianzhi.jobs.job_run, which claims the row and records the outcome). The files are
    in the office's language, as the signed facts they print are, whoever asked (a worker has no user's choice;
    an in-process run must not take the requester's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _report_build(report, progress)


def _report_build(report: Report, progress) -> dict:
    report = Report.objects.select_related("target__campaign", "target__unit", "version__signed_by").get(pk=report.pk)
    version = report.version
    if version is None or not version.is_signed:
        raise ApplicationError(_("该单位的评估报告尚未签署，不能生成文件"))
    progress(10)
    context = report_context(version=version)
    progress(30)
    stem = f"report-{report.target_id}-v{version.number}"
    if report.file and Path(report.file.name).name.startswith(stem):  # rendered again from the same version
        report.file.delete(save=False)
    if report.is_word:
        data = word.render(word.template_bytes(word.UNIT), word.unit_context(context))
        name = f"{stem}.docx"
    else:
        data = pdf_render("reports/pdf/unit.html", context)
        name = f"{stem}.pdf"
    progress(90)
    report.file.save(name, ContentFile(data), save=False)
    return {"file": report.file.name}


def report_render(*, report_id: int) -> Report:
    """Render now, in this process (the worker runs the same through bianzhi.jobs); a no-op when done."""
    job_run(Report, report_id)
    return Report.objects.get(pk=report_id)


@transaction.atomic
def reports_generate_all(*, campaign: Campaign, actor: User) -> int:
    """生成全部报告: every unit with a signed report gets its PDF and Word file rendered by the workers (each a
    job; files already rendered from the same version are not rendered again). Returns how many units."""
    targets = (CampaignTarget.objects.filter(campaign=campaign, report_versions__signed_at__isnull=False)
               .select_related("unit").distinct())
    count = 0
    for target in targets:
        report_request(target=target, actor=actor, again=False)
        count += 1
    if not count:
        raise ApplicationError(_("还没有已签署的单位评估报告"))
    return count
