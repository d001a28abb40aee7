import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import Campaign
from surveys.services import satisfaction_form_issue

from ..factories import CampaignFactory, CampaignTargetFactory, QuotaFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_create_form_keeps_what_was_typed_on_an_error(client, evaluator):
    client.force_login(evaluator)
    response = client.post(reverse("evaluations:campaign_create"), {"name": "漏选单位的评估", "year": 2026})
    body = response.content.decode()
    assert response.status_code == 200 and "请至少选择一个被评估单位" in body and 'value="漏选单位的评估"' in body
    assert not Campaign.objects.exists()


def test_duplicate_campaign_is_refused_in_chinese(client, evaluator):
    campaign = CampaignFactory(name="重复", year=2026)
    client.force_login(evaluator)
    response = client.post(reverse("evaluations:campaign_create"), {"name": "重复", "year": 2026, "units": [UnitFactory().pk]})
    assert "同一年度已有同名的评估活动" in response.content.decode()
    assert Campaign.objects.get() == campaign


def campaign_with_units(n: int) -> Campaign:
    campaign = CampaignFactory()
    for _ in range(n):
        QuotaFactory(unit=CampaignTargetFactory(campaign=campaign).unit)
    return campaign


@pytest.mark.parametrize("page", ["evaluations:campaign_detail", "reports:dashboard"])
def test_pages_cost_the_same_queries_for_3_or_30_units(client, evaluator, page):
    client.force_login(evaluator)
    counts = []
    for n in (3, 30):
        campaign = campaign_with_units(n)
        satisfaction_form_issue(campaign=campaign, actor=evaluator)
        args = [campaign.pk] if page.endswith("detail") else []
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(page, args=args)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_advancing_is_shown_and_recorded(client, evaluator):
    campaign = CampaignFactory()
    client.force_login(evaluator)
    refused = client.post(reverse("evaluations:campaign_advance", args=[campaign.pk]), follow=True)
    assert "发布通知前，请先填写实施方案和评估通知" in refused.content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(plan_text="实施方案", notice_text="评估通知")
    response = client.post(reverse("evaluations:campaign_advance", args=[campaign.pk]), follow=True)
    assert "已进入“发布通知”阶段" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.NOTICE
