"""Pure rules of the forms: quality flags, combining evaluators' scores, satisfaction rates. No Django."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean


def too_fast(elapsed_seconds: float | None, questions: int, *, per_question: float, floor: float) -> bool:
    """Filled in a few seconds: faster than `per_question` seconds a question (and never under `floor`).

    None means the start time is unknown (tampered with or missing): that is suspicious too.
    """
    if elapsed_seconds is None:
        return True
    return elapsed_seconds < max(floor, per_question * questions)


def straight_lined(choices: Sequence[str], *, minimum: int = 4) -> bool:
    """The same option everywhere, over at least `minimum` choice questions."""
    return len(choices) >= minimum and len(set(choices)) == 1


def rate(satisfied: int, valid: int) -> float | None:
    """满意率 = (满意 + 基本满意) / valid answers; None when nobody answered."""
    return satisfied / valid if valid else None


def percent(value: float | None) -> str:
    """A rate as the paper prints it: "93.5%" (one decimal, half up), "—" when there is none."""
    if value is None:
        return "—"
    return f"{Decimal(str(value * 100)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def combine_scores(
    scores: Mapping[str, Mapping[int, Decimal]], *, method: str, lead_id: int | None, spread_limit: Decimal
) -> tuple[dict[str, Decimal], set[str]]:
    """Several evaluators' scores of one unit → one score per item, and the items to look at again.

    `scores` maps an item code to {evaluator id: score}. `method` "mean": the mean, to two decimals;
    "lead": the lead evaluator's own score (items the lead has not scored are left out). An item is flagged
    when its highest and lowest scores differ by more than `spread_limit`.
    """
    combined: dict[str, Decimal] = {}
    flagged: set[str] = set()
    for code, by_evaluator in scores.items():
        values = list(by_evaluator.values())
        if not values:
            continue
        if max(values) - min(values) > spread_limit:
            flagged.add(code)
        if method == "lead":
            if lead_id in by_evaluator:
                combined[code] = by_evaluator[lead_id]
        else:
            combined[code] = Decimal(str(mean(values))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return combined, flagged


def split_multiple(values: Iterable[str], options: Sequence[str]) -> list[int]:
    """Multiple choice as one 0/1 column per option, in the options' order."""
    chosen = set(values)
    return [1 if option in chosen else 0 for option in options]


def plain(value: Decimal | None) -> str:
    """10.00 → "10", 7.50 → "7.5" (never "1E+1")."""
    return "" if value is None else format(value.normalize(), "f")


def answer_points(
    question_type: str, value, *, points: Mapping[str, float], min_score: Decimal | None, max_score: Decimal | None
) -> float | None:
    """How an answer turns into points, as a share of full marks in [0, 1] (what scoring.scores expects).

    A choice: its `points` entry (a multiple choice: the mean of its options'). A score: its place between the
    question's lowest and highest score. Text, or a choice without points: None (it feeds no indicator).
    """
    if question_type == "single_choice":
        return float(points[value]) if value in points else None
    if question_type == "multiple_choice":
        scored = [float(points[v]) for v in value if v in points]
        return sum(scored) / len(scored) if scored else None
    if question_type == "score" and value is not None and min_score is not None and max_score:
        return float((Decimal(value) - min_score) / (max_score - min_score))
    return None
