"""The leaders' pages: the dashboard (any campaign, year over year), a unit's history, the coverage list.
Thin: the selectors read, the tables module shapes, the exporter writes."""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bianzhi.access import require
from bianzhi.memory import cycles_uncollected
from bianzhi.models import Unit
from bianzhi.permissions import action_required
from bianzhi.pool.xlsx import table_workbook
from bianzhi.selectors import unit_get_for_user
from evaluations.selectors import coverage_rows

from .selectors import dashboard_campaigns, dashboard_data, previous_campaign, unit_history
from .tables import CHARTS, coverage_table, dashboard_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def pick_campaigns(user, campaign_id=None, compare_id=None):
    """(campaigns offered, the campaign shown, the one compared with): the latest by default, compared with
    the latest earlier year with stored results; `compare_id` 0 compares with nothing. 404 for a campaign the
    user may not see. One query: the picker's list, which the choice is made from."""
    campaigns = dashboard_campaigns(user=user)
    by_id = {c.pk: c for c in campaigns}
    if campaign_id is not None and campaign_id not in by_id:
        raise Http404
    campaign = by_id[campaign_id] if campaign_id is not None else (campaigns[0] if campaigns else None)
    if campaign is None:
        return campaigns, None, None
    if compare_id is None or compare_id == campaign.pk:  # (a stale choice after picking another campaign)
        compare = previous_campaign(campaign=campaign, campaigns=campaigns)
    elif compare_id == 0:
        compare = None
    elif compare_id in by_id:
        compare = by_id[compare_id]
    else:
        raise Http404
    return campaigns, campaign, compare


def _picked(request):
    campaign_id = _int(request.GET["campaign"]) if request.GET.get("campaign") else None
    compare_id = _int(request.GET["compare"]) if request.GET.get("compare", "") != "" else None
    return pick_campaigns(request.user, campaign_id, compare_id)


def _xlsx(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _table_views(tables: dict) -> dict[str, list]:
    """The charts' hidden table views as data ({chart: [headers, rows of text]}): dashboard.js writes each one when
    it is opened, as the page's template wrote them (a quarter of the page's rendering for tables seldom opened).
    The ranking and the heat map are built from the page's data itself."""
    return {key: [headers, [[str(cell) for cell in row] for row in rows]] for key, (_title, headers, rows)
            in tables.items() if key not in ("ranking", "heatmap")}


@transaction.non_atomic_requests  # it only reads: no transaction held open while the page renders
@action_required("dashboard.view")
@cycles_uncollected()  # a thousand units' rows, their payload and tables (bianzhi.memory)
def dashboard(request):
    """The leaders' landing page (also the office's): one campaign's figures and charts, year over year."""
    campaigns, campaign, compare = _picked(request)
    context = {"campaigns": campaigns, "campaign": campaign, "compare": compare}
    if campaign is not None:
        data = dashboard_data(campaign=campaign, compare=compare)
        tables = dashboard_tables(data, rows_of_per_unit=False)
        context.update(data=data, tables=tables, table_views=_table_views(tables), kinds=Unit.Kind.choices,
                       levels=Unit.Level.choices, chart_height=max(320, 40 + 24 * len(data["ranking"])))
    return render(request, "reports/dashboard/index.html", context)


@action_required("dashboard.view")
def dashboard_export(request, chart: str):
    """One chart's table as xlsx (what its table view shows)."""
    if chart not in CHARTS:
        raise Http404
    _campaigns, campaign, compare = _picked(request)
    if campaign is None:
        raise Http404
    title, headers, rows = dashboard_tables(dashboard_data(campaign=campaign, compare=compare))[chart]
    return _xlsx(table_workbook([(title, headers, rows)]), quote(f"{campaign.year}-{title}.xlsx"))


@login_required
def dashboard_unit(request, pk: int):
    """A unit's history across every campaign: score, grade, rank, and its dimensions against the city's."""
    unit = unit_get_for_user(user=request.user, pk=pk)
    require(request.user, "dashboard.view", unit)
    rows = unit_history(unit=unit, campaigns=dashboard_campaigns(user=request.user))
    return render(request, "reports/dashboard/unit.html", {"unit": unit, "rows": rows,
                                                           "latest": rows[-1] if rows else None})


def _coverage(request):
    years = settings.COVERAGE_YEARS
    rows = coverage_rows(years=years)
    kind, level, only_due = request.GET.get("kind", ""), request.GET.get("level", ""), request.GET.get("due") == "1"
    if kind:
        rows = [r for r in rows if r["unit"].kind == kind]
    if level:
        rows = [r for r in rows if r["unit"].level == level]
    if only_due:
        rows = [r for r in rows if r["due"]]
    return rows, years, {"kind": kind, "level": level, "due": only_due}


@action_required("dashboard.view")
def coverage(request):
    """全覆盖: which units of the registry were evaluated when; those never or not in the last N years."""
    rows, years, filters = _coverage(request)
    summary = {"total": len(rows), "due": sum(r["due"] for r in rows), "never": sum(r["never"] for r in rows)}
    by_kind = {}
    for r in rows:
        key = (r["unit"].get_kind_display(), r["unit"].get_level_display())
        entry = by_kind.setdefault(key, {"kind": key[0], "level": key[1], "total": 0, "due": 0})
        entry["total"] += 1
        entry["due"] += r["due"]
    return render(request, "reports/dashboard/coverage.html", {
        "rows": rows, "years": years, "filters": filters, "summary": summary, "groups": list(by_kind.values()),
        "kinds": Unit.Kind.choices, "levels": Unit.Level.choices, "query": request.GET.urlencode(),
    })


@action_required("dashboard.view")
def coverage_export(request):
    rows, years, _filters = _coverage(request)
    title, headers, body = coverage_table(rows, years)
    return _xlsx(table_workbook([(title, headers, body)]), quote(_("评估覆盖情况") + ".xlsx"))
