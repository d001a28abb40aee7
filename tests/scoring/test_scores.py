from decimal import Decimal

import pytest

from scoring.indicators import DIMENSIONS, INDICATORS, equal_weights
from scoring.scores import grade, staffing_in_place, weighted_score

CUTOFFS = {"excellent": Decimal(90), "good": Decimal(80), "fair": Decimal(60)}


def test_the_default_tree_has_8_dimensions_and_41_indicators():
    assert len(DIMENSIONS) == 8 and len(INDICATORS) == 41
    assert [d.name for d in DIMENSIONS][:3] == ["职能配置", "机构设置", "编制配置"]
    assert [i.code for i in INDICATORS.values() if i.negative] == ["D6_10"]  # 履职尽责重大失误度


def test_equal_weights_sum_to_one():
    assert sum(equal_weights().values()) == pytest.approx(1)


def test_weighted_score_renormalises_over_scored_indicators():
    weights = {"a": 0.5, "b": 0.3, "c": 0.2}
    assert weighted_score({"a": 1.0, "b": 0.5}, weights) == pytest.approx(100 * (0.5 + 0.15) / 0.8)
    assert weighted_score({}, weights) is None


def test_weighted_score_refuses_a_score_outside_0_1():
    with pytest.raises(ValueError, match="outside"):
        weighted_score({"a": 1.2}, {"a": 1})


@pytest.mark.parametrize(("approved", "actual", "expected"), [(20, 20, 1.0), (20, 15, 0.75), (20, 21, 0.0), (0, 0, 1.0)])
def test_staffing_in_place(approved, actual, expected):
    assert staffing_in_place(approved, actual) == expected


@pytest.mark.parametrize(("score", "expected"), [(95, "excellent"), (90, "excellent"), (89.99, "good"),
                                                 (60, "fair"), (59.9, "poor"), (None, None)])
def test_grade_uses_the_campaign_cutoffs(score, expected):
    assert grade(score, CUTOFFS) == expected
