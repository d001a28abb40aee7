"""Reaching people: the printable A4 poster per unit (its QR code decodes to the unit's public link), the copy
button, the target sample per unit with progress on the form page, and answers per day."""

import subprocess
from datetime import date

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from evaluations.models import Campaign, CampaignEvent
from surveys.models import Form, SampleTarget, SurveyResponse
from surveys.selectors import form_default_sample, responses_per_day
from surveys.services import form_create, form_sample_targets_set, satisfaction_form_issue, survey_response_submit

from ..evaluations.conftest import make_world

pytestmark = pytest.mark.django_db
BASE = "https://pingu.example.gov.cn"


def office(world) -> Client:
    client = Client()
    client.force_login(world.evaluator)
    return client


def answers(form) -> dict:
    return {q.code: q.choices[0][0] for q in form.questions.all() if q.choices and q.required}


@override_settings(PUBLIC_BASE_URL=BASE)
def test_the_poster_has_the_units_name_the_forms_title_and_a_qr_code_of_its_public_link(tmp_path):
    world = make_world()
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    link = form.links.get(target=world.target, window="")
    response = office(world).get(reverse("surveys:poster", args=[form.pk, world.target.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert world.target.unit.name in text and form.title in text and "扫描" in text
    assert subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.count("Pages:") == 1
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "poster")], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "poster.png")],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == f"{BASE}/f/{link.token}/"


def test_no_poster_without_a_unit_link_nor_for_another_units_liaison():
    world = make_world()
    staff = form_create(campaign=world.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=world.evaluator)
    assert office(world).get(reverse("surveys:poster", args=[staff.pk, world.target.pk])).status_code == 404
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    other = Client()
    other.force_login(world.other_liaison)
    assert other.get(reverse("surveys:poster", args=[form.pk, world.target.pk])).status_code == 404


def test_target_samples_default_to_the_minimum_sample_and_a_unit_may_have_its_own():
    world = make_world()
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    assert form_default_sample(form) == 30  # the scoring settings' minimum sample (the default tree's)
    form_sample_targets_set(form=form, actor=world.evaluator, default=40, per_unit={world.target.pk: 60})
    form.refresh_from_db()
    assert form_default_sample(form) == 40 and SampleTarget.objects.get(form=form).size == 60
    event = CampaignEvent.objects.get(type=CampaignEvent.Type.SAMPLE_TARGETS_SET)
    assert world.target.unit.name in event.sentence and "60" in event.sentence
    form_sample_targets_set(form=form, actor=world.evaluator, default=40, per_unit={world.target.pk: 60})
    assert CampaignEvent.objects.filter(type=CampaignEvent.Type.SAMPLE_TARGETS_SET).count() == 1  # unchanged: no event
    form_sample_targets_set(form=form, actor=world.evaluator, default=None, per_unit={world.target.pk: None})
    assert not SampleTarget.objects.exists()
    with pytest.raises(ApplicationError, match="目标样本量须为"):
        form_sample_targets_set(form=form, actor=world.evaluator, default=0, per_unit={})
    sheet = form_create(campaign=world.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=world.evaluator)
    with pytest.raises(ApplicationError, match="没有样本量"):
        form_sample_targets_set(form=sheet, actor=world.evaluator, default=10, per_unit={})


def test_the_form_page_shows_progress_against_the_target_and_a_copy_button():
    world = make_world()
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    link = form.links.get(target=world.target, window="")
    for _n in range(3):
        survey_response_submit(link=link, data=answers(form))
    client = office(world)
    post = client.post(reverse("surveys:sample_targets", args=[form.pk]),
                       {"default": "", f"unit_{world.target.pk}": "12", f"unit_{world.other.pk}": ""})
    assert post.status_code == 302
    page = client.get(reverse("surveys:form_detail", args=[form.pk])).content.decode()
    row = page[page.index(f'id="target-{world.target.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "3/12" in row and 'style="width:25%"' in row and 'data-copy="http://' in row and "海报 PDF" in row
    other = page[page.index(f'id="target-{world.other.pk}"'):]
    assert "0/30" in other[:other.index("</tr>")]


def test_answers_per_day_per_unit_and_why_the_staff_assessment_has_none():
    world = make_world()
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    link = form.links.get(target=world.target, window="")
    for _n in range(3):
        survey_response_submit(link=link, data=answers(form))
    SurveyResponse.objects.filter(pk=SurveyResponse.objects.first().pk).update(submitted_on=date(2026, 11, 30))
    days, units = responses_per_day(form=form)
    assert len(days) == 2 and days[0] == date(2026, 11, 30)
    mine = next(u for u in units if u["target"] == world.target)
    assert sum(mine["counts"]) == 3 and mine["counts"][0] == 1
    page = office(world).get(reverse("surveys:over_time", args=[form.pk])).content.decode()
    assert "over-time-chart" in page and "echarts.min.js" in page and world.target.unit.name in page
    staff = form_create(campaign=world.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=world.evaluator)
    staff_page = office(world).get(reverse("surveys:over_time", args=[staff.pk])).content.decode()
    assert "不保存任何答卷的提交日期" in staff_page and "over-time-chart" not in staff_page


def test_targets_are_refused_once_the_campaign_is_closed():
    world = make_world()
    form = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.CLOSED)
    with pytest.raises(ApplicationError, match="评估已结束"):
        form_sample_targets_set(form=form, actor=world.evaluator, default=10, per_unit={})
