"""The consistency gate on the freeze: who is left out and why, the group CR, the override, the method."""

import pytest
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from evaluations.models import CampaignEvent
from scoring import ahp, services
from scoring.models import ROOT_NODE, Judgement, WeightFreeze

from ..factories import campaign_tree_factory
from .ahp_helpers import answers_for
from .test_tree_services import judge_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(evaluator):
    return campaign_tree_factory(actor=evaluator)


def test_an_inconsistent_expert_is_left_out_by_default_with_the_reason(tree, evaluator):
    good, bad = (services.expert_invite(tree=tree, name=n, actor=evaluator) for n in ("张教授", "王研究员"))
    judge_all(tree, good)
    judge_all(tree, bad, flip_root=(0, 7))
    cr = Judgement.objects.get(expert=bad, node=ROOT_NODE).cr
    assert cr >= 0.10
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)
    assert [e["name"] for e in freeze.experts] == ["张教授"]
    (left_out,) = freeze.excluded_experts
    assert left_out["name"] == "王研究员" and left_out["gate"] and f"「评估维度」CR = {cr:.2f} ≥ 0.10" in left_out["reason"]


def test_an_expert_with_blank_matrices_is_left_out(tree, evaluator):
    full, partial = (services.expert_invite(tree=tree, name=n, actor=evaluator) for n in ("张教授", "李处长"))
    judge_all(tree, full)
    services.judgement_save(expert=partial, node=ROOT_NODE, answers=answers_for(list(range(1, 9))))  # 1 of 9
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)
    assert freeze.excluded_experts[0]["reason"] == "8 个判断矩阵（共 9 个）未填写"
    assert freeze.consistency[ROOT_NODE]["experts"] == 1


def test_a_group_cr_not_below_the_threshold_needs_a_written_reason_recorded_in_the_event(tree, evaluator):
    expert = services.expert_invite(tree=tree, name="王研究员", actor=evaluator)
    judge_all(tree, expert, flip_root=(0, 7))
    keep = frozenset({expert.pk})  # the evaluator keeps the expert the gate would leave out
    with pytest.raises(ApplicationError, match="评估维度（CR 0\\.\\d+）"):
        services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator, include=keep)
    assert not WeightFreeze.objects.filter(tree=tree).exists()
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator, include=keep,
                                     override_reason="专家论证会一致同意维度排序")
    assert freeze.override_reason == "专家论证会一致同意维度排序" and freeze.consistency[ROOT_NODE]["cr"] >= 0.10
    event = CampaignEvent.objects.filter(type=CampaignEvent.Type.WEIGHTS_FROZEN).get()
    assert event.data["override_reason"] == "专家论证会一致同意维度排序" and event.data["inconsistent"][0]["node"] == "评估维度"


@pytest.mark.parametrize("method", ["eigenvector", "geometric_mean", "arithmetic_mean"])
def test_the_priority_method_is_chosen_at_the_freeze_and_recorded(tree, evaluator, method):
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    judge_all(tree, expert, {ROOT_NODE: [1, 2, 3, 4, 5, 6, 7, 9]})
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator,
                                     priority_method=method)
    root = Judgement.objects.get(expert=expert, node=ROOT_NODE).matrix
    expected = ahp.priorities(root, method=method).weights
    assert freeze.priority_method == method
    assert [freeze.local_weights[ROOT_NODE][f"D{k}"] for k in range(1, 9)] == pytest.approx(expected, abs=1e-12)


def test_the_freeze_page_shows_the_weights_and_asks_for_confirmation(client, tree, evaluator):
    good, bad = (services.expert_invite(tree=tree, name=n, actor=evaluator) for n in ("张教授", "王研究员"))
    judge_all(tree, good)
    judge_all(tree, bad, flip_root=(0, 7))
    client.force_login(evaluator)
    url = reverse("scoring:weights_freeze", args=[tree.campaign.pk])
    page = client.get(url, {"method": "aij", "ri_table": "saaty1980"}).content.decode()
    assert 'id="freeze-weights"' in page and "王研究员" in page and "一致性检验未通过" in page
    data = {"method": "aij", "ri_table": "saaty1980", "priority_method": "geometric_mean"}
    response = client.post(url, data)
    assert response.status_code == 400 and "请勾选确认后再冻结" in response.content.decode()
    assert not WeightFreeze.objects.filter(tree=tree).exists()
    client.post(url, {**data, "confirm": "on"})
    assert WeightFreeze.objects.get(tree=tree).priority_method == "geometric_mean"
