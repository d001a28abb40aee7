"""Reads of the leaders' dashboard: everything one page (and /api/v1/dashboard/) shows of a campaign.

The figures come from the stored results (scoring.results.latest_versions); before 撰写报告 stores them, from the
same computation live, and every figure says so (`provisional`, shown as 暂定). A fixed number of queries,
whatever the number of units (tests/reports/test_dashboard.py counts them for 10 and 60 units; `make bench` for
1,000): no query per unit anywhere below.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import orjson
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.memory import cycles_uncollected
from bianzhi.models import Unit
from bianzhi.payload import json_text
from bianzhi.pool.selectors import pool_balance_rows
from evaluations.models import Campaign, CampaignTarget
from evaluations.selectors import campaign_list_for_user
from scoring.models import ResultVersion
from scoring.register import units_frozen
from scoring.results import latest_versions
from scoring.rules import GRADE_LABELS, INCOMPLETE_LABEL
from scoring.selectors import campaign_results
from surveys.defaults import SATISFIED_VALUES
from surveys.models import Form
from surveys.selectors import campaign_form_counts

from ..followup.selectors import appeals_fact, rectification_figures

GRADES = ("excellent", "good", "fair", "poor")
GRADE_ORDER = {g: n for n, g in enumerate(reversed(GRADES))}  # poor 0 … excellent 3: "up" is a larger number
KIND_LABELS = dict(Unit.Kind.choices)
LEVEL_LABELS = dict(Unit.Level.choices)
FORM_KINDS = (Form.Kind.STAFF_ASSESSMENT, Form.Kind.QUESTIONNAIRE, Form.Kind.SATISFACTION)
CLOSEST = 10  # units listed as closest to a grade boundary


def _f(value: Decimal | float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _unit_name(unit: UnitRef) -> str:
    return unit.name


def dashboard_campaigns(*, user) -> list[Campaign]:
    """The campaigns the picker offers: every campaign the user may see, the latest first, each with how many
    stored result versions it has (`stored`). One query."""
    # subqueries, not joins: counting targets and versions through two joins would multiply the rows
    # (without the models' orderings, which join the units)
    stored = (ResultVersion.objects.filter(campaign=OuterRef("pk"), version=1).order_by().values("campaign")
              .annotate(n=Count("id")).values("n"))
    units = (CampaignTarget.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
             .annotate(n=Count("id")).values("n"))
    return list(campaign_list_for_user(user=user)
                .annotate(stored=Coalesce(Subquery(stored), 0), unit_count=Coalesce(Subquery(units), 0))
                .order_by("-year", "-created_at"))


def previous_campaign(*, campaign: Campaign, campaigns: list[Campaign]) -> Campaign | None:
    """The campaign to compare with: the latest earlier-year campaign that has stored results; of one year,
    the main campaign (the most results) rather than a pilot of a few."""
    earlier = [c for c in campaigns if c.year < campaign.year and c.stored]
    return max(earlier, key=lambda c: (c.year, c.stored, c.created_at), default=None)


class UnitRef(NamedTuple):
    """What the dashboard shows of a unit (and the result-application rules need: its id and kind)."""

    pk: int
    name: str
    short_name: str
    kind: str
    level: str
    code: str


@dataclass(slots=True)
class ResultRow:
    """A unit's result as the dashboard reads it: stored (a plain row, not a model: 1,000 of them) or live."""

    unit: UnitRef
    target_id: int
    total: Decimal | None
    grade: str
    complete: bool
    rank_overall: int | None
    rank_kind: int | None
    rank_level: int | None
    scored: int
    indicator_count: int
    dimensions: dict
    provisional: bool = False


UNIT_FIELDS = ("target__unit_id", "target__unit__name", "target__unit__short_name", "target__unit__kind",
               "target__unit__level", "target__unit__code")
RESULT_FIELDS = ("target_id", "total", "grade", "complete", "rank_overall", "rank_kind", "rank_level", "scored",
                 "indicator_count")


def _unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(unit.pk, unit.name, unit.short_name, unit.kind, unit.level, unit.code)


def _stored(campaigns: list[Campaign]) -> dict[int, list[tuple]]:
    """{campaign id: each unit's latest stored version as a row (UNIT_FIELDS, RESULT_FIELDS, its dimensions as
    JSON text)}, without the per-indicator JSON the dashboard does not show: one query for the campaign shown
    and the one compared with."""
    if connection.features.can_distinct_on_fields:  # PostgreSQL: one sorted pass, not a lookup per version
        latest = (ResultVersion.objects.filter(campaign__in=campaigns).order_by("target_id", "-version")
                  .distinct("target_id"))
    else:
        latest = latest_versions(campaigns=campaigns).order_by()
    stored: dict[int, list[tuple]] = {campaign.pk: [] for campaign in campaigns}
    for campaign_id, *row in latest.values_list("campaign_id", *UNIT_FIELDS, *RESULT_FIELDS, json_text("dimensions")):
        stored[campaign_id].append(row)
    return stored


def _results(campaign: Campaign, stored: list[tuple]) -> list[ResultRow]:
    """The campaign's stored results, ranked; while some unit has none yet, the results as scoring gives them
    (stored or live, 暂定)."""
    units = getattr(campaign, "unit_count", None)  # counted by dashboard_campaigns; else one more query
    if len(stored) < (campaign.targets.count() if units is None else units):
        return [ResultRow(_unit_ref(r.target.unit), *(getattr(r, f) for f in RESULT_FIELDS), r.dimensions or {},
                          r.provisional) for r in campaign_results(campaign=campaign)]
    rows = [ResultRow(UnitRef(*row[:6]), *row[6:-1], orjson.loads(row[-1]) if row[-1] else {}) for row in stored]
    return sorted(rows, key=lambda r: (r.rank_overall or 10**9, r.unit.code))


def _by_unit(stored: list[tuple]) -> dict[int, dict]:
    """{unit id: its total, grade and dimension scores}: another campaign's, to compare with (its rows only
    parsed, not made into ResultRows)."""
    at = {name: i for i, name in enumerate((*UNIT_FIELDS, *RESULT_FIELDS))}
    unit, total, grade, complete = at["target__unit_id"], at["total"], at["grade"], at["complete"]
    return {row[unit]: {"total": row[total], "grade": row[grade] if row[complete] else "",
                        "dimensions": orjson.loads(row[-1]) if row[-1] else {}} for row in stored}


def _grade_label(grade: str) -> str:
    return GRADE_LABELS.get(grade, INCOMPLETE_LABEL)


def _forms(campaign: Campaign, units: int) -> tuple[list[dict], dict]:
    """Responses and rates of the three forms, and the staff assessment's 满意率 per dimension (the paper's
    sentences) and the service recipients' overall 满意率 (surveys' counts: two queries, none once settled)."""
    counts = campaign_form_counts(campaign=campaign)
    boxes, answered, staff, public = counts["boxes"], counts["answered"], counts["staff"], counts["public"]
    labels = dict(Form.Kind.choices)
    forms = []
    for kind in FORM_KINDS:
        issued, used = boxes.get(kind, (0, 0))
        n, reached = answered.get(kind, (0, 0))
        if kind == Form.Kind.STAFF_ASSESSMENT:
            n = used
        rate = (used / issued) if issued else (reached / units if units else None)
        forms.append({"kind": kind, "label": str(labels[kind]), "responses": n, "issued": issued,
                      "rate": None if rate is None else round(100 * rate, 1),
                      "rate_basis": _("发放回收率") if issued else _("单位覆盖率")})
    valid = sum(public.values())
    satisfied = sum(n for c, n in public.items() if c in SATISFIED_VALUES)
    rates = {d: (sum(n for c, n in c_.items() if c in SATISFIED_VALUES), sum(c_.values())) for d, c_ in staff.items()}
    return forms, {"staff": rates, "public": (satisfied, valid), "public_responses": answered.get(Form.Kind.SATISFACTION, (0, 0))}


def _closest(results, cutoffs: dict[str, Decimal]) -> list[dict]:
    """The units nearest a grade boundary (above or below), from the complete results: the sensitivity of the
    grading to a point or two of score."""
    lines = sorted((float(v), g) for g, v in cutoffs.items())
    near = []
    for r in results:
        if not r.complete or r.total is None:
            continue
        total = float(r.total)
        _distance, line, grade = min((abs(total - v), v, g) for v, g in lines)
        near.append((abs(round(total - line, 2)), r, total, line, grade))
    near.sort(key=lambda n: n[0])  # stable: of equal distances, the ranking's order
    return [{"unit": _unit_name(r.unit), "score": _f(total), "grade": r.grade, "grade_label": _grade_label(r.grade),
             "boundary": line, "boundary_label": _("%(g)s线 %(v)s 分") % {"g": GRADE_LABELS[grade], "v": f"{line:g}"},
             "distance": round(total - line, 2)} for _d, r, total, line, grade in near[:CLOSEST]]


@cycles_uncollected()
def dashboard_data(*, campaign: Campaign, compare: Campaign | None = None, today: date | None = None) -> dict:
    """Everything the dashboard shows of `campaign` (and of `compare`, year over year), as plain data."""
    today = today or timezone.localdate()
    stored = _stored([campaign, compare] if compare else [campaign])
    results = _results(campaign, stored[campaign.pk])
    provisional = any(r.provisional for r in results)
    dims: dict[str, str] = {}
    for r in results:
        for code, d in (r.dimensions or {}).items():
            dims.setdefault(code, d.get("name", code))
    codes = list(dims)
    previous = _by_unit(stored[compare.pk]) if compare else {}
    # each label translated once, not once per unit
    kind_labels = {k: str(v) for k, v in KIND_LABELS.items()}
    level_labels = {k: str(v) for k, v in LEVEL_LABELS.items()}
    grade_labels = {g: str(_grade_label(g)) for g in GRADES}
    incomplete = str(INCOMPLETE_LABEL)
    ranking = []
    for r in results:
        unit = r.unit
        before = previous.get(unit.pk)
        score = _f(r.total)
        prev_score = _f(before["total"]) if before else None
        grade = r.grade if r.complete else ""
        dimensions = r.dimensions or {}
        ranking.append({
            "rank": r.rank_overall, "unit": _unit_name(unit), "short": unit.short_name or unit.name, "unit_id": unit.pk, "target_id": r.target_id,
            "kind": unit.kind, "kind_label": kind_labels.get(unit.kind, ""),
            "level": unit.level, "level_label": level_labels.get(unit.level, ""),
            "rank_kind": r.rank_kind, "rank_level": r.rank_level,
            "score": score, "grade": grade, "grade_label": grade_labels.get(grade, incomplete), "provisional": r.provisional,
            "scored": r.scored, "indicator_count": r.indicator_count,
            "basis": _("暂定 · 依据 %(n)s/%(total)s 项指标") % {"n": r.scored, "total": r.indicator_count}
            if r.provisional else "",
            "dimensions": [_f(dimensions.get(c, {}).get("score")) for c in codes],
            "previous_score": prev_score, "previous_grade": before["grade"] if before else "",
            "previous_grade_label": grade_labels.get(before["grade"], incomplete) if before else "",
            "change": None if score is None or prev_score is None else round(score - prev_score, 1),
        })
    scored = [row["score"] for row in ranking if row["score"] is not None and row["grade"]]
    grades = Counter(row["grade"] or "incomplete" for row in ranking)

    def distribution(key: str, labels: dict) -> list[dict]:
        by = defaultdict(Counter)
        for row in ranking:
            by[row[key]][row["grade"] or "incomplete"] += 1
        return [{"label": str(labels[k]), **{g: by[k][g] for g in (*GRADES, "incomplete")}} for k in labels if k in by]

    city = []
    for i, _code in enumerate(codes):
        values = [row["dimensions"][i] for row in ranking if row["dimensions"][i] is not None]
        city.append(round(sum(values) / len(values), 1) if values else None)
    forms, sat = _forms(campaign, len(ranking))
    staff_rates = []
    for code in codes:
        satisfied, valid = sat["staff"].get(code, (0, 0))
        staff_rates.append(round(100 * satisfied / valid, 1) if valid else None)
    staff_n = forms[0]["responses"]
    sentences = [_("%(n)s 名干部职工中：") % {"n": staff_n}] if any(v is not None for v in staff_rates) else []
    sentences += [_("对%(d)s满意率达 %(r)s%%") % {"d": dims[c], "r": f"{v:g}"} for c, v in zip(codes, staff_rates) if v is not None]
    public_satisfied, public_valid = sat["public"]
    public_n, public_units = sat["public_responses"]
    public_rate = round(100 * public_satisfied / public_valid, 1) if public_valid else None
    if public_rate is not None:
        sentences.append(_("%(n)s 名服务对象中对 %(u)s 个单位机构编制执行情况的满意度测评满意率达到 %(r)s%%")
                         % {"n": public_n, "u": public_units, "r": f"{public_rate:g}"})
    rectification = rectification_figures([campaign, compare] if compare else [campaign], today)
    rect, appeals = rectification[campaign.pk], appeals_fact(campaign)
    # the rule that refuses a staffing request (scoring.register), whichever of its rules binds the unit
    frozen = units_frozen(units=[r.unit for r in results], today=today)
    pool = pool_balance_rows()
    data = {
        "campaign": {"id": campaign.pk, "name": campaign.name, "year": campaign.year, "status": campaign.status,
                     "status_label": str(campaign.get_status_display())},
        "provisional": provisional,
        "compare": {"id": compare.pk, "name": compare.name, "year": compare.year} if compare else None,
        "dimensions": [{"code": c, "name": n} for c, n in dims.items()],
        "headline": {
            "units": len(ranking),
            "grades": [{"grade": g, "label": _grade_label("" if g == "incomplete" else g), "count": grades[g]}
                       for g in (*GRADES, "incomplete")],
            "average": round(sum(scored) / len(scored), 1) if scored else None,
            "forms": forms,
            "appeals_open": appeals["open"],
            "rectification_open": rect["open"],
            "rectification_overdue": rect["overdue"],
            "frozen_units": len(frozen),
            "pool_available": sum(row["available"] for row in pool),
            "pool_deposits": sum(row["deposits"] for row in pool),
        },
        "ranking": ranking,
        "grades": {"by_kind": distribution("kind", KIND_LABELS), "by_level": distribution("level", LEVEL_LABELS)},
        "radar": {"city": city},
        "satisfaction": {"staff": staff_rates, "public": public_rate, "sentences": sentences},
        "rectification": rect,
        "appeals": appeals,
        "closest": _closest(results, campaign.grade_cutoffs),
        "yoy": _year_over_year(ranking, dims, city, previous, compare, rectification[compare.pk]) if compare else None,
    }
    return data


def _year_over_year(ranking: list[dict], dims: dict[str, str], city: list, previous: dict, compare: Campaign,
                    rect: dict) -> dict:
    """Two campaigns side by side, the units matched by the registry (the same unit in both)."""
    matched = [row for row in ranking if row["unit_id"] in previous]
    up, down = [], []
    for row in matched:
        before, now = GRADE_ORDER.get(row["previous_grade"]), GRADE_ORDER.get(row["grade"])
        if before is None or now is None or before == now:
            continue
        (up if now > before else down).append({"unit": row["unit"], "from": row["previous_grade_label"],
                                               "to": row["grade_label"], "change": row["change"]})
    codes = list(dims)
    earlier = []
    for code in codes:
        values = [float(v["dimensions"][code]["score"]) for v in previous.values()
                  if v["dimensions"].get(code, {}).get("score") is not None]
        earlier.append(round(sum(values) / len(values), 1) if values else None)
    dimensions = [{"name": dims[c], "code": c, "before": b, "now": n,
                   "change": None if b is None or n is None else round(n - b, 1)} for c, b, n in zip(codes, earlier, city)]
    changes = [row["change"] for row in matched if row["change"] is not None]
    return {
        "matched": len(matched), "only_now": len(ranking) - len(matched), "only_before": len(previous) - len(matched),
        "average_change": round(sum(changes) / len(changes), 1) if changes else None,
        "moved_up": up, "moved_down": down,
        "dimensions": dimensions,
        # last year's appeals are not compared
        "rectification_before": {"total": rect["total"], "closed": rect["closed"], "open": rect["open"]},
    }


def unit_history(*, unit: Unit, campaigns) -> list[dict]:
    """The unit's latest stored result in every campaign (of `campaigns`) that evaluated it, oldest first, with
    the city's average per dimension in that campaign beside its own. Two queries."""
    stored = latest_versions(campaigns=campaigns)
    own = list(stored.filter(target__unit=unit).select_related("campaign").order_by("campaign__year", "campaign_id"))
    sums: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for campaign_id, dims in stored.filter(campaign_id__in=[v.campaign_id for v in own]).values_list(
            "campaign_id", "dimensions"):
        for code, d in (dims or {}).items():
            if d.get("score") is not None:
                sums[campaign_id][code].append(float(d["score"]))
    rows = []
    for v in own:
        dims = v.dimensions or {}
        rows.append({
            "campaign": v.campaign, "year": v.campaign.year, "score": _f(v.total),
            "grade_label": _grade_label(v.grade if v.complete else ""), "rank": v.rank_overall,
            "dimensions": [{"name": d.get("name", c), "score": _f(d.get("score")),
                            "city": round(sum(sums[v.campaign_id][c]) / len(sums[v.campaign_id][c]), 1)
                            if sums[v.campaign_id][c] else None} for c, d in dims.items()],
        })
    return rows
