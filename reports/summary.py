"""The campaign's summary report (总结汇报): what the office writes (SummaryText), the figures gathered for it,
and its rendering as PDF and Word by a job with progress."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from bianzhi.access import may
from bianzhi.exceptions import ApplicationError
from bianzhi.jobs import job_enqueue, job_reset
from bianzhi.models import User
from evaluations import events
from evaluations.guard import campaign_writable
from evaluations.hooks import campaign_facts
from evaluations.models import Campaign, CampaignDeadline, CampaignEvent, Problem
from scoring.models import WeightFreeze
from scoring.register_models import ReclaimProposal
from scoring.results import scheme_get
from scoring.rules import GRADE_LABELS, INCOMPLETE_LABEL, round1
from scoring.selectors import campaign_results, results_sensitivity
from surveys.models import Form
from surveys.selectors import form_statistics, forms_by_kind

from . import word
from .charts import dimension_bars_svg, radar_svg
from .models import SummaryReport, SummaryText
from .services import pdf_render

GRADE_ORDER = ["excellent", "good", "fair", "poor"]


@transaction.atomic
def summary_text_save(*, campaign: Campaign, actor: User, suggestions: str) -> SummaryText:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_writable(campaign, "report")
    text, _created = SummaryText.objects.get_or_create(campaign=campaign)
    if text.suggestions == suggestions.strip():
        return text
    text.suggestions, text.updated_by, text.updated_at = suggestions.strip(), actor, timezone.now()
    text.save()
    events.event_summary_saved(campaign=campaign, actor=actor)
    return text


@transaction.atomic
def summary_request(*, campaign: Campaign, actor: User) -> list[SummaryReport]:
    """Render the summary as PDF and Word from today's records (a fresh attempt each time it is asked for,
    unless one is still queued or running)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not may(actor, "summary.write", campaign):
        raise ApplicationError(_("只有编办可以生成总结报告"))
    jobs = []
    for kind in (SummaryReport.Kind.PDF, SummaryReport.Kind.DOCX):
        job, created = SummaryReport.objects.select_for_update().get_or_create(
            campaign=campaign, kind=kind, defaults={"requested_by": actor})
        if created:
            job_enqueue(job)
        elif job.is_active:
            if job.may_resend:
                job_enqueue(job)
        else:
            job_reset(job, actor=actor)
        jobs.append(job)
    events.event_summary_requested(campaign=campaign, actor=actor)
    return jobs


def _stage_dates(campaign: Campaign) -> list[dict]:
    entered = {}
    for to, at in (CampaignEvent.objects.filter(campaign=campaign, type=CampaignEvent.Type.STATUS_CHANGED)
                   .order_by("created_at").values_list("data__to", "created_at")):
        entered.setdefault(to, timezone.localdate(at))
    due = dict(CampaignDeadline.objects.filter(campaign=campaign).values_list("step", "due_on"))
    return [{"name": str(label), "entered": entered.get(value), "due": due.get(value)}
            for value, label in Campaign.Status.choices if value != Campaign.Status.CLOSED]


def _weights(campaign: Campaign, scheme) -> dict:
    """The dimensions of the campaign's tree (or of the default, before it has its own) with their weights (the
    frozen ones, else equal) and the consistency ratio of each dimension's group matrix."""
    freeze = WeightFreeze.objects.filter(tree=scheme.tree).first() if scheme.tree.pk else None
    counts, weights = Counter(), defaultdict(float)
    for i in scheme.indicators:
        counts[i.dimension.code] += 1
        weights[i.dimension.code] += scheme.weights.get(i.code, 0.0)
    rows = [{"name": name, "indicators": counts[code], "weight": weights[code],
             "cr": (freeze.consistency.get(code) or {}).get("cr") if freeze else None}
            for code, name in scheme.dimension_names.items()]
    return {
        "frozen": freeze is not None, "rows": rows, "indicators": sum(r["indicators"] for r in rows),
        "method": str(freeze.get_method_display()) if freeze else "",
        "hierarchy_cr": freeze.hierarchy_cr if freeze else None,
    }


def summary_context(campaign: Campaign, progress=lambda p: None) -> dict:
    results = campaign_results(campaign=campaign)
    progress(20)
    forms = forms_by_kind(campaign=campaign)
    form_rows, staff_sentences, recipients_rate, recipients_n = [], [], None, 0
    for kind, label in Form.Kind.choices:
        form = forms.get(kind)
        if form is None:
            continue
        stats = form_statistics(form=form)
        form_rows.append({"name": str(label), "responses": stats.total.responses})
        if kind == Form.Kind.STAFF_ASSESSMENT:
            staff_sentences = stats.total.dimension_sentences()
        if kind == Form.Kind.SATISFACTION and stats.total.total.valid:
            recipients_rate, recipients_n = stats.total.total.rate_text, stats.total.responses
    progress(45)
    ranking = [{"rank": r.rank_overall, "unit": r.target.unit.name,
                "total": f"{round1(r.total)}" if r.total is not None else "—",
                "grade": GRADE_LABELS.get(r.grade, "—") if r.complete else INCOMPLETE_LABEL} for r in results]
    grades = Counter(r.grade if r.complete else "" for r in results)
    distribution = [{"grade": GRADE_LABELS[g], "count": grades.get(g, 0),
                     "percent": round(100 * grades.get(g, 0) / len(results), 1) if results else 0} for g in GRADE_ORDER]
    if grades.get(""):
        distribution.append({"grade": INCOMPLETE_LABEL, "count": grades[""], "percent": round(100 * grades[""] / len(results), 1)})
    sums, counts, names, best = defaultdict(float), defaultdict(int), {}, defaultdict(float)
    for r in results:
        for code, d in r.dimensions.items():
            names[code] = d["name"]
            if d.get("score") is not None:
                sums[code] += d["score"]
                counts[code] += 1
                best[code] = max(best[code], d["score"])
    dimensions = [{"code": c, "name": names[c], "average": round(sums[c] / counts[c], 1) if counts[c] else None,
                   "best": round(best[c], 1) if counts[c] else None} for c in names]
    radar = radar_svg([d["name"] for d in dimensions], [
        (_("全市平均"), [d["average"] for d in dimensions], "#b3261e"),
        (_("最高分"), [d["best"] for d in dimensions], "#2f6fb0"),
    ])
    bars = dimension_bars_svg([(d["name"], d["average"], None) for d in dimensions], legend=(_("全市平均"), ""))
    progress(60)
    sensitivity = [{"name": s.name, "current": round(s.current, 3), "lo": round(s.lo, 3), "hi": round(s.hi, 3),
                    "closest": _("、").join(_("%(unit)s（%(d)s分）") % {"unit": n, "d": d} for n, d in s.closest[:3])}
                   for s in results_sensitivity(campaign=campaign, results=results)]
    scheme = scheme_get(campaign=campaign)
    dimension_of = {i.code: i.dimension.name for i in scheme.indicators}
    problems_by_dim: dict[str, list[str]] = defaultdict(list)
    for code, text, unit in Problem.objects.filter(target__campaign=campaign).values_list(
            "indicator_code", "description", "target__unit__name").order_by("id"):
        problems_by_dim[dimension_of.get(code) or _("其他")].append(_("%(text)s（%(unit)s）") % {"text": text, "unit": unit})
    problems = sorted(({"dimension": d, "count": len(items), "examples": items[:5]} for d, items in problems_by_dim.items()),
                      key=lambda p: -p["count"])
    progress(75)
    facts = campaign_facts(campaign)
    frozen = [{"unit": r.target.unit.name, "grade": GRADE_LABELS.get(r.grade, "")} for r in results
              if r.complete and r.grade in ("fair", "poor")]
    reclaims = [{"unit": p.unit.name, "kind": str(p.get_quota_kind_display()), "amount": p.amount,
                 "status": str(p.get_status_display())}
                for p in ReclaimProposal.objects.filter(campaign=campaign).select_related("unit").order_by("unit__code")]
    kinds = Counter(str(r.target.unit.get_kind_display()) for r in results)
    text = SummaryText.objects.filter(campaign=campaign).first()
    return {
        "campaign": {"name": campaign.name, "year": campaign.year, "kind": str(campaign.get_kind_display())},
        "scope": {"units": len(results), "by_kind": [{"kind": k, "count": n} for k, n in sorted(kinds.items())]},
        "stages": [{**s, "entered": s["entered"].isoformat() if s["entered"] else "—",
                    "due": s["due"].isoformat() if s["due"] else "—"} for s in _stage_dates(campaign)],
        "weights": _weights(campaign, scheme), "forms": form_rows, "ranking": ranking, "distribution": distribution,
        "dimensions": dimensions, "staff_sentences": staff_sentences, "staff_text": _("；").join(staff_sentences),
        "recipients_rate": recipients_rate, "recipients_n": recipients_n, "sensitivity": sensitivity,
        "problems": problems, "rectification": facts.get("rectification"), "appeals": facts.get("appeals"),
        "frozen": frozen, "reclaims": reclaims,
        "suggestions": [p.strip() for p in (text.suggestions if text else "").splitlines() if p.strip()],
        "radar_svg": radar, "bars_svg": bars, "generated_on": dateformat.format(timezone.localdate(), _("Y年n月j日")),
    }


def summary_word_context(context: dict) -> dict:
    rect, appeals = context["rectification"], context["appeals"]
    return {**{k: v for k, v in context.items() if not k.endswith("_svg")},
            "rectification_text": (_("共 %(total)s 项，已完成 %(closed)s 项，未完成 %(open)s 项，逾期 %(overdue)s 项") % rect)
            if rect else _("暂无"),
            "appeals_text": (_("%(units)s 个单位提出复核申请共 %(items)s 项，已决定 %(decided)s 项，其中维持 %(upheld)s 项、调整 %(adjusted)s 项")
                             % appeals) if appeals else _("暂无"),
            "suggestions": context["suggestions"] or [_("（未填写）")]}


def summary_build(job: SummaryReport, progress) -> dict:
    """The job's work: the summary in the office's language, as the unit reports it sums up (see report_build)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _summary_build(job, progress)


def _summary_build(job: SummaryReport, progress) -> dict:
    job = SummaryReport.objects.select_related("campaign").get(pk=job.pk)
    context = summary_context(job.campaign, progress)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    if job.is_word:
        data = word.render(word.template_bytes(word.SUMMARY), summary_word_context(context))
        name = f"summary-{job.campaign_id}-{stamp}.docx"
    else:
        data = pdf_render("reports/pdf/summary.html", {**context, "w": summary_word_context(context)})
        name = f"summary-{job.campaign_id}-{stamp}.pdf"
    progress(95)
    job.file.save(name, ContentFile(data), save=False)
    return {"file": job.file.name}


def sample_context() -> dict:
    context = {
        "campaign": {"name": "示例", "year": 2026, "kind": "执行情况和使用效益"},
        "scope": {"units": 1, "by_kind": [{"kind": "党政机关", "count": 1}]},
        "stages": [{"name": "制定方案", "entered": "2026-01-01", "due": "—"}],
        "weights": {"frozen": True, "rows": [{"name": "职能配置", "indicators": 5, "weight": 0.2, "cr": 0.05}],
                    "indicators": 41, "method": "AIJ", "hierarchy_cr": 0.05},
        "forms": [{"name": "测评表", "responses": 10}],
        "ranking": [{"rank": 1, "unit": "示例", "total": "90.0", "grade": "优秀"}],
        "distribution": [{"grade": "优秀", "count": 1, "percent": 100.0}],
        "dimensions": [{"code": "D1", "name": "职能配置", "average": 90.0, "best": 95.0}],
        "staff_sentences": ["对职能配置满意率达 90.0%"], "staff_text": "对职能配置满意率达 90.0%",
        "recipients_rate": "90.0%", "recipients_n": 10,
        "sensitivity": [{"name": "职能配置", "current": 0.2, "lo": 0.1, "hi": 0.3, "closest": "示例（0.5分）"}],
        "problems": [{"dimension": "职能配置", "count": 1, "examples": ["示例（示例）"]}],
        "rectification": {"total": 1, "closed": 1, "open": 0, "overdue": 0, "by_unit": []},
        "appeals": {"units": 1, "items": 2, "decided": 2, "upheld": 1, "adjusted": 1},
        "frozen": [{"unit": "示例", "grade": "一般"}], "reclaims": [{"unit": "示例", "kind": "行政编制", "amount": 1, "status": "待审核"}],
        "suggestions": ["示例"], "radar_svg": "", "bars_svg": "", "generated_on": "2026年12月1日",
    }
    return summary_word_context(context)
