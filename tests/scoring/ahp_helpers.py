"""Answers an expert would give, for tests: from the weights they have in mind."""

from scoring import judging


def answers_for(weights, *, flip=None):
    """The upper-triangle answers closest to `weights`; flip=(i, j) reverses that one judgement, to make the
    matrix inconsistent."""
    answers = judging.answers_from_weights(weights)
    if flip is not None:
        answers[flip] = -answers[flip] if answers[flip] != 1 else 9
    return answers


def post_data(answers):
    return {f"p{i}_{j}": ("" if a is None else str(a)) for (i, j), a in answers.items()}
