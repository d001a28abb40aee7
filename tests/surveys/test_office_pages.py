"""The office's pages for the four forms: create from the template, schedule, edit, issue, and who may."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Form

from ..factories import CampaignTargetFactory, QuotaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(evaluator):
    client = Client()
    client.force_login(evaluator)
    return client


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_create_each_form_from_its_template_and_open_its_pages(office):
    target = CampaignTargetFactory()
    QuotaFactory(unit=target.unit, actual=3)
    campaign = target.campaign
    page = office.get(reverse("surveys:campaign_forms", args=[campaign.pk]))
    assert page.status_code == 200 and "按默认模板创建" in page.content.decode()
    opens = timezone.now() + timedelta(days=1)
    for kind in Form.Kind.values:
        response = office.post(reverse("surveys:form_create", args=[campaign.pk]),
                               {"kind": kind, "opens_at": local(opens), "closes_at": local(opens + timedelta(days=7))})
        form = Form.objects.get(campaign=campaign, kind=kind)
        assert response.status_code == 302 and response["Location"] == reverse("surveys:form_detail", args=[form.pk])
        detail = office.get(response["Location"]).content.decode()
        assert form.title in detail and "修改" in detail  # not yet open: questions editable
        if kind != Form.Kind.EVALUATION_SHEET:
            assert office.get(reverse("surveys:results", args=[form.pk])).status_code == 200
    sheet = Form.objects.get(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET)
    assert office.get(reverse("surveys:sheet", args=[sheet.pk, target.pk])).status_code == 200
    assert Form.objects.get(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE).links.count() == 1


def test_a_closing_time_before_the_opening_is_refused(office):
    campaign = CampaignTargetFactory().campaign
    opens = timezone.now() + timedelta(days=1)
    response = office.post(reverse("surveys:form_create", args=[campaign.pk]),
                           {"kind": "questionnaire", "opens_at": local(opens), "closes_at": local(opens - timedelta(hours=1))},
                           follow=True)
    assert "截止时间必须晚于开始时间" in response.content.decode()
    assert not Form.objects.exists()


def test_reschedule_an_open_form_may_close_it_but_not_move_its_opening(office, evaluator):
    from surveys.services import form_create

    campaign = CampaignTargetFactory().campaign
    form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    url = reverse("surveys:form_detail", args=[form.pk])
    closes = timezone.now() + timedelta(hours=2)
    later = timezone.now() + timedelta(days=3)
    moved = office.post(url, {"opens_at": local(later), "closes_at": local(later + timedelta(days=1))})
    assert moved.status_code == 400 and "不能再修改开始时间" in moved.content.decode()
    kept = office.post(url, {"opens_at": local(form.opens_at), "closes_at": local(closes)})
    form.refresh_from_db()
    assert kept.status_code == 302 and form.closes_at is not None


def test_leaders_read_liaisons_are_kept_out(leader, liaison, evaluator):
    from surveys.services import form_create

    campaign = CampaignTargetFactory().campaign
    form = form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    reader = Client()
    reader.force_login(leader)
    assert reader.get(reverse("surveys:form_detail", args=[form.pk])).status_code == 200
    assert reader.post(reverse("surveys:form_create", args=[campaign.pk]), {"kind": "questionnaire"}).status_code == 403
    target = campaign.targets.get()
    assert reader.post(reverse("surveys:ballots_issue", args=[form.pk, target.pk])).status_code == 403
    outsider = Client()
    outsider.force_login(liaison)
    # a liaison of a unit outside the campaign: the campaign and its forms are not there for them
    assert outsider.get(reverse("surveys:form_detail", args=[form.pk])).status_code == 404
    assert outsider.get(reverse("surveys:campaign_forms", args=[campaign.pk])).status_code == 404


def test_issue_ballots_from_the_page_with_a_given_number(office, evaluator):
    from surveys.services import form_create

    target = CampaignTargetFactory()
    form = form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    response = office.post(reverse("surveys:ballots_issue", args=[form.pk, target.pk]), {"count": "7"}, follow=True)
    assert "累计 7 张" in response.content.decode()
    refused = office.post(reverse("surveys:ballots_issue", args=[form.pk, target.pk]), {"count": "七"}, follow=True)
    assert "发放数量须为整数" in refused.content.decode()
    zero_staff = office.post(reverse("surveys:ballots_issue", args=[form.pk, target.pk]), {"count": ""}, follow=True)
    assert "实有人数为 0" in zero_staff.content.decode()
