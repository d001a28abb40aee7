"""Provisional scores: what can be measured so far, weighted.

Until a campaign's AHP weights are frozen the weights are equal (scoring.indicators.equal_weights); the
score is renormalised over the indicators measured so far, so it is on the final 百分制 scale.
"""

from dataclasses import dataclass

from bianzhi.figures import StaffingFigures
from bianzhi.selectors import unit_staffing
from evaluations.models import Campaign, CampaignTarget
from surveys.selectors import EMPTY_STATS, SatisfactionStats, satisfaction_stats_by_target

from . import indicators
from .scores import GRADE_LABELS, grade, staffing_in_place, weighted_score


@dataclass(frozen=True)
class TargetScore:
    target: CampaignTarget
    satisfaction: SatisfactionStats
    staffing: StaffingFigures
    organ_on_institutional_quota: bool
    indicator_scores: dict[str, float]
    score: float | None
    grade: str | None

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, "—")


def target_indicator_scores(
    *, staffing: StaffingFigures, organ_on_institutional_quota: bool, satisfaction: SatisfactionStats
) -> dict[str, float]:
    scores = {
        indicators.STAFFING_IN_PLACE: staffing_in_place(staffing.approved, staffing.actual),
        indicators.QUOTA_RULES_KEPT: 0.0 if staffing.overstaffing or organ_on_institutional_quota else 1.0,
    }
    if satisfaction.rate is not None:
        scores[indicators.RECIPIENT_SATISFACTION] = satisfaction.rate
    return scores


def target_scores(*, campaign: Campaign, targets=None) -> list[TargetScore]:
    """Scores of the campaign's units (or of `targets`, a subset), in a fixed number of queries."""
    if targets is None:
        targets = campaign.targets.all()
    targets = targets.select_related("unit").prefetch_related("unit__quotas")
    stats = satisfaction_stats_by_target(campaign=campaign)
    weights = indicators.equal_weights()
    results = []
    for target in targets:
        staffing, on_institutional = unit_staffing(unit=target.unit)
        satisfaction = stats.get(target.pk, EMPTY_STATS)
        indicator_scores = target_indicator_scores(
            staffing=staffing, organ_on_institutional_quota=on_institutional, satisfaction=satisfaction
        )
        score = weighted_score(indicator_scores, weights)
        results.append(
            TargetScore(
                target=target, satisfaction=satisfaction, staffing=staffing,
                organ_on_institutional_quota=on_institutional, indicator_scores=indicator_scores,
                score=score, grade=grade(score, campaign.grade_cutoffs),
            )
        )
    return results
