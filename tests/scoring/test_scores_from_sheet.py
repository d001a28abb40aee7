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
                       data={code.lower(): "8" for code in INDICATORS} | {"d6_10": "0"})  # 8 of 10; no 重大失误
    (before,) = target_scores(campaign=target.campaign)
    assert set(before.indicator_scores) == {STAFFING_IN_PLACE, QUOTA_RULES_KEPT}  # a draft counts for nothing

    sheet_signoff(form=sheet, target=target, actor=evaluator)

    (after,) = target_scores(campaign=target.campaign)
    assert after.indicator_scores[STAFFING_IN_PLACE] == 0.5  # the registry, not the evaluators' 0.8
    assert after.indicator_scores[QUOTA_RULES_KEPT] == 1.0
    assert after.indicator_scores["D1_01"] == pytest.approx(0.8)
    # the staff assessment, the questionnaire, the satisfaction form and the posts (none in the registry) say
    # nothing yet: those 7 are missing, not scored from the sheet
    assert set(INDICATORS) - set(after.indicator_scores) == {"D3_02", "D3_05", "D4_01", "D4_04", "D5_04", "D6_08", "D7_03"}
    assert after.grade_label == "数据不全"
    # equal weights over the 34 scored: D1 5×1/40, D2 2×1/16, D3 3×1/40, D4 2×1/32, D5 3×1/32, D6 9×1/80,
    # D7 4×1/40, D8 6×1/48; 0.8 everywhere, but D3_03 (1/40) at 0.5, D8_02 (1/48) and D6_10 (1/80) at 1.0
    covered = 5 / 40 + 2 / 16 + 3 / 40 + 2 / 32 + 3 / 32 + 9 / 80 + 4 / 40 + 6 / 48
    assert after.score == pytest.approx(100 * (0.8 * covered - 0.3 / 40 + 0.2 / 48 + 0.2 / 80) / covered, abs=0.005)
