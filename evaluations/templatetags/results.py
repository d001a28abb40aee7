from django import template

from ..results_release import score_shown

register = template.Library()


@register.filter
def shown_to(result, user):
    """`{% with shown=result|shown_to:user %}`: the score as `user` may see it, or None."""
    return score_shown(result, user)


@register.inclusion_tag("inc/_score.html")
def score_cell(result, user, with_grade=False):
    """A score as `user` may see it: the figure, 暂定 and its basis until the results are fed back."""
    return {"shown": score_shown(result, user), "with_grade": with_grade}
