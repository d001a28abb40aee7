"""Score aggregation and grades: pure functions, no Django.

Indicator scores are fractions in [0, 1]; a unit's score is on the 百分制 (0–100).
"""

from collections.abc import Mapping
from decimal import Decimal


def weighted_score(indicator_scores: Mapping[str, float], weights: Mapping[str, float]) -> float | None:
    """100 × the weighted mean of the indicators that have a score.

    Weights are renormalised over the scored indicators, so a provisional score (some indicators not yet
    measured) is on the same scale as the final one. None when nothing is scored yet.
    """
    scored = {code: s for code, s in indicator_scores.items() if s is not None and weights.get(code, 0) > 0}
    total_weight = sum(weights[code] for code in scored)
    if not total_weight:
        return None
    for code, score in scored.items():
        if not 0 <= score <= 1:
            raise ValueError(f"indicator {code}: score {score} outside [0, 1]")
    return 100 * sum(weights[code] * score for code, score in scored.items()) / total_weight


def staffing_in_place(approved: int, actual: int) -> float:
    """人员配备到位度: the share of approved posts filled; overstaffing (超编) is forbidden and scores 0."""
    if actual > approved:
        return 0.0
    return 1.0 if approved == 0 else actual / approved


def grade(score: float | Decimal | None, cutoffs: Mapping[str, Decimal]) -> str | None:
    """优秀 / 良好 / 一般 / 较差 as ASCII codes, from the campaign's cut-offs."""
    if score is None:
        return None
    score = Decimal(str(score))
    for code in ("excellent", "good", "fair"):
        if score >= cutoffs[code]:
            return code
    return "poor"


GRADE_LABELS = {"excellent": "优秀", "good": "良好", "fair": "一般", "poor": "较差"}
