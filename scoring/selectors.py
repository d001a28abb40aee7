"""Reads: indicator trees, experts and judgements, and the provisional scores.

Until a campaign's AHP weights are frozen the weights are equal (scoring.indicators.equal_weights); after the
freeze the frozen global weights are used. The score is renormalised over the indicators measured so far, so
it is on the final 百分制 scale.
"""

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from bianzhi.figures import StaffingFigures
from bianzhi.selectors import snapshot_staffing, unit_staffing
from evaluations.hooks import campaign_column
from evaluations.indicators import CampaignDimension, CampaignIndicator, default_block
from evaluations.models import Campaign, CampaignTarget
from surveys.selectors import EMPTY_STATS, SatisfactionStats, satisfaction_stats_by_target, signed_sheet_points

from . import indicators
from .models import ROOT_NODE, Expert, IndicatorTree, Judgement, TreeDimension, TreeIndicator, WeightFreeze
from .tree_defaults import DEFAULT_TEMPLATE_NAME
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
    subset = targets is not None  # one unit's report reads that unit's answers, not the campaign's
    if targets is None:
        targets = campaign.targets.all()
    targets = targets.select_related("unit", "registry_version").prefetch_related("unit__quotas")
    stats = satisfaction_stats_by_target(campaign=campaign, targets=targets if subset else None)
    sheets = signed_sheet_points(campaign=campaign, target_ids=[t.pk for t in targets] if subset else None)
    freeze = WeightFreeze.objects.filter(tree__campaign=campaign).only("global_weights").first()
    weights = freeze.global_weights if freeze else indicators.equal_weights()
    results = []
    for target in targets:
        staffing, on_institutional = (
            snapshot_staffing(target.registry_version.data) if target.registry_version else unit_staffing(unit=target.unit)
        )
        satisfaction = stats.get(target.pk, EMPTY_STATS)
        # The evaluators' signed sheet scores every indicator; what data measure (the registry, the
        # recipients' answers) takes precedence over their judgement of the same indicator.
        indicator_scores = sheets.get(target.pk, {}) | target_indicator_scores(
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


@campaign_column("result")
def _campaign_scores(campaign: Campaign) -> dict[int, TargetScore]:
    return {result.target.pk: result for result in target_scores(campaign=campaign)}


def target_score(*, target: CampaignTarget) -> TargetScore:
    """The score of one unit in its campaign (its report, its liaison's page)."""
    (result,) = target_scores(campaign=target.campaign, targets=CampaignTarget.objects.filter(pk=target.pk))
    return result


# ---------------------------------------------------------------- indicator trees

def template_list() -> QuerySet[IndicatorTree]:
    return IndicatorTree.objects.filter(campaign__isnull=True).order_by("-created_at")


def campaign_tree(*, campaign: Campaign) -> IndicatorTree | None:
    """The campaign's own tree, with its dimensions and indicators in order; None before it is copied."""
    return (
        IndicatorTree.objects.filter(campaign=campaign)
        .select_related("freeze", "freeze__frozen_by", "campaign")
        .prefetch_related(Prefetch("dimensions", TreeDimension.objects.prefetch_related("indicators")))
        .first()
    )


def tree_for_campaign(campaign: Campaign) -> IndicatorTree | None:
    """The tree a campaign evaluates with: its own copy, or the default template until it has one."""
    return (
        IndicatorTree.objects.filter(Q(campaign=campaign) | Q(campaign__isnull=True, name=DEFAULT_TEMPLATE_NAME))
        .order_by(F("campaign").asc(nulls_last=True))  # its own copy first
        .prefetch_related(Prefetch("dimensions", TreeDimension.objects.prefetch_related("indicators")))
        .first()
    )


def campaign_tree_read(campaign: Campaign) -> list[CampaignDimension]:
    """The campaign's dimensions and indicators for the apps below (registered in ScoringConfig.ready)."""
    tree = tree_for_campaign(campaign)
    if tree is None:  # no template in the database at all: the static seed of the default template
        return [
            CampaignDimension(
                code=d.code, name=d.name, block=default_block(d.code),
                indicators=tuple(CampaignIndicator(code=i.code, name=i.name, dimension_code=d.code, negative=i.negative)
                                 for i in d.indicators),
            )
            for d in indicators.DIMENSIONS
        ]
    return [
        CampaignDimension(
            code=d.code, name=d.name, block=default_block(d.code),
            indicators=tuple(
                CampaignIndicator(
                    code=i.code, name=i.name, dimension_code=d.code, guideline=i.guideline, kind=i.kind,
                    source=i.source, full_marks=i.full_marks, negative=i.direction == TreeIndicator.Direction.NEGATIVE,
                )
                for i in d.indicators.all()
            ),
        )
        for d in tree.dimensions.all()
    ]


def tree_frozen(tree: IndicatorTree) -> WeightFreeze | None:
    try:
        return tree.freeze
    except WeightFreeze.DoesNotExist:
        return None


def tree_nodes(*, tree: IndicatorTree) -> dict[str, tuple[list[str], list[str]]]:
    """Every comparison matrix of the tree: node key -> (compared codes, their names), in matrix order.

    ROOT_NODE compares the dimensions; each dimension's code compares its indicators.
    """
    dimensions = list(tree.dimensions.prefetch_related("indicators"))
    nodes = {ROOT_NODE: ([d.code for d in dimensions], [d.name for d in dimensions])}
    for d in dimensions:
        indicators_ = list(d.indicators.all())
        nodes[d.code] = ([i.code for i in indicators_], [i.name for i in indicators_])
    return nodes


def node_label(node: str, tree_node_names: dict[str, str]) -> str:
    return "评估维度之间" if node == ROOT_NODE else f"「{tree_node_names.get(node, node)}」内各指标之间"


def dimension_get(*, tree: IndicatorTree, pk: int) -> TreeDimension:
    return get_object_or_404(TreeDimension, tree=tree, pk=pk)


def indicator_get(*, tree: IndicatorTree, pk: int) -> TreeIndicator:
    return get_object_or_404(TreeIndicator.objects.select_related("dimension"), tree=tree, pk=pk)


# ---------------------------------------------------------------- experts and judgements

def expert_get_by_token(*, token: str) -> Expert:
    return get_object_or_404(Expert.objects.select_related("tree__campaign"), token=token, tree__campaign__isnull=False)


def expert_list(*, tree: IndicatorTree) -> QuerySet[Expert]:
    return tree.experts.prefetch_related("judgements")


def expert_get(*, tree: IndicatorTree, pk: int) -> Expert:
    return get_object_or_404(Expert, tree=tree, pk=pk)


def judgement_is_current(judgement: Judgement, nodes: dict[str, tuple[list[str], list[str]]]) -> bool:
    """A judgement counts only while the node still compares exactly the items it compared."""
    return judgement.node in nodes and nodes[judgement.node][0] == judgement.items


@dataclass
class JudgementInputs:
    nodes: dict[str, list[str]]  # node -> child codes
    names: dict[str, str]  # node -> its name
    judgements: dict[str, list[tuple[float, list]]] = field(default_factory=dict)  # node -> [(expert weight, matrix)]
    included: list[Expert] = field(default_factory=list)
    excluded: list[Expert] = field(default_factory=list)


def tree_judgement_inputs(*, tree: IndicatorTree) -> JudgementInputs:
    """What the group aggregation takes in: the current judgements of the experts not excluded."""
    nodes = tree_nodes(tree=tree)
    dimension_names = dict(zip(*nodes[ROOT_NODE]))
    inputs = JudgementInputs(
        nodes={key: codes for key, (codes, _names) in nodes.items()},
        names={ROOT_NODE: "评估维度", **dimension_names},
    )
    for expert in expert_list(tree=tree):
        if expert.excluded:
            inputs.excluded.append(expert)
            continue
        current = [j for j in expert.judgements.all() if judgement_is_current(j, nodes)]
        if current:
            inputs.included.append(expert)
        for j in current:
            inputs.judgements.setdefault(j.node, []).append((float(expert.weight), j.matrix))
    return inputs
