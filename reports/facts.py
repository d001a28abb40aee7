"""What a unit's report says besides what the evaluators write: read from the stored result version it rests
on and from the campaign's records, as plain JSON (stored in ReportVersion.facts when the version is signed,
so a file rendered later shows what was signed).

Reads only; a fixed number of queries per unit. `campaign_averages` is read once per campaign and may be
passed in when many units are drafted at once.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from evaluations.indicators import campaign_indicators, indicator_scale
from evaluations.models import CampaignTarget, FieldVisit, SelfAssessment
from scoring import application_rules as arules
from scoring import register
from scoring.models import ResultVersion
from scoring.results import latest_versions
from scoring.rules import GRADE_LABELS, INCOMPLETE_LABEL, round1
from surveys.models import Form
from surveys.selectors import form_statistics, forms_by_kind

STAGE_LABELS = dict(FieldVisit.Stage.choices)


def _num(value) -> float | None:
    return None if value is None else float(value)


def campaign_averages(campaign) -> dict[str, float]:
    """{dimension code: the city's mean score over the units' latest stored results} (one query)."""
    sums, counts = defaultdict(float), defaultdict(int)
    for dims in latest_versions(campaign=campaign).values_list("dimensions", flat=True):
        for code, d in dims.items():
            if d.get("score") is not None:
                sums[code] += d["score"]
                counts[code] += 1
    return {code: round(sums[code] / counts[code], 2) for code in sums}


def grade_label(result: ResultVersion) -> str:
    return GRADE_LABELS.get(result.grade, "—") if result.complete else INCOMPLETE_LABEL


def consequences(target: CampaignTarget, result: ResultVersion, today: date | None = None) -> list[dict]:
    """The result-application rules this result would set off, counted from the feedback date (today as a
    stand-in until the results are fed back): [{"name", "text"}]."""
    today = today or timezone.localdate()
    final = arules.FinalResult(
        campaign_id=target.campaign_id, campaign_name=target.campaign.name, year=target.campaign.year,
        grade=result.grade or None, score=_num(result.total), feedback_on=today,
        indicator_scores={c: r["share"] for c, r in result.indicators.items() if r.get("share") is not None},
    )
    params = register.params_of(register.rule_settings_for(target.campaign.year))
    found = arules.unit_findings(register.unit_facts(target.unit), final, params, today)
    return [{"name": f.name, "text": f.reason.replace(f"{today:%Y-%m-%d}反馈", "反馈")} for f in found]


def report_facts(target: CampaignTarget, result: ResultVersion, **given) -> dict:
    """Everything the report prints that the evaluators do not write, as plain JSON, in the office's language
    whoever signs (a signed version keeps them: they are a record, not a page)."""
    with translation.override(settings.LANGUAGE_CODE):
        return json.loads(json.dumps(_facts(target, result, **given), cls=DjangoJSONEncoder))


def _facts(target: CampaignTarget, result: ResultVersion, *, averages: dict[str, float] | None = None,
           staff_stats=None, satisfaction_stats=None) -> dict:
    campaign = target.campaign
    unit = target.unit
    averages = campaign_averages(campaign) if averages is None else averages
    if staff_stats is None or satisfaction_stats is None:
        forms = forms_by_kind(campaign=campaign)
        one = CampaignTarget.objects.filter(pk=target.pk)
        staff_stats = form_statistics(form=forms[Form.Kind.STAFF_ASSESSMENT], targets=one).units.get(target.pk) \
            if Form.Kind.STAFF_ASSESSMENT in forms else None
        satisfaction_stats = form_statistics(form=forms[Form.Kind.SATISFACTION], targets=one).units.get(target.pk) \
            if Form.Kind.SATISFACTION in forms else None
    dimensions = [
        {"code": code, "name": d["name"], "score": d.get("score"), "average": averages.get(code),
         "weight": d.get("weight")}
        for code, d in result.dimensions.items()
    ]
    names = {code: d["name"] for code, d in result.dimensions.items()}
    assessment = (SelfAssessment.objects.filter(target=target).exclude(status=SelfAssessment.Status.DRAFT)
                  .order_by("-version").first())
    # self-scores are on each indicator's own scale (0 to its full marks): compared as a percentage; a negative
    # indicator's self-assessment counts incidents, which is no score to compare
    scales = {code: indicator_scale(ind) for code, ind in campaign_indicators(campaign).items()}
    self_scores = {i.indicator_code: round(100 * float(i.score) / float(scales[i.indicator_code].high), 1)
                   for i in (assessment.items.all() if assessment else ())
                   if i.score is not None and i.indicator_code in scales and not scales[i.indicator_code].counts
                   and scales[i.indicator_code].high}
    indicators = []
    for code, row in result.indicators.items():
        share = row.get("share")
        indicators.append({
            "code": code, "dimension": names.get(row["dimension"], row["dimension"]), "name": row["name"],
            "points": row.get("points"), "full": row.get("full"),
            "percent": None if share is None else round(100 * share, 1),
            "self": self_scores.get(code), "source": row.get("source", ""),
        })
    visit = FieldVisit.objects.filter(target=target).first()
    problems = [
        {"stage": str(STAGE_LABELS.get(p.stage, p.stage)), "indicator": p.indicator_code,
         "dimension": names.get(result.indicators.get(p.indicator_code, {}).get("dimension"), ""),
         "text": p.description}
        for p in target.problems.order_by("id")
    ]
    self_rows = [i for i in indicators if i["self"] is not None]
    return {
        "unit": {"name": unit.name, "kind": str(unit.get_kind_display()), "level": str(unit.get_level_display())},
        "campaign": {"name": campaign.name, "year": campaign.year, "units": campaign.targets.count()},
        "result": {
            "version": result.version, "total": None if result.total is None else f"{round1(result.total)}",
            "grade": grade_label(result), "complete": result.complete,
            "execution": None if result.execution is None else f"{round1(result.execution)}",
            "benefit": None if result.benefit is None else f"{round1(result.benefit)}",
            "rank": result.rank_overall, "coverage": f"{result.scored}/{result.indicator_count}",
        },
        "dimensions": dimensions,
        "indicators": indicators,
        "staff": {
            "responses": staff_stats.responses if staff_stats else 0,
            "sentences": staff_stats.dimension_sentences() if staff_stats and not staff_stats.hidden else [],
        },
        "recipients": {
            "responses": satisfaction_stats.responses if satisfaction_stats else 0,
            "rate": satisfaction_stats.total.rate_text if satisfaction_stats and satisfaction_stats.total.valid else None,
        },
        "visit": {
            "date": visit.visit_date.isoformat() if visit and visit.visit_date else None,
            "judgement": visit.judgement if visit else "",
        },
        "problems": problems,
        "self_assessment": {
            "version": assessment.version if assessment else None,
            "self_mean": round(sum(i["self"] for i in self_rows) / len(self_rows), 1) if self_rows else None,
            "evaluated_mean": (round(sum(i["percent"] for i in self_rows if i["percent"] is not None)
                                     / max(1, sum(1 for i in self_rows if i["percent"] is not None)), 1)
                               if self_rows else None),
            "gaps": sorted(
                ({"name": i["name"], "self": i["self"], "percent": i["percent"]} for i in self_rows
                 if i["percent"] is not None and abs(i["self"] - i["percent"]) >= 10),
                key=lambda g: -abs(g["self"] - g["percent"]))[:10],
        },
        "consequences": consequences(target, result),
    }
