"""Who may see a unit's score, and how it is labelled, at each stage of its campaign.

A score computed before the results are fed back (反馈结果) rests on whatever has been measured so far: a new
campaign scores on the registry alone. A liaison therefore sees no score until 反馈结果; the office (and
leaders) see it marked 暂定, with how many of the campaign's indicators it rests on.
"""

from dataclasses import dataclass

from bianzhi import access

from .indicators import campaign_indicator_codes
from .models import Campaign

S = Campaign.Status
RELEASED = frozenset({S.FEEDBACK, S.REVIEW, S.SUMMARY, S.CLOSED})


def results_released(campaign: Campaign) -> bool:
    return campaign.status in RELEASED


@dataclass(frozen=True)
class ShownScore:
    score: float | None
    grade: str | None
    grade_label: str
    provisional: bool
    scored: int  # indicators the score rests on
    total: int  # the campaign's indicators


def score_shown(result, user) -> ShownScore | None:
    """What `user` may see of a unit's score `result` (a scoring TargetScore); None: nothing at all."""
    campaign = result.target.campaign
    released = results_released(campaign)
    if not released and not access.may(user, "results.view_provisional", result.target):
        return None
    codes = campaign_indicator_codes(campaign)
    scored = sum(1 for code in codes if result.indicator_scores.get(code) is not None)
    return ShownScore(score=result.score, grade=result.grade, grade_label=result.grade_label,
                      provisional=not released, scored=scored, total=len(codes))
