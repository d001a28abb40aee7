"""What the trial in a real browser found on single pages (issue 10, items 2–5 and 9): the field visit's
其他问题, the QR code, public links following `make run`'s port, the ballot count, the new-campaign form,
and who sees which score before the results are fed back."""

import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from evaluations import services
from evaluations.indicators import campaign_indicator_codes
from evaluations.models import Campaign, Problem
from surveys.services import ballots_issue, satisfaction_form_issue

from .evaluations.conftest import accept_all, advance_to, make_world
from .factories import QuotaFactory

ROOT = Path(__file__).resolve().parent.parent


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------------------
# 2. 其他问题 is kept by 保存 and reaches the 问题清单
# ---------------------------------------------------------------------------------------------------------
def visit_post(world, **changes) -> dict:
    codes = campaign_indicator_codes(world.campaign)
    data = {"visit_date": "2026-12-04", "listen_notes": "汇报", "signs_match": "true", "posts_match": "true",
            "people_in_place": "true", "ballots_handed_out": "10", "ballots_returned": "9", "interviewee": "科长",
            "interview_notes": "访谈", "judgement": "总体较好", f"finding_{codes[0]}": "发现", "action": "save"}
    return data | changes


@pytest.mark.django_db
def test_other_problems_are_kept_by_save_and_reach_the_problem_list():
    world = advance_to(accept_all(make_world()), Campaign.Status.FIELD_VISIT)
    client = as_user(world.evaluator)
    url = reverse("evaluations:field_visit", args=[world.target.pk])
    response = client.post(url, visit_post(world, extra_problems="档案管理不规范\r\n公示不及时"))
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "档案管理不规范\n公示不及时</textarea>" in page  # shown again after 保存
    world.target.field_visit.refresh_from_db()
    assert world.target.field_visit.extra_problems == "档案管理不规范\n公示不及时"
    # 完成 without typing them again: the saved text becomes the problem list, once each
    response = client.post(url, visit_post(world, extra_problems="档案管理不规范\r\n公示不及时", action="complete"))
    assert response.status_code == 302, response.content.decode()[:500]
    problems = list(Problem.objects.filter(target=world.target, stage="judge").values_list("description", flat=True))
    assert sorted(problems) == ["公示不及时", "档案管理不规范"]


@pytest.mark.django_db
def test_the_visit_date_is_rendered_as_a_browser_reads_it():
    world = advance_to(accept_all(make_world()), Campaign.Status.FIELD_VISIT)
    services.field_visit_save(target=world.target, actor=world.evaluator, fields={"visit_date": date(2026, 12, 4)})
    page = as_user(world.evaluator).get(reverse("evaluations:field_visit", args=[world.target.pk])).content.decode()
    assert re.search(r'<input type="date" name="visit_date" value="2026-12-04"', page)


# ---------------------------------------------------------------------------------------------------------
# 3. The QR code is an image; 4. public links follow `make run`'s port
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_qr_code_is_an_svg_image_a_browser_draws(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8150"
    world = make_world()
    link = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator).links.get(target=world.target)
    response = as_user(world.evaluator).get(reverse("surveys:link_qr", args=[link.token]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    # without the namespace a browser shows the markup as text (what the campaign page's link did)
    assert body.startswith("<?xml") and 'xmlns="http://www.w3.org/2000/svg"' in body
    import xml.etree.ElementTree as ET

    assert ET.fromstring(body.split("?>", 1)[1]).tag == "{http://www.w3.org/2000/svg}svg"


def make_env(*args: str, **env: str) -> dict[str, str]:
    """The environment `make run` gives the server, from its dry run (nothing is started)."""
    base = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "PORT")}
    dry = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env=base | env, capture_output=True, text=True,
                         check=True).stdout
    line = next(line for line in dry.splitlines() if "runserver" in line)
    command = line.split(".venv/bin/python")[0].replace("$(BIN)", "") + " env"
    out = subprocess.run(["sh", "-c", command], env=base | env, capture_output=True, text=True, check=True).stdout
    return dict(item.split("=", 1) for item in out.splitlines() if "=" in item) | {"_runserver": line}


def test_make_run_prints_links_for_the_port_it_serves():
    served = make_env("PORT=8150")
    assert "runserver 127.0.0.1:8150" in served["_runserver"]
    assert served["PUBLIC_BASE_URL"] == "http://127.0.0.1:8150"
    assert make_env()["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"
    assert make_env("PORT=8150", PUBLIC_BASE_URL="https://pg.example.gov.cn")["PUBLIC_BASE_URL"] == "https://pg.example.gov.cn"


@pytest.mark.django_db
def test_ballot_sheets_print_the_public_base_url(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8150"
    world = make_world()
    QuotaFactory(unit=world.target.unit, approved=5, actual=3)
    from surveys.services import form_create

    form = form_create(campaign=world.campaign, kind="staff_assessment", actor=world.evaluator)
    ballots_issue(form=form, target=world.target, actor=world.evaluator, count=3)
    page = as_user(world.evaluator).get(reverse("surveys:ballots_sheet", args=[form.pk, world.target.pk])).content.decode()
    # 5. the count is there ("共 张" before)
    assert "共 3 张" in page
    assert "http://127.0.0.1:8150/f/" in page and ":8000" not in page


# ---------------------------------------------------------------------------------------------------------
# 5. The new-campaign form: 评估类型 once, as a select; 评估范围 only checkboxes
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_new_campaign_form_shows_the_kind_once_and_scope_as_checkboxes(evaluator):
    page = as_user(evaluator).get(reverse("evaluations:campaign_create")).content.decode()
    assert page.count("评估类型") == 1
    scope = page.split("评估范围", 1)[1]
    assert "<select" not in scope and scope.count("<legend>") == 4


# ---------------------------------------------------------------------------------------------------------
# 9. No score for a liaison before 反馈结果; the office's is marked 暂定 with its basis
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_liaison_sees_no_score_before_results_are_fed_back():
    world = advance_to(make_world(), Campaign.Status.SELF_ASSESSMENT)
    page = as_user(world.liaison).get(reverse("reports:my_unit")).content.decode()
    assert "结果反馈后公布" in page
    assert not re.search(r"\d+\.\d\b", page.split("得分与等次", 1)[1].split("</div>", 1)[0])
    assert "优秀" not in page and "良好" not in page
    scores = as_user(world.liaison).get(f"/api/v1/campaigns/{world.campaign.pk}/scores/").json()
    assert scores and all(row["score"] is None and row["grade"] is None for row in scores)


@pytest.mark.django_db
def test_the_office_sees_a_provisional_score_with_its_basis():
    world = make_world()  # a new campaign, no answers: the registry alone
    total = len(campaign_indicator_codes(world.campaign))
    page = as_user(world.evaluator).get(reverse("evaluations:campaign_detail", args=[world.campaign.pk])).content.decode()
    assert re.search(rf"暂定 · 依据 \d+/{total} 项指标", page), "the basis of a score from the registry alone"
    dashboard = as_user(world.leader).get(reverse("reports:dashboard")).content.decode()
    assert f"/{total} 项指标" in dashboard


@pytest.mark.django_db
def test_after_feedback_the_liaison_sees_the_score_not_marked_provisional():
    from reports.followup.models import Feedback

    world = make_world()
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.FEEDBACK)
    page = as_user(world.liaison).get(reverse("reports:my_unit")).content.decode()
    assert "结果反馈后公布" in page  # the campaign is at 反馈结果, but this unit's result has not been fed back yet
    assert as_user(world.liaison).get(f"/api/v1/campaigns/{world.campaign.pk}/scores/").json()[0]["score"] is None
    Feedback.objects.create(target=world.target, fed_back_on=date(2026, 11, 2))  # as reports.followup records it
    page = as_user(world.liaison).get(reverse("reports:my_unit")).content.decode()
    cell = page.split("得分与等次", 1)[1].split("</div>", 1)[0]
    # the score as fed back (here "—": the registry alone leaves the unit 数据不全), not marked provisional
    assert "score-value" in cell and "暂定" not in cell and "结果反馈后公布" not in cell
    rows = as_user(world.liaison).get(f"/api/v1/campaigns/{world.campaign.pk}/scores/").json()
    assert [r["unit"] for r in rows] == [world.target.unit.name]  # their own unit, released


@pytest.mark.django_db
def test_the_liaison_is_offered_the_report_once_results_are_fed_back():
    from reports.models import Report

    world = make_world()
    report = Report.objects.create(target=world.target, status=Report.Status.READY)
    download = reverse("reports:download", args=[report.pk])
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.REPORT)
    assert download not in as_user(world.liaison).get(reverse("reports:my_unit")).content.decode()
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.FEEDBACK)
    assert download not in as_user(world.liaison).get(reverse("reports:my_unit")).content.decode()  # not this unit yet
    from reports.followup.models import Feedback

    Feedback.objects.create(target=world.target, fed_back_on=date(2026, 11, 2))
    assert download in as_user(world.liaison).get(reverse("reports:my_unit")).content.decode()
