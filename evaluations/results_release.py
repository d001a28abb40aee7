"""Who may see a unit's score, and how it is labelled, at each stage of its campaign.

A score computed before the results are fed back (反馈结果) rests on whatever has been measured so far: a new
campaign scores on the registry alone. A liaison therefore sees no score until the office has fed back *their
unit's* result (reports.followup records the day per unit and answers through the hook "feedback_on"; without
that app the campaign's stage decides); the office (and leaders) see it marked 暂定 until the campaign's
results are fed back, with how many of the campaign's indicators it rests on.
"""

from dataclasses import dataclass

from bianzhi import access

from . import hooks
from .indicators import campaign_indicator_codes
from .models import Campaign, CampaignTarget

S = Campaign.Status
RELEASED = frozenset({S.FEEDBACK, S.REVIEW, S.SUMMARY, S.CLOSED})


def results_released(campaign: Campaign) -> bool:
    """The campaign's stage is past 反馈结果 (each unit still waits for its own feedback: released_targets)."""
    return campaign.status in RELEASED


def released_targets(targets) -> set[int]:
    """The ids of those targets whose result has been fed back to the unit (one query)."""
    ids = [t.pk for t in targets if results_released(t.campaign)]
    fed_back = hooks.target_expression_of("feedback_on")
    if fed_back is None or not ids:
        return set(ids)
    return set(CampaignTarget.objects.filter(pk__any=ids).alias(fed_back_on=fed_back)
               .filter(fed_back_on__isnull=False).values_list("pk", flat=True))


def target_released(target) -> bool:
    return target.pk in released_targets([target])


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
    # a liaison: only once their unit's own result has been fed back
    if not access.may(user, "results.view_provisional", result.target) and not (released and target_released(result.target)):
        return None
    codes = campaign_indicator_codes(campaign)
    scored = sum(1 for code in codes if result.indicator_scores.get(code) is not None)
    return ShownScore(score=result.score, grade=result.grade, grade_label=result.grade_label,
                      provisional=not released, scored=scored, total=len(codes))
