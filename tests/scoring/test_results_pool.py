"""The objective indicators read what a unit may use (周转池): owned − deposited + borrowed."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianzhi.models import Quota, Unit, UnitVersion
from bianzhi.pool.services import pool_deposit, pool_loan
from evaluations.models import CampaignTarget
from scoring.results import results_compute
from scoring.selectors import target_result

from ..factories import CampaignTargetFactory, QuotaFactory, UnitFactory, campaign_tree_factory
from .test_results import SHEET_CODES, _sign

ADMIN, INST = Quota.Kind.ADMINISTRATIVE, Quota.Kind.INSTITUTIONAL_FULL
POSTED = date(2026, 7, 1)  # before the campaign pinned its versions (it is created today)


@pytest.fixture
def target(evaluator):
    return campaign_tree_factory(actor=evaluator).campaign.targets.get()


def _long_vacant_since_2025(target):
    unit = target.unit
    QuotaFactory(unit=unit, kind=ADMIN, approved=10, actual=7)
    for day in (date(2025, 1, 1), date(2026, 6, 30)):  # 3 行政编制 vacant for 18 months by the pin
        UnitVersion.objects.create(unit=unit, valid_from=day, source=UnitVersion.Source.SEED,
                                   data={"kind": unit.kind, "quotas": [[ADMIN, 10, 7]], "posts": []})
    CampaignTarget.objects.filter(pk=target.pk).update(registry_version=UnitVersion.objects.get(valid_from=date(2026, 6, 30)))
    target.refresh_from_db()


def test_a_unit_that_lent_its_three_vacant_quotas_is_no_longer_long_vacant_on_them(target, evaluator):
    _long_vacant_since_2025(target)
    _sign(target, evaluator, {code: "8" for code in SHEET_CODES})
    before = target_result(target=target)
    assert before.indicators["D3_01"]["points"] == pytest.approx(6.0)  # signed 8 − 2 for 长期空编
    assert before.indicators["D3_03"]["points"] == pytest.approx(7.0)  # 7 in place of 10 owned
    pool_deposit(unit=target.unit, pool="city", quota_kind=ADMIN, amount=3, posted_on=POSTED, document="编〔2026〕9号")
    after = target_result(target=target)
    assert after.indicators["D3_01"]["points"] == pytest.approx(8.0)  # nothing idle left: no deduction
    assert "长期空编" not in after.indicators["D3_01"]["evidence"]
    assert after.indicators["D3_03"]["points"] == pytest.approx(10.0)  # 7 in place of the 7 it may use


def test_a_deposit_posted_after_the_campaign_pinned_its_versions_does_not_change_its_figures(target, evaluator):
    _long_vacant_since_2025(target)
    _sign(target, evaluator, {code: "8" for code in SHEET_CODES})
    pool_deposit(unit=target.unit, pool="city", quota_kind=ADMIN, amount=3, posted_on=date(2099, 1, 1))
    result = target_result(target=target)
    assert result.indicators["D3_01"]["points"] == pytest.approx(6.0)
    assert result.indicators["D3_03"]["points"] == pytest.approx(7.0)


def test_a_borrower_filling_its_five_borrowed_quotas_is_not_overstaffed(evaluator):
    hospital = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION, code="H1")
    target = campaign_tree_factory(actor=evaluator, campaign=CampaignTargetFactory(unit=hospital).campaign) \
        .campaign.targets.get()
    QuotaFactory(unit=hospital, kind=INST, approved=30, actual=35)
    over = target_result(target=target)
    assert over.indicators["D8_02"]["points"] < 10 and "超编 5 人" in over.indicators["D8_02"]["evidence"]
    owner = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION, code="O1")
    QuotaFactory(unit=owner, kind=INST, approved=20, actual=10)
    pool_deposit(unit=owner, pool="city", quota_kind=INST, amount=5, posted_on=POSTED)
    pool_loan(borrower=hospital, pool="city", quota_kind=INST, amount=5, field="health", start_on=POSTED,
              due_on=date(2028, 6, 30))
    result = target_result(target=target)
    assert result.indicators["D8_02"]["points"] == pytest.approx(10.0)
    assert result.indicators["D8_02"]["evidence"] == "无超编、无党政机关使用事业编制"
    assert result.indicators["D3_03"]["points"] == pytest.approx(10.0)  # 35 in place of the 35 it may use


def test_the_pool_costs_the_same_queries_for_one_unit_as_for_many(evaluator):
    campaign = campaign_tree_factory(actor=evaluator).campaign

    def count():
        with CaptureQueriesContext(connection) as ctx:
            results_compute(campaign=campaign)
        return len(ctx.captured_queries)

    count()
    one = count()
    for i in range(4):
        unit = UnitFactory(kind=Unit.Kind.PUBLIC_INSTITUTION, code=f"Q{i}")
        QuotaFactory(unit=unit, kind=INST, approved=20, actual=10)
        pool_deposit(unit=unit, pool="city", quota_kind=INST, amount=2, posted_on=POSTED)
        CampaignTargetFactory(campaign=campaign, unit=unit)
    assert count() == one
