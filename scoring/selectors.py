"""Reads: indicator trees, experts and judgements, and the units' results.

Results come from scoring.results: stored versions from 撰写报告 on, the same computation live (暂定) before.
Until a campaign's AHP weights are frozen the weights are equal over the campaign's own tree.
"""

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bianzhi.access import may, restrict
from bianzhi.figures import StaffingFigures
from bianzhi.selectors import snapshot_staffing, unit_staffing
from evaluations.hooks import campaign_column, campaign_setting
from evaluations.indicators import CampaignDimension, CampaignIndicator, default_block
from evaluations.models import Campaign, CampaignTarget
from evaluations.results_release import released_targets, results_released
from surveys.selectors import EMPTY_STATS, SatisfactionStats, satisfaction_stats_by_target

from . import ahp, indicators, judging, rules
from .models import (
    ROOT_NODE,
    Expert,
    IndicatorTree,
    Judgement,
    ResultVersion,
    TreeDimension,
    TreeIndicator,
    WeightFreeze,
)
from .results import latest_versions, results_compute
from .rules import GRADE_LABELS, INCOMPLETE_LABEL
from .tree_defaults import DEFAULT_TEMPLATE_NAME


def campaign_results(*, campaign: Campaign, targets=None) -> list[ResultVersion]:
    """Each unit's result: the latest stored version from 撰写报告 on, else the live computation (unsaved,
    `provisional` True, marked 暂定 on pages). Units without a stored version yet (added later) are computed
    live and marked 暂定 too. A fixed number of queries."""
    # Versions exist only from 撰写报告 on (results_store), so their presence is the test, not the stage of a
    # campaign object that may have been read before the stage changed.
    versions = latest_versions(campaign=campaign).select_related("target__unit", "actor")
    if targets is not None:
        versions = versions.filter(target__in=targets)
    stored = {v.target_id: v for v in versions}
    wanted = targets if targets is not None else campaign.targets.all()
    missing_ids = set(wanted.values_list("pk", flat=True)) - set(stored)
    live = []
    if missing_ids:
        live = [r for r in results_compute(campaign=campaign) if r.target_id in missing_ids]
    for r in stored.values():
        r.provisional = False
    for r in live:
        r.provisional = True
    return sorted([*stored.values(), *live], key=lambda r: (r.rank_overall or 10**9, r.target.unit.code))


def target_result(*, target: CampaignTarget) -> ResultVersion:
    (result,) = campaign_results(campaign=target.campaign, targets=CampaignTarget.objects.filter(pk=target.pk))
    return result


def result_history(*, target: CampaignTarget):
    return target.result_versions.select_related("actor").order_by("-version")


@dataclass(frozen=True)
class TargetScore:
    """A unit's score as the campaign page, the report and the API have shown it: now read from its result
    (the stored version, or the live one marked 暂定)."""

    target: CampaignTarget
    satisfaction: SatisfactionStats
    staffing: StaffingFigures
    organ_on_institutional_quota: bool
    indicator_scores: dict[str, float]
    score: float | None
    grade: str | None
    result: ResultVersion | None = None

    @property
    def grade_label(self) -> str:
        if self.result is not None and not self.result.complete:
            return INCOMPLETE_LABEL
        return GRADE_LABELS.get(self.grade, "—")


def target_scores(*, campaign: Campaign, targets=None) -> list[TargetScore]:
    """Scores of the campaign's units (or of `targets`, a subset), in a fixed number of queries."""
    subset = targets is not None  # one unit's report reads that unit's answers, not the campaign's
    if targets is None:
        targets = campaign.targets.all()
    targets = targets.select_related("unit", "registry_version").prefetch_related("unit__quotas")
    stats = satisfaction_stats_by_target(campaign=campaign, targets=targets if subset else None)
    by_target = {r.target_id: r for r in campaign_results(campaign=campaign, targets=targets)}
    out = []
    for target in targets:
        staffing, on_institutional = (
            snapshot_staffing(target.registry_version.data) if target.registry_version else unit_staffing(unit=target.unit)
        )
        result = by_target.get(target.pk)
        shares = {c: row["share"] for c, row in result.indicators.items() if row["share"] is not None} if result else {}
        score = float(result.total) if result and result.total is not None else None
        out.append(TargetScore(
            target=target, satisfaction=stats.get(target.pk, EMPTY_STATS), staffing=staffing,
            organ_on_institutional_quota=on_institutional, indicator_scores=shares, score=score,
            grade=(result.grade or None) if result else None, result=result,
        ))
    return out


@campaign_column("result")
def _campaign_scores(campaign: Campaign) -> dict[int, TargetScore]:
    return {result.target.pk: result for result in target_scores(campaign=campaign)}


def target_score(*, target: CampaignTarget) -> TargetScore:
    """The score of one unit in its campaign (its report, its liaison's page): the stored version once stored."""
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


@campaign_setting("min_sample")
def campaign_min_sample(campaign: Campaign) -> int | None:
    """The minimum sample for the satisfaction rate (the scoring settings): the forms' default target sample."""
    return (IndicatorTree.objects.filter(Q(campaign=campaign) | Q(campaign__isnull=True, name=DEFAULT_TEMPLATE_NAME))
            .order_by(F("campaign").asc(nulls_last=True)).values_list("min_sample", flat=True).first())


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
    return _("评估维度之间") if node == ROOT_NODE else _("「%(node)s」内各指标之间") % {"node": tree_node_names.get(node, node)}


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
    # excluded by the consistency gate, not by the evaluator: (expert, reasons)
    gated: list[tuple[Expert, list[str]]] = field(default_factory=list)


def tree_judgement_inputs(*, tree: IndicatorTree, ri_table: str = "saaty1980", gate: bool = False,
                          include: frozenset[int] = frozenset()) -> JudgementInputs:
    """What the group aggregation takes in: the current judgements of the experts not excluded.

    With `gate`, an expert whose matrices are not all filled, or whose CR at some node reaches the tree's
    threshold, is left out with the reasons (unless their id is in `include`: the evaluator kept them).
    """
    nodes = tree_nodes(tree=tree)
    dimension_names = dict(zip(*nodes[ROOT_NODE]))
    inputs = JudgementInputs(
        nodes={key: codes for key, (codes, _names) in nodes.items()},
        names={ROOT_NODE: _("评估维度"), **dimension_names},
    )
    for expert in expert_list(tree=tree):
        if expert.excluded:
            inputs.excluded.append(expert)
            continue
        current = [j for j in expert.judgements.all() if judgement_is_current(j, nodes)]
        if gate and expert.pk not in include:
            judged = {j.node: ahp.priorities(j.matrix, ri_table=ri_table).cr for j in current}
            issues = judging.expert_issues(inputs.nodes, judged, tree.cr_threshold, inputs.names)
            if issues:
                inputs.gated.append((expert, issues))
                continue
        if current:
            inputs.included.append(expert)
        for j in current:
            inputs.judgements.setdefault(j.node, []).append((float(expert.weight), j.matrix))
    return inputs


@dataclass
class FreezePreview:
    inputs: JudgementInputs
    group: "judging.GroupResult | None"
    error: str | None
    inconsistent: list[tuple[str, float]]  # (node name, group CR) at or above the threshold
    threshold: float

    @property
    def may_freeze(self) -> bool:
        return self.group is not None and not self.error


def freeze_preview(*, tree: IndicatorTree, method: str, ri_table: str, priority_method: str = "eigenvector",
                   include: frozenset[int] = frozenset()) -> FreezePreview:
    """What a freeze would do: who is in, who is left out and why, the weights, and the nodes whose group CR
    is not below the threshold (a freeze then needs a written reason)."""
    inputs = tree_judgement_inputs(tree=tree, ri_table=ri_table, gate=True, include=include)
    group, error = None, None
    if not inputs.included:
        gated = _("；").join(_("%(name)s（%(why)s）") % {"name": e.name, "why": _("，").join(why)} for e, why in inputs.gated)
        error = (_("没有可参与集结的专家：%(gated)s") % {"gated": gated} if inputs.gated
                 else _("没有可参与集结的专家（全部被排除或尚未判断）"))
    else:
        try:
            group = judging.group_result(inputs.nodes, ROOT_NODE, inputs.judgements, method, ri_table, inputs.names,
                                         priority_method=priority_method)
        except ValueError as exc:
            error = str(exc)
    inconsistent = []
    if group:
        inconsistent = [(inputs.names.get(key, key), node.cr) for key, node in group.local.items()
                        if node.cr is not None and node.cr >= tree.cr_threshold]
    return FreezePreview(inputs, group, error, inconsistent, tree.cr_threshold)


# ---------------------------------------------------------------- results: who sees what, sensitivity

# A liaison sees their own unit's result once results are fed back (反馈结果) and after.


def results_for_user(*, user, campaign: Campaign) -> list[ResultVersion]:
    """The office and leaders: every unit (live and marked 暂定 before 撰写报告); a liaison: their own unit's
    stored result, and only from 反馈结果 on; anyone else: nothing."""
    if may(user, "results.view_all", campaign):
        return campaign_results(campaign=campaign)
    if results_released(campaign):
        own = list(restrict(campaign.targets.select_related("campaign"), user, "package.view"))  # a liaison: their own unit
        fed_back = released_targets(own)  # …once its own result has been fed back
        own = campaign.targets.filter(pk__in=fed_back)
        return [r for r in campaign_results(campaign=campaign, targets=own) if not r.provisional]
    return []


@dataclass(frozen=True)
class Sensitivity:
    dimension: str
    name: str
    current: float
    lo: float  # no unit's grade changes for the dimension's weight in [lo, hi]
    hi: float
    rank_lo: float  # no two units swap places in [rank_lo, rank_hi] (ahp.rank_stability)
    rank_hi: float
    closest: list[tuple[str, float]]  # (unit name, points to the nearest cut-off)


def results_sensitivity(*, campaign: Campaign, results: list[ResultVersion]) -> list[Sensitivity]:
    """Per dimension weight: the interval in which no unit's grade changes, the one in which the ranking holds,
    and the units closest to a grade boundary. Over the complete results (a unit with 数据不全 has no grade)."""
    complete = [r for r in results if r.complete and r.dimensions]
    if len(complete) < 1:
        return []
    codes = [c for c in complete[0].dimensions if all(r.dimensions.get(c, {}).get("score") is not None for r in complete)]
    if len(codes) < 2:
        return []
    weights = [complete[0].dimensions[c]["weight"] for c in codes]
    scores = {r.target.unit.name: [r.dimensions[c]["score"] for c in codes] for r in complete}
    cutoffs = [float(v) for v in campaign.grade_cutoffs.values()]
    grades = rules.grade_stability(scores, weights, codes, cutoffs)
    ranking = ahp.rank_stability(list(scores.values()), weights) if len(scores) > 1 else None
    return [
        Sensitivity(g.dimension, complete[0].dimensions[g.dimension]["name"], g.current, g.lo, g.hi,
                    ranking[k].lo if ranking else 0.0, ranking[k].hi if ranking else 1.0,
                    [(name, round(d, 2)) for name, d in g.closest])
        for k, g in enumerate(grades)
    ]


def campaign_rule_texts(*, campaign: Campaign) -> dict[str, str]:
    """{indicator code: its scoring rule in words} from the campaign's tree (the default template before it has
    its own). One query."""
    tree = IndicatorTree.objects.filter(campaign=campaign).first() or IndicatorTree.objects.filter(
        campaign__isnull=True).order_by("created_at").first()
    if tree is None:
        return {}
    return {code: rules.rule_text(rule, params, float(full))
            for code, rule, params, full in tree.indicators.values_list("code", "rule", "params", "full_marks")}
