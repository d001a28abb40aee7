"""The leaders' dashboard: its figures, a fixed number of queries, the page, exports, the API, coverage."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.renderers import JSONRenderer

from bianzhi.models import User
from evaluations.models import Campaign
from reports.api.serializers import DashboardSerializer
from reports.dashboard.selectors import dashboard_campaigns, dashboard_data, previous_campaign
from scoring.models import ResultVersion
from scoring.register import units_findings

from ..factories import CampaignTargetFactory, QuotaFactory, UnitFactory, UserFactory
from ..scoring.register_helpers import evaluated, long_vacant_unit
from .dashboard_data import stored_campaign

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def test_the_dashboard_reads_in_the_same_number_of_queries_for_10_and_60_units():
    small = stored_campaign(units=10, year=2025)
    large = stored_campaign(units=60, year=2026)
    before = stored_campaign(units=list(large.units.all()[:40]), year=2025, name="上年")
    counts = [queries(lambda c=c: dashboard_data(campaign=c)) for c in (small, large)]
    assert counts[0] == counts[1] <= 15
    compared = [queries(lambda c=c: dashboard_data(campaign=c, compare=before)) for c in (small, large)]
    assert compared[0] == compared[1] <= 15


def fed_back_last_month(unit, grade: str, name: str = "上年评估") -> None:
    """The unit's latest final result: `grade`, fed back 30 days ago (the result-application rules bind)."""
    today = timezone.localdate()
    evaluated(unit, grade=grade, feedback_on=today - timedelta(days=30), name=name, year=today.year - 1)


def staffed_unit(name: str):
    unit = UnitFactory(name=name)
    QuotaFactory(unit=unit, approved=20, actual=20)
    return unit


def test_the_headline_counts_units_under_any_result_application_freeze_once():
    """一般/较差 freezes a unit; so do 长期空编 and a light workload (the register refuses its staffing requests
    for each), and a unit two rules bind is one unit."""
    poor, vacant, both, light, free = (staffed_unit("临川市较差局"), long_vacant_unit("临川市空编局"),
                                       long_vacant_unit("临川市双限局"), staffed_unit("临川市清闲局"),
                                       staffed_unit("临川市良好局"))
    for unit, grade in ((poor, "poor"), (vacant, "good"), (both, "fair"), (light, "good"), (free, "good")):
        fed_back_last_month(unit, grade)
    ResultVersion.objects.filter(target__unit=light).update(indicators={"D7_02": {"share": 0.4}})  # 职责饱和程度
    units = [poor, vacant, both, light, free]
    rules = {unit: {f.rule for f in found} for unit, found in units_findings(units=units, today=timezone.localdate()).items()}
    assert rules == {poor.pk: {"poor_grade"}, vacant.pk: {"ample_vacancy"}, both.pk: {"poor_grade", "ample_vacancy"},
                     light.pk: {"light_workload"}, free.pk: set()}
    now = stored_campaign(units=units, year=timezone.localdate().year)
    assert dashboard_data(campaign=now)["headline"]["frozen_units"] == 4


def test_the_freeze_count_reads_in_the_same_number_of_queries_for_2_and_20_units():
    campaigns = []
    for n in (2, 20):
        units = [long_vacant_unit(f"临川市{n}空编局{i}") if i % 2 else staffed_unit(f"临川市{n}较差局{i}") for i in range(n)]
        for i, unit in enumerate(units):
            fed_back_last_month(unit, "poor" if i % 2 == 0 else "good", name=f"{n} 个单位的上年评估")
        campaigns.append(stored_campaign(units=units, year=timezone.localdate().year))
    cache.clear()  # the first read: no stored version's scores kept yet
    counts = [queries(lambda c=c: dashboard_data(campaign=c)) for c in campaigns]
    assert counts[0] == counts[1]
    assert [dashboard_data(campaign=c)["headline"]["frozen_units"] for c in campaigns] == [2, 20]


def test_the_page_reads_in_at_most_15_queries_when_last_years_results_bind():
    """The page compared with last year, whose results were fed back and bind the units (the freeze count
    reads their results, registry and pool): 15 queries at most, the first time (nothing kept in the cache)
    as after."""
    units = [long_vacant_unit(f"临川市空编局{i}") if i % 2 else staffed_unit(f"临川市较差局{i}") for i in range(6)]
    for i, unit in enumerate(units):
        fed_back_last_month(unit, "poor" if i % 2 == 0 else "good", name="上年评估")
    now = stored_campaign(units=units, year=timezone.localdate().year)
    client = client_for(UserFactory(role=User.Role.LEADER))
    url = reverse("reports:dashboard") + f"?campaign={now.pk}"
    client.get(url)  # the session read once
    cache.clear()
    first, then = queries(lambda: client.get(url)), queries(lambda: client.get(url))
    assert then < first <= 15
    assert client.get(url).context["data"]["headline"]["frozen_units"] == 6


def test_before_results_are_stored_the_live_figures_are_marked_provisional():
    small = CampaignTargetFactory(campaign__status=Campaign.Status.SELF_ASSESSMENT).campaign
    for _ in range(9):
        CampaignTargetFactory(campaign=small)
    large = CampaignTargetFactory(campaign__status=Campaign.Status.SELF_ASSESSMENT).campaign
    for _ in range(59):
        CampaignTargetFactory(campaign=large)
    counts = [queries(lambda c=c: dashboard_data(campaign=c)) for c in (small, large)]
    assert counts[0] == counts[1]
    data = dashboard_data(campaign=large)
    assert data["provisional"] and all(r["provisional"] for r in data["ranking"])


def test_ranking_grades_and_year_over_year_from_stored_results():
    units = [UnitFactory(name=f"临川市第{i}局") for i in range(4)]
    before = stored_campaign(units=units, year=2025, status=Campaign.Status.CLOSED,
                             score=lambda i, d: [95, 85, 70, 50][i])
    now = stored_campaign(units=units[:3] + [UnitFactory(name="临川市新局")], year=2026,
                          score=lambda i, d: [85, 92, 55, 75][i] + (d == 0) * 8)
    campaigns = dashboard_campaigns(user=UserFactory(role=User.Role.LEADER))
    assert previous_campaign(campaign=now, campaigns=campaigns) == before
    data = dashboard_data(campaign=now, compare=before)
    assert not data["provisional"]
    rows = {r["unit"]: r for r in data["ranking"]}
    assert [r["unit"] for r in data["ranking"]][:2] == ["临川市第1局", "临川市第0局"]
    assert rows["临川市第1局"]["rank"] == 1 and rows["临川市第0局"]["previous_score"] == 95.0
    assert rows["临川市第0局"]["change"] == 86.0 - 95.0 and rows["临川市新局"]["change"] is None
    grades = {g["grade"]: g["count"] for g in data["headline"]["grades"]}
    assert grades == {"excellent": 1, "good": 1, "fair": 1, "poor": 1, "incomplete": 0}
    yoy = data["yoy"]
    assert yoy["matched"] == 3 and yoy["only_now"] == 1 and yoy["only_before"] == 1
    assert [m["unit"] for m in yoy["moved_up"]] == ["临川市第1局"]  # 良好 → 优秀
    assert {m["unit"] for m in yoy["moved_down"]} == {"临川市第0局", "临川市第2局"}
    first = yoy["dimensions"][0]
    assert first["name"] == "职能配置" and first["change"] is not None
    # the city's radar: each dimension's mean over the units
    assert data["radar"]["city"][1] == round((85 + 92 + 55 + 75) / 4, 1)
    # the units nearest a grade line come first
    assert (data["closest"][0]["unit"], data["closest"][0]["distance"]) == ("临川市第1局", 3.0)  # 93 over 优秀's 90
    assert data["rectification"]["total"] == 0 and data["headline"]["rectification_open"] == 0  # none made yet


def test_the_leader_lands_on_the_dashboard_picks_a_campaign_and_exports_a_chart():
    leader = UserFactory(role=User.Role.LEADER)
    before = stored_campaign(units=5, year=2025, status=Campaign.Status.CLOSED)
    now = stored_campaign(units=5, year=2026)
    client = client_for(leader)
    assert client.get("/").url == reverse("reports:dashboard")
    page = client.get(reverse("reports:dashboard"))
    assert page.context["campaign"] == now and page.context["compare"] == before
    page = client.get(reverse("reports:dashboard"), {"campaign": before.pk})
    assert page.status_code == 200 and page.context["campaign"] == before and page.context["compare"] is None
    html = page.content.decode()
    assert "年度对比" in html and "暂定" not in html.split("<main>")[1].split("dashboard-data")[0]
    assert client.get(reverse("reports:dashboard"), {"campaign": 999999}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"campaign": "x"}).status_code == 404
    response = client.get(reverse("reports:dashboard_export", args=["heatmap"]), {"campaign": now.pk, "compare": before.pk})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("单位", "职能配置", "机构设置") and len(rows) == 1 + 5
    assert client.get(reverse("reports:dashboard_export", args=["nothing"])).status_code == 404


def test_provisional_figures_carry_the_mark_on_the_page():
    leader = UserFactory(role=User.Role.LEADER)
    CampaignTargetFactory(campaign__status=Campaign.Status.SELF_ASSESSMENT, unit__name="临川市暂定局")
    html = client_for(leader).get(reverse("reports:dashboard")).content.decode()
    assert "临川市暂定局" in html and "得分和等次均为暂定" in html


def test_the_api_serves_the_same_data():
    leader = UserFactory(role=User.Role.LEADER)
    now = stored_campaign(units=3, year=2026)
    client = client_for(leader)
    body = client.get("/api/v1/dashboard/", {"campaign": now.pk, "compare": 0}).json()
    assert body["campaign"]["id"] == now.pk and body["compare"] is None
    data = dashboard_data(campaign=now)
    assert [r["unit"] for r in body["ranking"]] == [r["unit"] for r in data["ranking"]]
    # the data goes out as it is (orjson): exactly what the schema's serializer would have made of it
    assert body == json.loads(JSONRenderer().render(DashboardSerializer(data).data))
    assert client.get("/api/v1/dashboard/", {"campaign": "x"}).status_code == 400
    assert client.get("/api/v1/dashboard/", {"campaign": 999999}).status_code == 404
    liaison = UserFactory(role=User.Role.LIAISON, unit=UnitFactory())
    assert client_for(liaison).get("/api/v1/dashboard/").status_code == 403


def test_a_units_history_across_campaigns():
    leader = UserFactory(role=User.Role.LEADER)
    unit = UnitFactory(name="临川市历年局")
    stored_campaign(units=[unit, UnitFactory()], year=2025, status=Campaign.Status.CLOSED)
    stored_campaign(units=[unit, UnitFactory()], year=2026)
    page = client_for(leader).get(reverse("reports:dashboard_unit", args=[unit.pk]))
    assert [r["year"] for r in page.context["rows"]] == [2025, 2026]
    assert page.context["latest"]["dimensions"][0]["city"] is not None


def test_coverage_lists_units_not_evaluated_for_three_years_and_feeds_the_next_campaign(settings):
    from evaluations.selectors import coverage_rows

    settings.COVERAGE_YEARS = 3
    recent, old, never = UnitFactory(name="近年局"), UnitFactory(name="久未局"), UnitFactory(name="从未局")
    stored_campaign(units=[recent], year=2026)
    stored_campaign(units=[old], year=2022, status=Campaign.Status.CLOSED)
    CampaignTargetFactory(campaign__status=Campaign.Status.PLAN, unit=never)  # a plan has told nobody yet
    rows = {r["unit"].name: r for r in coverage_rows(years=3)}
    assert (rows["近年局"]["due"], rows["久未局"]["due"], rows["从未局"]["never"]) == (False, True, True)
    assert rows["久未局"]["years"] == [2022]
    evaluator = UserFactory(role=User.Role.EVALUATOR)
    client = client_for(evaluator)
    page = client.get(reverse("reports:coverage"), {"due": "1"})
    assert {r["unit"].name for r in page.context["rows"]} == {"久未局", "从未局"}
    ws = load_workbook(BytesIO(client.get(reverse("reports:coverage_export"), {"due": "1"}).content)).active
    assert {row[0] for row in list(ws.values)[1:]} == {"久未局", "从未局"}
    form = client.get(reverse("evaluations:campaign_create"), {"scope": "due"}).context["form"]
    assert set(form["units"].value()) == {old.pk, never.pk}
