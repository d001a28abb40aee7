"""Pure rules: no database."""

from decimal import Decimal

import pytest

from surveys.defaults import FIVE_LEVEL_POINTS, SATISFACTION_POINTS
from surveys.exporters import QuestionColumns, codebook, csv_bytes, data_row, header_rows
from surveys.rules import answer_points, percent, plain, rate, straight_lined, too_fast


@pytest.mark.parametrize("question_type, value, expected", [
    ("single_choice", "basically_satisfied", 0.6), ("single_choice", "unknown", None),
    ("multiple_choice", ["satisfied", "dissatisfied"], 0.5), ("multiple_choice", [], None),
    ("score", Decimal("7.5"), 0.75), ("long_text", "好", None),
])
def test_answer_points(question_type, value, expected):
    got = answer_points(question_type, value, points=SATISFACTION_POINTS, min_score=Decimal(0), max_score=Decimal(10))
    assert got == expected


def test_five_level_points_fall_with_the_answer():
    assert list(FIVE_LEVEL_POINTS.values()) == sorted(FIVE_LEVEL_POINTS.values(), reverse=True)


@pytest.mark.parametrize("elapsed, questions, flagged", [(None, 5, True), (4.9, 1, True), (5.0, 1, False),
                                                          (14, 10, True), (15, 10, False)])
def test_too_fast(elapsed, questions, flagged):
    assert too_fast(elapsed, questions, per_question=1.5, floor=5) is flagged


def test_straight_lined_needs_four_answers_all_the_same():
    assert straight_lined(["a"] * 4) and not straight_lined(["a"] * 3) and not straight_lined(["a", "a", "a", "b"])


def test_rate_and_percent_as_the_paper_prints_them():
    assert rate(0, 0) is None and percent(None) == "—"
    assert percent(rate(7, 8)) == "87.5%" and percent(rate(2, 3)) == "66.7%" and percent(1.0) == "100.0%"
    assert plain(Decimal("10.00")) == "10" and plain(Decimal("7.50")) == "7.5"


def test_export_layout_is_stable_with_chinese_headers_and_codes_only_in_the_codebook():
    questions = [
        QuestionColumns("q1", "单选", "single_choice", (("a", "甲"), ("b", "乙")), number=1, other=True),
        QuestionColumns("q2", "多选", "multiple_choice", (("x", "X"), ("y", "Y"), ("z", "Z")), number=2),
        QuestionColumns("q3", "打分", "score", (), number=3),
        QuestionColumns("q4", "文字", "long_text", (), number=4),
        QuestionColumns("q5", "矩阵", "matrix", (("a", "满意"), ("b", "不满意")), number=5,
                        rows=(("r1", "职能配置"), ("r2", "机构设置"))),
    ]
    assert header_rows(["单位"], questions) == [
        "单位", "1. 单选", "1. 单选（注明）", "2. 多选：X", "2. 多选：Y", "2. 多选：Z", "3. 打分", "4. 文字",
        "5. 矩阵：职能配置", "5. 矩阵：机构设置"]
    row = data_row(["U1"], questions, {"q1": "b", "q2": ["z", "x"], "q3": Decimal("8.0"), "q4": "好",
                                       "q5": {"r1": "a", "r2": "b"}}, {"q1": "外单位"})
    assert row == ["U1", "乙", "外单位", 1, 0, 1, "8", "好", "满意", "不满意"]
    assert data_row(["U2"], questions, {}) == ["U2", "", "", 0, 0, 0, "", "", "", ""]
    book = list(codebook(questions))
    assert book[0] == ["列", "题目", "题型", "编码"]
    assert ["5. 矩阵：职能配置", "矩阵", "矩阵量表", "q5.r1；a=满意；b=不满意"] in book
    assert b"".join(csv_bytes([["甲", 1]] * 3)).decode("utf-8-sig") == "甲,1\r\n" * 3
