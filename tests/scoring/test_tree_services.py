"""The indicator tree in the database: the shipped template, a campaign's copy, edits until the freeze."""

import importlib
import math
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from bianzhi.exceptions import ApplicationError
from evaluations.models import Campaign, CampaignEvent
from scoring import ahp, indicators, services
from scoring.models import ROOT_NODE, IndicatorTree, Judgement, TreeIndicator, WeightFreeze
from scoring.selectors import template_list, tree_nodes
from scoring.tree_defaults import DEFAULT_TEMPLATE_NAME

from ..factories import CampaignTargetFactory, campaign_tree_factory
from .ahp_helpers import answers_for

pytestmark = pytest.mark.django_db


def test_the_data_migration_ships_the_default_template():
    # run the migration's own function (an earlier transactional test may have flushed what it created)
    IndicatorTree.objects.filter(campaign=None).delete()
    migration = importlib.import_module("scoring.migrations.0002_default_indicator_tree")
    migration.create_default_tree(django_apps, None)
    migration.create_default_tree(django_apps, None)  # idempotent
    assert template_list().get().name == DEFAULT_TEMPLATE_NAME
    assert TreeIndicator.objects.filter(tree__campaign=None).count() == 41


def test_the_default_tree_has_8_dimensions_and_41_indicators():
    tree = services.default_template_ensure()
    assert [d.name for d in tree.dimensions.all()] == [d.name for d in indicators.DIMENSIONS]
    rows = list(tree.indicators.all())
    assert len(rows) == 41 and [i.code for i in rows] == list(indicators.INDICATORS)
    assert all(i.guideline and i.source and i.full_marks > 0 for i in rows)
    by_code = {i.code: i for i in rows}
    assert by_code["D6_10"].direction == TreeIndicator.Direction.NEGATIVE
    assert sum(i.direction == "negative" for i in rows) == 1
    assert by_code["D3_03"].kind == TreeIndicator.Kind.OBJECTIVE
    assert by_code["D6_08"].kind == TreeIndicator.Kind.SUBJECTIVE
    assert by_code["D1_01"].kind == TreeIndicator.Kind.EVALUATOR


def test_a_campaign_gets_its_own_copy_once(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    assert tree.campaign is not None and tree.indicators.count() == 41 and tree.dimensions.count() == 8
    assert tree.campaign.events.filter(type=CampaignEvent.Type.TREE_COPIED).exists()
    with pytest.raises(ApplicationError, match="已有指标体系"):
        services.campaign_tree_copy(campaign=tree.campaign, template=tree.source, actor=evaluator)
    other = CampaignTargetFactory().campaign
    with pytest.raises(ApplicationError, match="只能从指标体系模板复制"):
        services.campaign_tree_copy(campaign=other, template=tree, actor=evaluator)
    # editing the copy leaves the template alone
    services.indicator_update(indicator=tree.indicators.get(code="D1_01"), name="依法履职度", actor=evaluator)
    assert tree.source.indicators.get(code="D1_01").name == "合法合规度"


def test_evaluators_add_drop_rename_and_move_until_the_freeze(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    d9 = services.dimension_add(tree=tree, name="数字化履职", actor=evaluator)
    assert d9.code == "D9" and d9.position == 9
    added = services.indicator_add(dimension=d9, name="政务数据共享度", kind="evaluator", guideline="按时共享得满分",
                                   actor=evaluator)
    assert added.code == "D9_01"
    services.dimension_rename(dimension=d9, name="数字化履职能力", actor=evaluator)
    moved = services.indicator_update(indicator=tree.indicators.get(code="D1_05"), dimension=d9, actor=evaluator)
    assert moved.dimension == d9 and moved.position == 2
    services.indicator_remove(indicator=tree.indicators.get(code="D8_06"), actor=evaluator)
    services.dimension_remove(dimension=tree.dimensions.get(code="D2"), actor=evaluator)
    nodes = tree_nodes(tree=tree)
    assert nodes[ROOT_NODE][1][-1] == "数字化履职能力" and "D2" not in nodes
    assert nodes["D9"][0] == ["D9_01", "D1_05"] and "D8_06" not in nodes["D8"][0]
    assert tree.indicators.count() == 41 + 1 - 1 - 2
    types = set(tree.campaign.events.values_list("type", flat=True))
    assert {"dimension_added", "indicator_added", "dimension_renamed", "indicator_changed", "indicator_removed",
            "dimension_removed"} <= types


def test_edits_are_validated(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    with pytest.raises(ApplicationError, match="名称不能为空"):
        services.dimension_rename(dimension=tree.dimensions.first(), name="  ", actor=evaluator)
    with pytest.raises(ApplicationError, match="满分必须大于 0"):
        services.indicator_update(indicator=tree.indicators.first(), full_marks=Decimal("0"), actor=evaluator)
    other = campaign_tree_factory(actor=evaluator)
    with pytest.raises(ApplicationError, match="只能移动到本指标体系的维度"):
        services.indicator_update(indicator=tree.indicators.first(), dimension=other.dimensions.first(), actor=evaluator)
    assert tree.indicators.first().dimension.tree_id == tree.pk


def test_a_campaigns_tree_is_saved_as_a_template_for_next_year(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    services.indicator_remove(indicator=tree.indicators.get(code="D8_05"), actor=evaluator)
    template = services.tree_template_save(tree=tree, name="2027 年度指标体系", actor=evaluator)
    assert template.is_template and template.indicators.count() == 40
    assert template.indicators.get(code="D6_10").direction == "negative"
    with pytest.raises(ApplicationError, match="已有同名的指标体系模板"):
        services.tree_template_save(tree=tree, name="2027 年度指标体系", actor=evaluator)
    next_year = CampaignTargetFactory(campaign__year=2027).campaign
    copy = services.campaign_tree_copy(campaign=next_year, template=template, actor=evaluator)
    assert copy.indicators.count() == 40


def judge_all(tree, expert, weights_by_node=None, flip_root=None):
    """An expert answers every matrix of the tree, from weights in mind (default: 1, 2, 3, ... increasing)."""
    for node, (codes, _names) in tree_nodes(tree=tree).items():
        if len(codes) < 2:
            continue
        weights = (weights_by_node or {}).get(node) or list(range(1, len(codes) + 1))
        services.judgement_save(expert=expert, node=node,
                                answers=answers_for(weights, flip=flip_root if node == ROOT_NODE else None))


@pytest.fixture
def judged_tree(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    experts = [services.expert_invite(tree=tree, name=name, actor=evaluator) for name in ("张教授", "李处长", "王研究员")]
    judge_all(tree, experts[0])
    judge_all(tree, experts[1], {ROOT_NODE: [8, 7, 6, 5, 4, 3, 2, 1]})
    judge_all(tree, experts[2], flip_root=(0, 7))
    return tree, experts


def test_an_inconsistent_matrix_is_saved_with_its_cr(judged_tree):
    _tree, experts = judged_tree
    root = Judgement.objects.get(expert=experts[2], node=ROOT_NODE)
    assert root.cr >= 0.10 and root.cr == pytest.approx(ahp.priorities(root.matrix).cr)
    assert Judgement.objects.get(expert=experts[0], node=ROOT_NODE).cr < 0.10
    assert root.items == [f"D{k}" for k in range(1, 9)]


@pytest.mark.parametrize("answers, message", [
    ({(0, 1): 3}, "已作出的判断太少"),
    ({(0, 1): 10, (0, 2): 1, (1, 2): 1}, "判断只能取 1～9 标度"),
    ({(0, 1): 0, (0, 2): 1, (1, 2): 1}, "判断只能取 1～9 标度"),
    ({(0, 1): -1, (0, 2): 1, (1, 2): 1}, "判断只能取 1～9 标度"),
])
def test_judgements_that_cannot_give_weights_are_refused(evaluator, answers, message):
    tree = campaign_tree_factory(actor=evaluator)
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    with pytest.raises(ApplicationError, match=message):
        services.judgement_save(expert=expert, node="D1", answers=answers)
    with pytest.raises(ApplicationError, match="没有这个判断矩阵"):
        services.judgement_save(expert=expert, node="D404", answers={(0, 1): 1})
    assert not expert.judgements.exists()


def test_a_judgement_goes_stale_when_its_dimension_is_edited(judged_tree, evaluator):
    tree, experts = judged_tree
    services.indicator_remove(indicator=tree.indicators.get(code="D1_05"), actor=evaluator)
    # the stale matrix counts as blank: every expert is left out by the consistency gate, with the reason
    with pytest.raises(ApplicationError, match="没有可参与集结的专家：张教授（1 个判断矩阵（共 9 个）未填写）"):
        services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)
    for expert in experts:
        services.judgement_save(expert=expert, node="D1", answers=answers_for([4, 3, 2, 1]))
    assert services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)


def test_excluding_an_expert_needs_a_reason(judged_tree, evaluator):
    _tree, experts = judged_tree
    with pytest.raises(ApplicationError, match="排除专家时必须填写理由"):
        services.expert_update(expert=experts[2], weight=Decimal("1"), excluded=True, exclude_reason=" ", actor=evaluator)
    experts[2].refresh_from_db()
    assert not experts[2].excluded


def test_freezing_records_who_when_how_which_experts_and_the_weights(judged_tree, evaluator):
    tree, experts = judged_tree
    services.expert_update(expert=experts[0], weight=Decimal("2"), excluded=False, exclude_reason="", actor=evaluator)
    services.expert_update(expert=experts[2], weight=Decimal("1"), excluded=True, exclude_reason="多次修改后仍不一致",
                           actor=evaluator)
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="alonso_lamata", actor=evaluator)
    assert freeze.frozen_by == evaluator and freeze.method == "aij" and freeze.ri_table == "alonso_lamata"
    assert [e["name"] for e in freeze.experts] == ["张教授", "李处长"]
    assert [e["weight"] for e in freeze.experts] == ["2.00", "1.00"]
    assert freeze.excluded_experts == [{"id": experts[2].pk, "name": "王研究员", "reason": "多次修改后仍不一致"}]
    assert len(freeze.global_weights) == 41 and math.fsum(freeze.global_weights.values()) == pytest.approx(1)
    # the weights are the engine's: AIJ of the two experts, weighted 2:1
    root = [Judgement.objects.get(expert=e, node=ROOT_NODE).matrix for e in experts[:2]]
    expected = ahp.priorities(ahp.aggregate_judgements(root, [2, 1]), ri_table="alonso_lamata")
    dimensions = [f"D{k}" for k in range(1, 9)]  # by key: jsonb on PostgreSQL does not keep the keys' order
    assert [freeze.local_weights[ROOT_NODE][d] for d in dimensions] == pytest.approx(expected.weights, abs=1e-12)
    assert freeze.consistency[ROOT_NODE]["cr"] == pytest.approx(expected.cr)
    d1 = freeze.local_weights["D1"]
    assert freeze.global_weights["D1_01"] == pytest.approx(freeze.local_weights[ROOT_NODE]["D1"] * d1["D1_01"])
    assert freeze.global_weights["D2_01"] != freeze.global_weights["D1_01"]
    event = tree.campaign.events.get(type=CampaignEvent.Type.WEIGHTS_FROZEN)
    assert event.actor == evaluator and event.data["experts"] == ["张教授", "李处长"]


def test_after_the_freeze_every_service_refuses_and_nothing_changes(judged_tree, evaluator):
    tree, experts = judged_tree
    services.weights_freeze(tree=tree, method="aip", ri_table="saaty1980", actor=evaluator)
    dimension, indicator = tree.dimensions.get(code="D1"), tree.indicators.get(code="D1_01")
    before = (list(tree.indicators.values_list("code", "name", "dimension_id")), list(Judgement.objects.values()))
    attempts = [
        lambda: services.dimension_add(tree=tree, name="新维度", actor=evaluator),
        lambda: services.dimension_rename(dimension=dimension, name="改名", actor=evaluator),
        lambda: services.dimension_remove(dimension=dimension, actor=evaluator),
        lambda: services.indicator_add(dimension=dimension, name="新指标", actor=evaluator),
        lambda: services.indicator_update(indicator=indicator, name="改名", actor=evaluator),
        lambda: services.indicator_update(indicator=indicator, dimension=tree.dimensions.get(code="D2"), actor=evaluator),
        lambda: services.indicator_remove(indicator=indicator, actor=evaluator),
        lambda: services.expert_invite(tree=tree, name="赵专家", actor=evaluator),
        lambda: services.expert_update(expert=experts[0], weight=Decimal("3"), excluded=False, exclude_reason="",
                                       actor=evaluator),
        lambda: services.judgement_save(expert=experts[0], node=ROOT_NODE, answers=answers_for([1] * 8)),
        lambda: services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator),
    ]
    for attempt in attempts:
        with pytest.raises(ApplicationError, match="指标权重已冻结"):
            attempt()
    assert before == (list(tree.indicators.values_list("code", "name", "dimension_id")), list(Judgement.objects.values()))
    assert WeightFreeze.objects.filter(tree=tree).count() == 1


def test_a_closed_campaigns_tree_cannot_change(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    # given: a finished campaign (the stage guards of campaign_advance are the workflow's tests)
    Campaign.objects.filter(pk=tree.campaign_id).update(status=Campaign.Status.CLOSED)
    with pytest.raises(ApplicationError, match="评估已结束"):
        services.dimension_add(tree=tree, name="新维度", actor=evaluator)
    closed = tree.campaign
    tree.delete()  # a closed campaign without a tree does not get one either
    with pytest.raises(ApplicationError, match="评估已结束"):
        campaign_tree_factory(actor=evaluator, campaign=closed)


def test_freezing_needs_experts_and_a_known_method(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    with pytest.raises(ApplicationError, match="还没有专家参与集结"):
        services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)
    with pytest.raises(ApplicationError, match="未知的集结方法"):
        services.weights_freeze(tree=tree, method="mean", ri_table="saaty1980", actor=evaluator)
    template = services.default_template_ensure()
    with pytest.raises(ApplicationError, match="模板不能邀请专家"):
        services.expert_invite(tree=template, name="张教授", actor=evaluator)
    assert not WeightFreeze.objects.exists()


def test_scores_use_the_frozen_weights_once_there_are_some(judged_tree, evaluator):
    from bianzhi.models import Quota
    from evaluations.models import CampaignTarget
    from scoring.scores import weighted_score
    from scoring.selectors import target_scores

    from ..factories import QuotaFactory

    tree, _experts = judged_tree
    target = CampaignTarget.objects.get(campaign=tree.campaign)
    QuotaFactory(unit=target.unit, kind=Quota.Kind.ADMINISTRATIVE, approved=20, actual=10)  # in place: 0.5
    (before,) = target_scores(campaign=tree.campaign)
    assert before.score == pytest.approx(weighted_score(before.indicator_scores, indicators.equal_weights()), abs=0.005)
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)
    (after,) = target_scores(campaign=tree.campaign)
    assert after.score == pytest.approx(weighted_score(after.indicator_scores, freeze.global_weights), abs=0.005)
    assert after.score != pytest.approx(before.score)


def test_an_expert_may_leave_pairs_out_and_the_group_still_uses_the_judgement(judged_tree, evaluator):
    tree, experts = judged_tree
    # 4 of the 10 pairs among D1's 5 indicators, chained so that every indicator is connected
    chain = {(0, 1): 2, (1, 2): 2, (2, 3): -2, (3, 4): 3}
    judgement = services.judgement_save(expert=experts[2], node="D1", answers=chain)
    assert judgement.matrix[0][2] is None and judgement.cr == pytest.approx(ahp.priorities(judgement.matrix).cr)
    # 王研究员's root matrix is inconsistent: the gate would leave them out, so the evaluator keeps them
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator,
                                     include=frozenset({experts[2].pk}), override_reason="专家组讨论后保留")
    d1 = [Judgement.objects.get(expert=e, node="D1").matrix for e in experts]
    expected = ahp.priorities(ahp.aggregate_judgements(d1)).weights
    assert [freeze.local_weights["D1"][f"D1_0{k}"] for k in range(1, 6)] == pytest.approx(expected, abs=1e-12)
