"""The unit's score takes in the evaluators' signed sheet; what data measure keeps precedence."""

from decimal import Decimal

import pytest

from scoring.indicators import INDICATORS, QUOTA_RULES_KEPT, STAFFING_IN_PLACE
from scoring.selectors import target_scores
from surveys.models import Form
from surveys.services import form_create, sheet_entries_save, sheet_settings_update, sheet_signoff

from ..factories import CampaignTargetFactory, QuotaFactory

pytestmark = pytest.mark.django_db


def test_signed_sheet_scores_feed_the_unit_score(evaluator):
    target = CampaignTargetFactory()
    QuotaFactory(unit=target.unit, approved=10, actual=5)  # staffing in place: 0.5
    sheet = form_create(campaign=target.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)
    sheet_settings_update(form=sheet, combine=Form.Combine.MEAN, spread_limit=Decimal("3"), lead_evaluator=evaluator,
                          actor=evaluator)
    sheet_entries_save(form=sheet, target=target, evaluator=evaluator,
                       data={code.lower(): "8" for code in INDICATORS})  # every indicator 8 of 10
    (before,) = target_scores(campaign=target.campaign)
    assert set(before.indicator_scores) == {STAFFING_IN_PLACE, QUOTA_RULES_KEPT}  # a draft counts for nothing

    sheet_signoff(form=sheet, target=target, actor=evaluator)

    (after,) = target_scores(campaign=target.campaign)
    assert after.indicator_scores[STAFFING_IN_PLACE] == 0.5  # the registry, not the evaluators' 0.8
    assert after.indicator_scores[QUOTA_RULES_KEPT] == 1.0
    assert after.indicator_scores["D1_01"] == pytest.approx(0.8)
    assert len(after.indicator_scores) == 41
    # equal weights: 0.8 everywhere, but D3_03 (weight 1/8·1/5) at 0.5 and D8_02 (1/8·1/6) at 1.0
    assert after.score == pytest.approx(100 * (0.8 - 0.3 / 40 + 0.2 / 48))
