"""The scoring rules, by hand-computed figures (the arithmetic is written beside each expectation)."""

from datetime import date
from decimal import Decimal

import pytest

from scoring import ahp, judging, rules

CUTOFFS = {"excellent": Decimal("90"), "good": Decimal("80"), "fair": Decimal("60")}


# ---------------------------------------------------------------- objective rules

def test_staffing_in_place_is_counted_kind_by_kind_never_netted():
    # 行政 12 of 10 (2 over) and 工勤 5 of 10: filled min(12,10) + min(5,10) = 15 of 20 → 15/20 × 10 = 7.5
    # (netted, 17 of 20 would give 8.5 and hide the 超编)
    assert rules.staffing_in_place([("administrative", 10, 12), ("service_worker", 10, 5)], 10) == pytest.approx(7.5)
    assert rules.staffing_in_place([("administrative", 20, 18)], 10) == pytest.approx(9.0)  # 18/20 × 10
    assert rules.staffing_in_place([], 10) is None  # no quotas: missing, never 100


def test_quota_rules_deduct_each_kind_over_and_an_organ_on_institutional_quotas():
    quotas = [("administrative", 10, 12), ("service_worker", 10, 5)]
    assert rules.quota_cases("party_government", quotas) == ["超编:administrative:2"]
    assert rules.quota_rules("party_government", quotas, 10, per_case=10) == 0.0  # 10 − 10 × 1
    assert rules.quota_rules("party_government", quotas, 10, per_case=4) == pytest.approx(6.0)  # 10 − 4 × 1
    both = [("administrative", 10, 12), ("institutional_full", 3, 3)]  # 超编 and 党政机关使用事业编制
    assert rules.quota_rules("party_government", both, 10, per_case=4) == pytest.approx(2.0)  # 10 − 4 × 2
    assert rules.quota_rules("party_government", both, 10, per_case=6) == 0.0  # 10 − 6 × 2 = −2 → floored at 0
    assert rules.quota_rules("public_institution", [("institutional_full", 5, 3)], 10, per_case=10) == 10.0
    assert rules.quota_rules("party_government", [], 10, per_case=10) is None


def test_posts_over_the_approved_number_per_rank_lower_d3_02():
    # 4 副处 against 3 approved (1 over); the vacant 正处 does not offset it: 10 − 5 × 1 = 5
    posts = [("division_full", 1, 0), ("division_deputy", 3, 4)]
    assert rules.posts_within(posts, 10, per_post=5) == pytest.approx(5.0)
    assert rules.posts_within([("division_deputy", 3, 6)], 10, per_post=5) == 0.0  # 10 − 5 × 3 → 0
    assert rules.posts_within([("division_deputy", 3, 3)], 10, per_post=5) == 10.0
    assert rules.posts_within([], 10, per_post=5) is None


# ---------------------------------------------------------------- answers, sheet, negative

def test_mean_points_use_the_options_points():
    # 满意 1 × 6, 基本满意 0.6 × 3, 不满意 0 × 1: (6 + 1.8) / 10 = 0.78 (a 满意率 would say 90%)
    counts = {"satisfied": 6, "basically_satisfied": 3, "dissatisfied": 1}
    points = {"satisfied": 1, "basically_satisfied": 0.6, "dissatisfied": 0}
    assert rules.mean_points(counts, points) == (pytest.approx(0.78), 10)
    assert rules.mean_points({"other": 3}, points) == (None, 0)  # no answer with points: missing


def test_sheet_points_less_long_vacancies_floored():
    assert rules.sheet_points(0.85, 10) == pytest.approx(8.5)  # 8.5/10 signed
    assert rules.sheet_points(0.85, 10, long_vacant_kinds=2, deduction=2) == pytest.approx(4.5)  # 8.5 − 2 × 2
    assert rules.sheet_points(0.3, 10, long_vacant_kinds=2, deduction=2) == 0.0  # 3 − 4 → 0
    assert rules.sheet_points(None, 10) is None


def test_negative_indicator_deducts_per_incident_floored_at_zero():
    assert rules.deduction(0, 10, per_item=5) == 10.0
    assert rules.deduction(1, 10, per_item=5) == 5.0  # 10 − 5 × 1
    assert rules.deduction(3, 10, per_item=5) == 0.0  # 10 − 15 → 0, not −5
    assert rules.deduction(None, 10, per_item=5) is None


# ---------------------------------------------------------------- grades, ranks, coverage

@pytest.mark.parametrize("score, shown, grade", [
    (89.94, "89.9", "good"),
    (89.95, "90.0", "excellent"),  # shown as 90.0, so 优秀 (half up)
    (89.96, "90.0", "excellent"),
    (90.0, "90.0", "excellent"),
    (79.95, "80.0", "good"),
    (59.94, "59.9", "poor"),
])
def test_the_grade_is_taken_from_the_score_as_displayed(score, shown, grade):
    assert str(rules.round1(score)) == shown
    assert rules.grade(score, CUTOFFS) == grade


def test_ranks_share_ties():
    shown = {"a": Decimal("90.0"), "b": Decimal("90.0"), "c": Decimal("85.1"), "d": None}
    assert rules.ranks(shown) == {"a": 1, "b": 1, "c": 3}


def test_aggregate_states_coverage_and_is_incomplete_when_an_indicator_is_missing():
    weights = {"A1": 0.25, "A2": 0.25, "B1": 0.5}
    dims = {"A1": "A", "A2": "A", "B1": "B"}
    agg = rules.aggregate({"A1": 1.0, "A2": 0.5, "B1": None}, weights, dims, {"execution": ["A"], "benefit": ["B"]})
    # (0.25 × 1 + 0.25 × 0.5) / 0.5 = 0.75 → 75 over the scored; but B1 is missing: no grade
    assert agg.total == pytest.approx(75.0) and agg.blocks == {"execution": pytest.approx(75.0), "benefit": None}
    assert (agg.scored, agg.count, agg.weight_covered, agg.missing, agg.complete) == (2, 3, 0.5, ["B1"], False)
    exempt = rules.aggregate({"A1": 1.0, "A2": 0.5, "B1": None}, weights, dims, {"all": ["A", "B"]}, exempt=["B1"])
    assert exempt.complete and exempt.missing == []  # B1 exempt with a reason: complete
    lower = rules.aggregate({"A1": 1.0, "A2": 0.5, "B1": None}, weights, dims, {"all": ["A", "B"]}, min_coverage=0.5)
    assert lower.complete  # covered 0.5 of 1.0 ≥ the campaign's minimum 50%
    nothing = rules.aggregate({"A1": None, "A2": None, "B1": None}, weights, dims, {})
    assert nothing.total is None and not nothing.complete


def test_grade_stability_interval_for_a_dimension_weight():
    # two dimensions weighted 0.5/0.5; unit u scores (100, 70) → 85. Its total at w_1 = t is 70 + 30 t:
    # it meets 80 at t = 1/3 and 90 at t = 2/3, so the grade holds for w_1 in [1/3, 2/3]
    (first, second) = rules.grade_stability({"u": [100, 70]}, [0.5, 0.5], ["D1", "D2"], [90, 80, 60])
    assert (first.lo, first.hi) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert first.closest == [("u", pytest.approx(5.0))]  # 85 is 5 points from both 80 and 90


# ---------------------------------------------------------------- revision hints

def test_the_first_hint_of_an_intransitive_matrix_makes_it_consistent():
    # A > B (2), B > C (3) but C > A (6): the consistent judgement is A over C = 2 × 3 = 6, CR 0
    matrix = [[1, 2, 1 / 6], [1 / 2, 1, 3], [6, 1 / 3, 1]]
    first = ahp.revision_hints(matrix)[0]
    assert (first.i, first.j, first.current, first.suggested_scale) == (0, 2, pytest.approx(1 / 6), 6.0)
    assert first.cr_after == pytest.approx(0.0, abs=1e-9)
    text = judging.feedback(matrix, ["A", "B", "C"]).hints[0]
    assert "「A」对「C」的判断从 1/6 改为 6" in text and "降为 0.00" in text


# ---------------------------------------------------------------- deadlines, 整改, forms on sheet indicators

def test_filed_late_compares_the_first_submission_with_the_deadline():
    due = date(2026, 5, 31)
    assert rules.filed_late(date(2026, 5, 31), due, as_of=date(2026, 9, 1)) is False  # on the due date: on time
    assert rules.filed_late(date(2026, 6, 1), due, as_of=date(2026, 9, 1)) is True  # one day after: late
    assert rules.filed_late(None, due, as_of=date(2026, 6, 1)) is True  # not filed, deadline passed: late
    assert rules.filed_late(None, due, as_of=date(2026, 5, 31)) is None  # not filed, still time: undecided
    assert rules.filed_late(date(2026, 7, 1), None, as_of=date(2026, 9, 1)) is None  # no deadline set: undecided


def test_a_late_self_assessment_costs_the_late_deduction_on_the_sheet_score():
    # signed 8 of 10 → 0.8 × 10 = 8; filed late: 8 − 2 = 6; on time: 8; late and signed 1: 1 − 2 floored at 0
    assert rules.sheet_points(0.8, 10, late=True, late_deduction=2) == pytest.approx(6.0)
    assert rules.sheet_points(0.8, 10, late=False, late_deduction=2) == pytest.approx(8.0)
    assert rules.sheet_points(0.1, 10, late=True, late_deduction=2) == 0
    # with one long-vacant kind too (−2): 8 − 2 − 2 = 4
    assert rules.sheet_points(0.8, 10, 1, 2, late=True, late_deduction=2) == pytest.approx(4.0)


def test_rectification_on_time_is_the_share_closed_by_the_deadline_and_missing_without_a_previous_campaign():
    from datetime import date

    assert rules.rectification_on_time(None, 10) == (None, "本单位没有上一轮评估的整改记录")
    assert rules.rectification_on_time([], 10) == (10.0, "")  # nothing to rectify: full marks
    due = date(2026, 3, 31)
    # 3 items: closed on the deadline (on time), closed a day late, still open → 1 ÷ 3 × 10 = 3.33
    points, _why = rules.rectification_on_time([(due, due), (due, date(2026, 4, 1)), (due, None)], 10)
    assert points == pytest.approx(10 / 3)


def test_questions_tagged_with_a_sheet_indicator_count_for_form_share():
    # sheet 0.8, answers 0.5 at 30 %: 0.7 × 0.8 + 0.3 × 0.5 = 0.56 + 0.15 = 0.71
    assert rules.sheet_with_forms(0.8, 0.5, 0.3) == pytest.approx(0.71)
    assert rules.sheet_with_forms(0.8, None, 0.3) == pytest.approx(0.8)  # no answers: the sheet alone
    assert rules.sheet_with_forms(0.8, 0.5, 0) == pytest.approx(0.8)  # share 0: the sheet prevails wholly
    assert rules.sheet_with_forms(None, 0.5, 0.3) is None  # no signed sheet: missing, not public opinion alone
    text = rules.rule_text("sheet", {"form_share": 0.3}, 10)
    assert "评估表 ×（1 − 0.3）+ 问卷选项分值平均 × 0.3" in text and "扣 0 分" in text
