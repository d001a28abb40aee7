"""Between the comparison pages and the engine (scoring.ahp): answers <-> matrices, feedback in Chinese, and the
group result of a whole tree. Pure Python (only Django's gettext), so it is tested without a database.

An answer to the pair (i, j), i < j, is a signed Saaty intensity: +k means item i is k times as important as
item j, -k means item j is k times as important as item i, 1 means equal; None means not answered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import ahp

# Saaty's scale in Chinese; the even values lie between their neighbours.
INTENSITY_WORDS = {1: gettext_lazy("同等重要"), 3: gettext_lazy("稍微重要"), 5: gettext_lazy("明显重要"),
                   7: gettext_lazy("强烈重要"), 9: gettext_lazy("极端重要"),
                   2: gettext_lazy("介于 1 与 3 之间"), 4: gettext_lazy("介于 3 与 5 之间"),
                   6: gettext_lazy("介于 5 与 7 之间"), 8: gettext_lazy("介于 7 与 9 之间")}
ANSWERS = tuple(range(9, 0, -1)) + tuple(range(-2, -10, -1))  # every allowed answer, in the order offered
RI_TABLE_LABELS = {
    "saaty1980": gettext_lazy("Saaty（1980）"),
    "saaty2005": gettext_lazy("Saaty（2005）"),
    "alonso_lamata": gettext_lazy("Alonso & Lamata（2006）"),
    "donegan_dodd": gettext_lazy("Donegan & Dodd（1991）"),
}
DEFAULT_RI_TABLE = "saaty1980"


def pairs(n: int) -> list[tuple[int, int]]:
    """The upper triangle, row by row: the only pairs an expert is asked."""
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


def answer_to_value(answer: int) -> float:
    return float(answer) if answer > 0 else 1.0 / -answer


def value_to_answer(value: float | None) -> int | None:
    """The signed answer a stored a_ij came from (a_ij is always a scale value here)."""
    if value is None:
        return None
    scale = ahp.nearest_scale(value)
    return round(scale) if scale >= 1 else -round(1 / scale)


def matrix_from_answers(n: int, answers: Mapping[tuple[int, int], int | None]) -> list[list[float | None]]:
    matrix: list[list[float | None]] = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
    for (i, j), answer in answers.items():
        if answer is not None:
            matrix[i][j] = answer_to_value(answer)
            matrix[j][i] = 1.0 / matrix[i][j]
    return matrix


def answers_from_matrix(matrix: Sequence[Sequence[float | None]]) -> dict[tuple[int, int], int | None]:
    return {(i, j): value_to_answer(matrix[i][j]) for i, j in pairs(len(matrix))}


def answers_from_weights(weights: Sequence[float]) -> dict[tuple[int, int], int]:
    """The answers of someone who has these weights in mind: each ratio rounded to the nearest scale value
    (consistent up to that rounding). Used for demo data."""
    return {(i, j): value_to_answer(ahp.nearest_scale(weights[i] / weights[j])) for i, j in pairs(len(weights))}


def answer_label(answer: int, names: Sequence[str]) -> str:
    """An option of the comparison of names[0] with names[1]: the intensity first, so that a phone that cuts
    a long option still shows it, then which side is the more important."""
    k = abs(answer)
    if k == 1:
        return _("%(words)s（1）") % {"words": INTENSITY_WORDS[1]}
    more = names[0] if answer > 0 else names[1]
    values = {"words": INTENSITY_WORDS[k], "k": k, "more": more}
    return (_("%(words)s（%(k)s）：「%(more)s」更重要") if k % 2 else _("重要程度 %(k)s（%(words)s）：「%(more)s」更重要")) % values


def scale_label(value: float) -> str:
    """A judgement as people write it: 7, or 1/7."""
    return f"{value:g}" if value >= 1 else f"1/{1 / value:g}"


def engine_error_zh(exc: ValueError, n: int) -> str:
    """The engine's validation errors as the expert should read them (only those a page can cause)."""
    text = str(exc)
    if text.startswith("too few judgements"):
        return _("已作出的判断太少：%(n)s 项之间至少需要 %(k)s 个判断，才能把所有项目联系起来。") % {"n": n, "k": n - 1}
    match = re.search(r"item (\d+) \(row/column", text)
    if match:
        return _("第 %(n)s 项与其他项目之间没有任何判断把它们联系起来，请至少补充一个与它有关的判断。") % {"n": match.group(1)}
    return _("判断矩阵无效：%(error)s") % {"error": text}


@dataclass(frozen=True)
class Feedback:
    """What the expert sees after each change: weights, consistency, and how to become consistent."""

    weights: tuple[float, ...]
    cr: float
    consistent: bool
    hints: tuple[str, ...]
    completed: bool  # some pairs were left out and filled by Harker's method


def feedback(matrix: Sequence[Sequence[float | None]], names: Sequence[str], ri_table: str = DEFAULT_RI_TABLE,
             hint_limit: int = 3) -> Feedback:
    """Raises ValueError with a Chinese message when the answers cannot give weights."""
    n = len(matrix)
    try:
        result = ahp.priorities(matrix, ri_table=ri_table)
        hints = ahp.revision_hints(matrix, limit=hint_limit, ri_table=ri_table) if not result.consistent else []
    except ValueError as exc:
        raise ValueError(engine_error_zh(exc, n)) from None
    texts = tuple(
        _("把「%(a)s」对「%(b)s」的判断从 %(now)s 改为 %(then)s，CR 将从 %(cr)s 降为 %(after)s") % {
            "a": names[h.i], "b": names[h.j], "now": scale_label(h.current), "then": scale_label(h.suggested_scale),
            "cr": f"{result.cr:.2f}", "after": f"{h.cr_after:.2f}"}
        for h in hints
    )
    return Feedback(result.weights, result.cr, result.consistent, texts, result.completed_by is not None)


# ---------------------------------------------------------------- the group result of a tree

@dataclass(frozen=True)
class NodeResult:
    weights: dict[str, float]  # child code -> local weight
    cr: float | None  # of the group matrix (AIJ); for AIP the largest CR among the experts
    ci: float | None
    lambda_max: float | None
    experts: int  # how many experts' matrices went in


@dataclass(frozen=True)
class GroupResult:
    local: dict[str, NodeResult]  # node key -> result
    global_weights: dict[str, float]  # leaf code -> weight, sums to 1
    hierarchy_cr: float | None  # AIJ only: sum(w_k CI_k) / sum(w_k RI_k)


def group_result(
    nodes: Mapping[str, Sequence[str]],
    root: str,
    judgements: Mapping[str, Sequence[tuple[float, Sequence[Sequence[float | None]]]]],
    method: str = "aij",
    ri_table: str = DEFAULT_RI_TABLE,
    names: Mapping[str, str] | None = None,
    priority_method: str = "eigenvector",
) -> GroupResult:
    """Group weights of a two-level tree.

    nodes: node key -> its children's codes, in matrix order (`root` -> dimension codes, each dimension code ->
    its indicator codes). judgements: node key -> [(expert weight, matrix)] of the experts taken into account.
    Raises ValueError (Chinese) when a node with two or more children has no judgement at all.
    priority_method: how each matrix gives weights (ahp.METHODS: 特征向量法, 方根法, 和积法).
    """
    names = names or {}
    tree_nodes: dict[str, ahp.Node] = {}
    aip_cr: dict[str, float] = {}
    for key, children in nodes.items():
        label = names.get(key, key)
        if not children:
            raise ValueError(_("「%(node)s」下没有任何指标，请先添加指标或删除该维度。") % {"node": label})
        given = judgements.get(key, [])
        node = tree_nodes[key] = ahp.Node(key, children=list(children) if key != root else [])
        if len(children) == 1:
            continue
        if not given:
            raise ValueError(_("「%(node)s」还没有专家作出有效判断。") % {"node": label})
        weights = [w for w, _m in given]
        matrices = [m for _w, m in given]
        try:
            if method == "aij":
                node.matrix = ahp.aggregate_judgements(matrices, weights)
                ahp.priorities(node.matrix, ri_table=ri_table)  # to name the node if the group matrix is unusable
            else:
                each = [ahp.priorities(m, method=priority_method, ri_table=ri_table) for m in matrices]
                node.weights = ahp.aggregate_priorities([p.weights for p in each], weights, mean="geometric").tolist()
                aip_cr[key] = max(p.cr for p in each)
        except ValueError as exc:
            raise ValueError(_("「%(node)s」：%(error)s") % {"node": label, "error": engine_error_zh(exc, len(children))}) from None
    top = tree_nodes[root]
    top.children = [tree_nodes[code] for code in nodes[root]]
    synthesis = ahp.synthesize(top, method=priority_method, ri_table=ri_table)
    local = {}
    for key, children in nodes.items():
        p = synthesis.local["" if key == root else key]
        counted = len(judgements.get(key, []))
        if len(children) == 1:  # weight 1, nothing to judge
            local[key] = NodeResult({children[0]: 1.0}, 0.0, 0.0, 1.0, counted)
        elif method == "aij":
            local[key] = NodeResult(dict(zip(children, p.weights)), p.cr, p.ci, p.lambda_max, counted)
        else:
            local[key] = NodeResult(dict(zip(children, p.weights)), aip_cr[key], None, None, counted)
    global_weights = {path.rsplit("/", 1)[-1]: w for path, w in synthesis.global_weights.items()}
    hierarchy_cr = synthesis.cr if method == "aij" else None
    return GroupResult(local, global_weights, hierarchy_cr)


PRIORITY_METHOD_LABELS = {"eigenvector": gettext_lazy("特征向量法"), "geometric_mean": gettext_lazy("方根法"),
                          "arithmetic_mean": gettext_lazy("和积法")}


def expert_issues(nodes: Mapping[str, Sequence[str]], judged: Mapping[str, float], threshold: float,
                  names: Mapping[str, str] | None = None) -> list[str]:
    """Why one expert's judgements should not go into the group (empty: they may).

    nodes: node -> children; judged: node -> the CR of the expert's current matrix there. A matrix not filled
    at all cannot be completed (completion only bridges pairs left out of a connected matrix); a CR at or above
    the threshold is inconsistent.
    """
    names = names or {}
    to_judge = [key for key, children in nodes.items() if len(children) > 1]
    issues = []
    blank = [key for key in to_judge if key not in judged]
    if blank:
        issues.append(_("%(n)s 个判断矩阵（共 %(total)s 个）未填写") % {"n": len(blank), "total": len(to_judge)})
    for key in to_judge:
        if key in judged and judged[key] >= threshold:
            issues.append(_("「%(node)s」CR = %(cr)s ≥ %(t)s") % {"node": names.get(key, key), "cr": f"{judged[key]:.2f}",
                                                                   "t": f"{threshold:.2f}"})
    return issues
