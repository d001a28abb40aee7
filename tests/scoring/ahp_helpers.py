"""Answers an expert would give, for tests: from the weights they have in mind."""

from scoring import ahp, judging


def answers_for(weights, *, flip=None):
    """The upper-triangle answers closest to `weights` (consistent up to the scale's rounding).

    flip=(i, j) reverses that one judgement, to make the matrix inconsistent."""
    answers = {}
    for i, j in judging.pairs(len(weights)):
        value = ahp.nearest_scale(weights[i] / weights[j])
        if (i, j) == flip:
            value = 1 / value if value != 1 else 9
        answers[(i, j)] = judging.value_to_answer(value)
    return answers


def post_data(answers):
    return {f"p{i}_{j}": ("" if a is None else str(a)) for (i, j), a in answers.items()}
