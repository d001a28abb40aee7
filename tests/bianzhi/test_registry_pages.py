"""The registry's pages: who sees what, filters and totals, the unit page's figures, import and export."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from bianzhi.models import Unit
from bianzhi.services import registry_import

from ..factories import CampaignTargetFactory, UnitRecordFactory
from .xlsx import edited, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    registry_import(data=workbook(
        UnitRecordFactory(code="M015", name="临川市统计局", quotas=(("administrative", 22, 25),),
                          posts=(("division_full", 1, 1), ("division_deputy", 3, 4))),
        UnitRecordFactory(code="M017", name="临川市畜牧兽医局",
                          quotas=(("administrative", 20, 18), ("institutional_full", 6, 6)),
                          functions=("负责畜牧业发展",), bodies=(("办公室", "机关运转"),)),
        UnitRecordFactory(code="C104", name="东湖县卫生健康局", level="county", region="东湖县",
                          quotas=(("administrative", 20, 17),)),
    ), actor=None)
    return {u.code: u for u in Unit.objects.all()}


def test_the_list_shows_totals_and_filters(client, evaluator, registry):
    client.force_login(evaluator)
    page = client.get(reverse("registry:unit_list")).content.decode()
    assert "临川市统计局" in page and "东湖县卫生健康局" in page
    totals = page[page.index('id="registry-totals"'):page.index("</details>")]
    assert "<b>68</b>" in totals and "<b>66</b>" in totals  # approved 22+26+20, actual 25+24+17
    over = client.get(reverse("registry:unit_list"), {"overstaffed": "on"}).content.decode()
    assert "临川市统计局" in over and "东湖县卫生健康局" not in over
    county = client.get(reverse("registry:unit_list"), {"region": "东湖县", "has_vacancy": "on"}).content.decode()
    assert "东湖县卫生健康局" in county and "临川市统计局" not in county
    assert "临川市畜牧兽医局" in client.get(reverse("registry:unit_list"), {"q": "畜牧"}).content.decode()


def test_the_unit_page_highlights_the_derived_figures(client, leader, registry):
    client.force_login(leader)
    page = client.get(reverse("registry:unit_detail", args=[registry["M015"].pk])).content.decode()
    assert "超编 3" in page and "超职数 1" in page
    organ = client.get(reverse("registry:unit_detail", args=[registry["M017"].pk])).content.decode()
    assert 'id="flag-organ"' in organ and "负责畜牧业发展" in organ and "机关运转" in organ


def test_the_unit_page_shows_history_long_vacancies_and_campaigns(client, evaluator, registry, settings):
    settings.REGISTRY_LONG_VACANCY_MONTHS = 12
    earlier = UnitRecordFactory(code="C104", name="东湖县卫生健康局", level="county", region="东湖县",
                                staff_as_of=date(2025, 6, 30), quotas=(("administrative", 20, 15),))
    registry_import(data=workbook(earlier), actor=None)  # vacant since 2025-06-30, and still on 2026-06-30
    target = CampaignTargetFactory(unit=registry["C104"], campaign__name="2026年度编制评估")
    client.force_login(evaluator)
    page = client.get(reverse("registry:unit_detail", args=[registry["C104"].pk])).content.decode()
    history = page[page.index('id="history"'):page.index('id="campaigns"')]
    assert history.count("Excel导入") == 2
    assert "长期空编</span>" in page
    assert "2026年度编制评估" in page and reverse("evaluations:campaign_detail", args=[target.campaign.pk]) in page
    assert "长期空编</span>" not in client.get(reverse("registry:unit_detail", args=[registry["M015"].pk])).content.decode()
    first = registry["C104"].versions.order_by("id").first()
    version = client.get(reverse("registry:unit_version", args=[registry["C104"].pk, first.pk])).content.decode()
    assert '<td class="num">17</td>' in version and '<td class="num">15</td>' not in version


def test_a_liaison_sees_only_their_own_unit(client, registry):
    from ..factories import UserFactory
    liaison = UserFactory(role="liaison", unit=registry["M017"])
    client.force_login(liaison)
    assert client.get(reverse("registry:unit_detail", args=[registry["M017"].pk])).status_code == 200
    assert client.get(reverse("registry:unit_detail", args=[registry["M015"].pk])).status_code == 404
    other_version = registry["M015"].versions.get()
    assert client.get(reverse("registry:unit_version", args=[registry["M015"].pk, other_version.pk])).status_code == 404
    assert client.get(reverse("registry:unit_list")).status_code == 403
    assert client.get(reverse("registry:export")).status_code == 403


def test_a_version_of_another_unit_is_a_404(client, evaluator, registry):
    client.force_login(evaluator)
    version = registry["M015"].versions.get()
    assert client.get(reverse("registry:unit_version", args=[registry["M017"].pk, version.pk])).status_code == 404


def test_leaders_may_read_and_export_but_not_import(client, leader, registry):
    client.force_login(leader)
    export = client.get(reverse("registry:export"), {"level": "county"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content))["单位"].values)
    assert [row[0] for row in rows[1:]] == ["C104"]
    assert client.get(reverse("registry:import")).status_code == 403
    assert client.post(reverse("registry:import"), {"file": io.BytesIO(b"x")}).status_code == 403


def test_the_template_downloads(client, evaluator):
    client.force_login(evaluator)
    response = client.get(reverse("registry:template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[-1] == "填写说明"


def upload(data: bytes, name: str = "台账.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return {"file": file}


def post_import(client, data, name="台账.xlsx", capture=None):
    """Upload on the page; the import runs as a job once the request commits; then its page."""
    with capture(execute=True):
        response = client.post(reverse("registry:import"), upload(data, name))
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def test_importing_on_the_page(client, evaluator, django_capture_on_commit_callbacks):
    client.force_login(evaluator)
    response = post_import(client, workbook(UnitRecordFactory(code="W1")), capture=django_capture_on_commit_callbacks)
    assert "导入完成：新增 1 个单位" in response.content.decode() and Unit.objects.filter(code="W1").exists()
    job = response.context["job"]
    assert job.is_ready and job.progress == 100 and job.requested_by == evaluator


def test_a_bad_upload_shows_every_error_and_offers_the_marked_file(client, evaluator, django_capture_on_commit_callbacks):
    client.force_login(evaluator)
    data = edited(edited(workbook(UnitRecordFactory(), UnitRecordFactory()), "单位", "R2", -1), "单位", "D3", "123")
    page = post_import(client, data, capture=django_capture_on_commit_callbacks)
    text = page.content.decode()
    assert page.status_code == 200 and not Unit.objects.exists()
    assert "发现 2 处错误" in text and "不能是负数（-1）" in text and "统一社会信用代码应为18位" in text
    assert page.context["job"].is_failed and 'http-equiv="refresh"' not in text
    link = page.context["errors_file"]
    marked = client.get(reverse("registry:import_errors", args=[link]))
    sheet = openpyxl.load_workbook(io.BytesIO(marked.content))["单位"]
    assert "不能是负数" in sheet["R2"].comment.text and "18位" in sheet["D3"].comment.text
    # nobody else can fetch it, nor see the import
    from ..factories import UserFactory
    client.force_login(UserFactory(role="evaluator"))
    assert client.get(reverse("registry:import_errors", args=[link])).status_code == 404
    assert client.get(reverse("registry:import_job", args=[page.context["job"].pk])).status_code == 404
    assert client.get(reverse("registry:import_status", args=[page.context["job"].pk])).status_code == 404


def test_an_import_waits_on_its_page_until_the_worker_has_run_it(client, evaluator):
    client.force_login(evaluator)
    response = client.post(reverse("registry:import"), upload(workbook(UnitRecordFactory(code="W2"))))
    page = client.get(response["Location"])  # the test's transaction never commits: the job stays queued
    assert page.context["job"].is_queued and 'http-equiv="refresh"' in page.content.decode()
    status = client.get(reverse("registry:import_status", args=[page.context["job"].pk])).json()
    assert status["is_active"] and status["status_label"] == "排队中" and not Unit.objects.filter(code="W2").exists()


def test_an_upload_that_is_not_xlsx_or_too_big(client, evaluator, settings, django_capture_on_commit_callbacks):
    client.force_login(evaluator)
    page = post_import(client, b"name,code\n", "units.csv", capture=django_capture_on_commit_callbacks).content.decode()
    assert "文件不是 Excel 工作簿" in page and "下载标出错误的工作簿" not in page
    settings.REGISTRY_IMPORT_MAX_BYTES = 1024
    page = client.post(reverse("registry:import"), upload(workbook(UnitRecordFactory()))).content.decode()
    assert "文件过大" in page and not Unit.objects.exists()


def test_the_total_row_counts_vacancy_and_overstaffing_kind_by_kind(client, evaluator):
    registry_import(data=workbook(UnitRecordFactory(code="MIX", quotas=(("administrative", 22, 25), ("service_worker", 3, 2)))),
                    actor=None)
    client.force_login(evaluator)
    response = client.get(reverse("registry:unit_detail", args=[Unit.objects.get(code="MIX").pk]))
    record = response.context["record"]
    assert (record["total"].approved, record["total"].actual) == (25, 27)
    assert record["vacancy"] == 1 and record["overstaffing"] == 3 and record["vacancy_rate"] == pytest.approx(0.04)


def test_the_list_page_runs_a_bounded_number_of_queries(client, evaluator, django_assert_max_num_queries):
    registry_import(data=workbook(*[UnitRecordFactory(posts=(("section_full", 1, 1),)) for _i in range(60)]), actor=None)
    client.force_login(evaluator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:unit_list"))
    assert response.context["page"].paginator.count == 60 and len(response.context["rows"]) == 50
