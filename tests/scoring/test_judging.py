"""scoring.judging: answers <-> matrices, the expert's feedback in Chinese, the group result of a tree (no DB)."""

import math

import pytest

from scoring import ahp, judging

from .ahp_helpers import answers_for

# Saaty (1980), the classic 3x3 example also used in tests/scoring/test_ahp.py: weights .637 .258 .105.
SAATY3 = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]


def test_answers_and_matrix_round_trip_either_side_may_be_more_important():
    answers = {(0, 1): 3, (0, 2): -5, (1, 2): 1}
    matrix = judging.matrix_from_answers(3, answers)
    assert matrix[0][1] == 3 and matrix[1][0] == pytest.approx(1 / 3)
    assert matrix[0][2] == pytest.approx(1 / 5) and matrix[2][0] == 5
    assert matrix[1][2] == 1 and matrix[2][2] == 1
    assert judging.answers_from_matrix(matrix) == answers


def test_the_options_name_the_intensity_in_chinese_and_the_more_important_side():
    names = ("职能配置", "机构设置")
    assert judging.answer_label(7, names) == "强烈重要（7）：「职能配置」更重要"
    assert judging.answer_label(-3, names) == "稍微重要（3）：「机构设置」更重要"
    assert judging.answer_label(-8, names) == "重要程度 8（介于 7 与 9 之间）：「机构设置」更重要"
    assert judging.answer_label(1, names) == "同等重要（1）"


def test_only_the_upper_triangle_is_asked():
    assert judging.pairs(4) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    assert len(judging.pairs(10)) == 45


def test_feedback_of_a_consistent_matrix_has_the_engines_weights_and_no_hints():
    fb = judging.feedback(SAATY3, ["甲", "乙", "丙"])
    assert fb.weights == ahp.priorities(SAATY3).weights
    assert fb.consistent and fb.hints == () and not fb.completed


def test_feedback_of_an_inconsistent_matrix_says_in_chinese_what_to_change_and_the_cr_after():
    matrix = judging.matrix_from_answers(4, answers_for([0.4, 0.3, 0.2, 0.1], flip=(0, 3)))
    names = ["职能配置", "机构设置", "编制配置", "工作机制"]
    fb = judging.feedback(matrix, names)
    assert not fb.consistent and fb.cr >= 0.10
    best = ahp.revision_hints(matrix)[0]
    assert fb.hints[0] == (
        f"把「{names[best.i]}」对「{names[best.j]}」的判断从 {judging.scale_label(best.current)} 改为 "
        f"{judging.scale_label(best.suggested_scale)}，CR 将从 {fb.cr:.2f} 降为 {best.cr_after:.2f}"
    )
    assert "「职能配置」对「工作机制」" in fb.hints[0] and best.cr_after < 0.10


def test_feedback_completes_left_out_pairs_and_says_so():
    fb = judging.feedback(judging.matrix_from_answers(3, {(0, 1): 3, (1, 2): 3, (0, 2): None}), list("abc"))
    assert fb.completed and fb.consistent


@pytest.mark.parametrize("answers, message", [
    ({(0, 1): None, (0, 2): 3, (1, 2): None}, "已作出的判断太少：3 项之间至少需要 2 个判断"),
    ({(0, 1): 2, (2, 3): 2, (0, 2): None, (0, 3): None, (1, 2): None, (1, 3): None}, "已作出的判断太少"),
])
def test_feedback_refuses_too_few_judgements_in_chinese(answers, message):
    n = 1 + max(j for _i, j in answers)
    with pytest.raises(ValueError, match=message):
        judging.feedback(judging.matrix_from_answers(n, answers), list("abcd")[:n])


def test_feedback_refuses_judgements_that_leave_an_item_unconnected():
    # 5 items, 4 judgements (enough in number) but item 5 is linked to nothing
    answers = {(0, 1): 2, (0, 2): 2, (1, 2): 1, (0, 3): 3}
    with pytest.raises(ValueError, match="第 5 项与其他项目之间没有任何判断"):
        judging.feedback(judging.matrix_from_answers(5, answers), list("abcde"))


NODES = {"root": ["D1", "D2", "D3"], "D1": ["a", "b"], "D2": ["c", "d", "e"], "D3": ["f"]}


def _experts(*dimension_weights):
    return {
        "root": [(1.0, judging.matrix_from_answers(3, answers_for(w))) for w in dimension_weights],
        "D1": [(1.0, [[1, 2], [0.5, 1]])],
        "D2": [(1.0, SAATY3)],
    }


def test_group_result_of_one_expert_is_that_experts_priorities_and_global_is_the_product():
    judgements = _experts([0.5, 0.3, 0.2])
    result = judging.group_result(NODES, "root", judgements)
    root = ahp.priorities(judgements["root"][0][1])
    assert list(result.local["root"].weights.values()) == pytest.approx(root.weights, abs=1e-12)
    assert result.local["D1"].weights == pytest.approx({"a": 2 / 3, "b": 1 / 3})
    assert result.local["D3"].weights == {"f": 1.0}
    assert result.global_weights["c"] == pytest.approx(root.weights[1] * ahp.priorities(SAATY3).weights[0])
    assert result.global_weights["f"] == pytest.approx(root.weights[2])
    assert math.fsum(result.global_weights.values()) == pytest.approx(1.0, abs=1e-12)
    # the hierarchy's consistency as the engine's synthesize() defines it
    assert result.hierarchy_cr == pytest.approx(
        (root.ci + root.weights[1] * ahp.priorities(SAATY3).ci) / (0.58 + root.weights[0] * 0 + root.weights[1] * 0.58)
    )


def test_group_result_aij_and_aip_follow_the_engine_with_expert_weights():
    judgements = _experts([0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.6, 0.2, 0.2])
    judgements["root"] = [(w, m) for w, (_one, m) in zip([3.0, 1.0, 1.0], judgements["root"])]
    matrices = [m for _w, m in judgements["root"]]
    aij = judging.group_result(NODES, "root", judgements, method="aij")
    expected = ahp.priorities(ahp.aggregate_judgements(matrices, [3, 1, 1])).weights
    assert list(aij.local["root"].weights.values()) == pytest.approx(expected, abs=1e-12)
    aip = judging.group_result(NODES, "root", judgements, method="aip")
    expected = ahp.aggregate_priorities([ahp.priorities(m).weights for m in matrices], [3, 1, 1])
    assert list(aip.local["root"].weights.values()) == pytest.approx(expected, abs=1e-12)
    assert aip.local["root"].cr == max(ahp.priorities(m).cr for m in matrices)
    assert aip.hierarchy_cr is None and aij.local["root"].experts == 3


def test_group_result_names_the_matrix_nobody_judged():
    judgements = _experts([0.5, 0.3, 0.2])
    del judgements["D2"]
    with pytest.raises(ValueError, match="「机构设置」还没有专家作出有效判断"):
        judging.group_result(NODES, "root", judgements, names={"D2": "机构设置"})


def test_group_result_refuses_a_dimension_without_indicators():
    with pytest.raises(ValueError, match="下没有任何指标"):
        judging.group_result({**NODES, "D3": []}, "root", _experts([0.5, 0.3, 0.2]))
