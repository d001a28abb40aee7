"""The pages: the tree with its weights, the expert's comparison pages (with and without JS), the aggregation
page and the freeze, the xlsx export; who may see and do what."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bianzhi.models import User
from scoring import ahp, services
from scoring.models import ROOT_NODE, Judgement, WeightFreeze

from ..factories import CampaignTargetFactory, UnitFactory, UserFactory, campaign_tree_factory
from .ahp_helpers import answers_for, post_data
from .test_tree_services import judge_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(evaluator):
    return campaign_tree_factory(actor=evaluator)


def test_an_evaluator_copies_the_default_tree_from_the_page(client, evaluator):
    campaign = CampaignTargetFactory().campaign
    services.default_template_ensure()
    client.force_login(evaluator)
    assert client.get(reverse("scoring:ahp", args=[campaign.pk])).status_code == 302  # no tree yet: to the tree page
    page = client.get(reverse("scoring:tree", args=[campaign.pk]))
    assert "还没有指标体系" in page.content.decode()
    template = page.context["templates"].get()
    response = client.post(reverse("scoring:tree_copy", args=[campaign.pk]), {"template": template.pk}, follow=True)
    assert "已复制指标体系" in response.content.decode()
    assert campaign.indicator_tree.indicators.count() == 41


def test_the_tree_page_edits_until_frozen_and_shows_weights_after(client, evaluator, tree):
    campaign = tree.campaign
    client.force_login(evaluator)
    url = reverse("scoring:tree", args=[campaign.pk])
    assert "重命名" in client.get(url).content.decode()
    dimension = tree.dimensions.get(code="D2")
    client.post(reverse("scoring:dimension_rename", args=[campaign.pk, dimension.pk]), {"name": "内设机构"})
    dimension.refresh_from_db()
    assert dimension.name == "内设机构"
    # a blank name is refused with the reason, nothing changes
    response = client.post(reverse("scoring:dimension_rename", args=[campaign.pk, dimension.pk]), {"name": ""}, follow=True)
    assert "名称不能为空" in response.content.decode()

    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    judge_all(tree, expert)
    client.post(reverse("scoring:weights_freeze", args=[campaign.pk]),
                {"method": "aij", "ri_table": "saaty1980", "priority_method": "eigenvector", "confirm": "on"})
    freeze = WeightFreeze.objects.get(tree=tree)
    page = client.get(url).content.decode()
    assert "权重已冻结" in page and "重命名" not in page and "删除维度" not in page
    assert f"{freeze.global_weights['D1_01']:.4f}" in page
    response = client.post(reverse("scoring:dimension_rename", args=[campaign.pk, dimension.pk]), {"name": "再改"}, follow=True)
    assert "指标权重已冻结" in response.content.decode()
    dimension.refresh_from_db()
    assert dimension.name == "内设机构"


def test_the_indicator_form_moves_an_indicator_and_keeps_what_was_typed_on_error(client, evaluator, tree):
    client.force_login(evaluator)
    indicator = tree.indicators.get(code="D1_05")
    url = reverse("scoring:indicator_edit", args=[tree.campaign.pk, indicator.pk])
    d7 = tree.dimensions.get(code="D7")
    data = {"dimension": d7.pk, "name": "适应发展度", "kind": "evaluator", "direction": "positive", "full_marks": "0",
            "source": "评估表", "guideline": "我写的评分标准"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "我写的评分标准" in response.content.decode() and "适应发展度" in response.content.decode()
    response = client.post(url, {**data, "full_marks": "8"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.dimension, indicator.name, indicator.full_marks) == (d7, "适应发展度", 8)
    response = client.post(reverse("scoring:indicator_add", args=[tree.campaign.pk]), {**data, "full_marks": "5", "name": "新指标"})
    assert response.status_code == 302 and tree.indicators.get(name="新指标").code == "D7_07"  # D7 holds 5 + the moved one


def test_leaders_read_liaisons_and_strangers_do_not(client, evaluator, leader, liaison, tree):
    url = reverse("scoring:tree", args=[tree.campaign.pk])
    client.force_login(leader)
    page = client.get(url)
    assert page.status_code == 200 and "重命名" not in page.content.decode()
    assert client.get(reverse("scoring:ahp", args=[tree.campaign.pk])).status_code == 200
    assert client.post(reverse("scoring:dimension_add", args=[tree.campaign.pk]), {"name": "x"}).status_code == 403
    assert client.post(reverse("scoring:weights_freeze", args=[tree.campaign.pk])).status_code == 403
    client.force_login(liaison)
    assert client.get(url).status_code == 404  # a unit outside the campaign: the campaign is not there for them
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_expert_judges_without_javascript(client, evaluator, tree):
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    index = client.get(reverse("scoring:judge_index", args=[expert.token])).content.decode()
    assert "张教授" in index and "评估维度之间" in index and "「机构设置」内各指标之间" in index
    url = reverse("scoring:judge_node", args=[expert.token, ROOT_NODE])
    page = client.get(url).content.decode()
    # only the upper triangle: 28 pairs among 8 dimensions, each with both sides and the Chinese scale
    assert page.count("<select") == 28
    assert '<option value="5">明显重要（5）：「职能配置」更重要</option>' in page
    assert '<option value="-9">极端重要（9）：「机构设置」更重要</option>' in page
    assert '<option value="-4">重要程度 4（介于 3 与 5 之间）：「机构设置」更重要</option>' in page
    assert '<option value="1">同等重要（1）</option>' in page

    answers = answers_for([8, 7, 6, 5, 4, 3, 2, 1], flip=(0, 7))
    response = client.post(url, post_data(answers), follow=True)
    page = response.content.decode()
    judgement = Judgement.objects.get(expert=expert, node=ROOT_NODE)
    assert judgement.cr >= 0.10  # inconsistent, saved all the same
    assert "判断已保存" in page and f"CR = {judgement.cr:.3f}" in page and "未通过一致性检验" in page
    assert "把「职能配置」对「日常管理」的判断从 1/8 改为" in page
    assert 'value="-8" selected' in page  # the saved answer (1/8) is shown again


def test_the_expert_page_keeps_the_answers_when_they_are_too_few(client, evaluator, tree):
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    url = reverse("scoring:judge_node", args=[expert.token, "D1"])
    response = client.post(url, {"p0_1": "3", "p0_2": "", "p1_2": "-5"})
    page = response.content.decode()
    assert response.status_code == 400 and "已作出的判断太少" in page and "您已选择的内容都已保留" in page
    assert 'value="3" selected' in page and 'value="-5" selected' in page
    assert not Judgement.objects.exists()


def test_live_feedback_comes_from_the_engine(client, evaluator, tree):
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    url = reverse("scoring:judge_preview", args=[expert.token, "D2"])
    data = client.post(url, {"p0_1": "-3"}).json()
    assert data["weights"] == pytest.approx({"D2_01": 0.25, "D2_02": 0.75}) and data["cr"] == 0
    assert "75%" in data["html"]
    data = client.post(reverse("scoring:judge_preview", args=[expert.token, "D4"]), {"p0_1": "2"}).json()
    assert data["weights"] is None and "已作出的判断太少" in data["error"] and "已作出的判断太少" in data["html"]
    assert client.post(url, {"p0_1": "12"}).status_code == 400
    assert not Judgement.objects.exists()  # the preview saves nothing


def test_an_unknown_token_or_matrix_is_a_404(client, evaluator, tree):
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    assert client.get(reverse("scoring:judge_index", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("scoring:judge_node", args=[expert.token, "D99"])).status_code == 404


def test_the_aggregation_page_shows_each_expert_and_the_group_then_freezes(client, evaluator, tree):
    experts = [services.expert_invite(tree=tree, name=n, actor=evaluator) for n in ("张教授", "李处长")]
    judge_all(tree, experts[0])
    judge_all(tree, experts[1], flip_root=(0, 7))
    client.force_login(evaluator)
    url = reverse("scoring:ahp", args=[tree.campaign.pk])
    page = client.get(url, {"method": "aip", "ri_table": "saaty1980"})
    assert page.context["group"].local[ROOT_NODE].cr >= 0.10  # AIP shows the worst expert's CR
    html = page.content.decode()
    assert "张教授" in html and "李处长" in html and experts[0].token in html and 'class="flag">CR' in html
    # each expert's matrices as written, with the CR under the RI table chosen on the page
    root = Judgement.objects.get(expert=experts[1], node=ROOT_NODE)
    cell = client.get(url, {"method": "aij", "ri_table": "alonso_lamata"}).context["experts"][1]["cells"][0]
    assert cell["cr"] == pytest.approx(ahp.priorities(root.matrix, ri_table="alonso_lamata").cr) != root.cr
    assert cell["rows"][0] == ("职能配置", ["1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "8"])  # the flipped one last
    assert f'id="matrices-{experts[1].pk}"' in html

    response = client.post(reverse("scoring:expert_update", args=[tree.campaign.pk, experts[1].pk]),
                           {f"e{experts[1].pk}-weight": "2.5", f"e{experts[1].pk}-excluded": "on",
                            f"e{experts[1].pk}-exclude_reason": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "排除专家时必须填写理由" in html
    assert f'name="e{experts[1].pk}-weight" value="2.5"' in html  # what was typed is kept
    response = client.post(reverse("scoring:expert_invite", args=[tree.campaign.pk]), {"name": "", "affiliation": "市委党校"})
    assert response.status_code == 400 and "请填写专家姓名" in response.content.decode()
    assert 'value="市委党校"' in response.content.decode()
    client.post(reverse("scoring:expert_update", args=[tree.campaign.pk, experts[1].pk]),
                {f"e{experts[1].pk}-weight": "1", f"e{experts[1].pk}-excluded": "on",
                 f"e{experts[1].pk}-exclude_reason": "判断矩阵不一致"})
    group = client.get(url).context["group"]
    assert group.local[ROOT_NODE].experts == 1
    response = client.post(reverse("scoring:weights_freeze", args=[tree.campaign.pk]),
                           {"method": "aij", "ri_table": "saaty1980", "priority_method": "eigenvector", "confirm": "on"},
                           follow=True)
    assert "权重已冻结" in response.content.decode()
    freeze = WeightFreeze.objects.get(tree=tree)
    assert freeze.global_weights == pytest.approx(group.global_weights)
    assert freeze.excluded_experts[0]["reason"] == "判断矩阵不一致"


def test_the_tree_exports_to_xlsx_with_its_weights(client, evaluator, leader, tree):
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    judge_all(tree, expert)
    freeze = services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)
    client.force_login(leader)
    response = client.get(reverse("scoring:tree_xlsx", args=[tree.campaign.pk]))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(tuple(["编码", "维度", "指标", "指标类型", "方向", "满分", "数据来源", "评分标准", "局部权重", "全局权重"]))
    body = rows[header + 1:]
    assert "张教授" in rows[1][0]
    indicator_rows = [r for r in body if r[2]]
    assert len(indicator_rows) == 41 and len(body) == 49
    by_code = {r[0]: r for r in body}
    assert by_code["D1"][9] == pytest.approx(freeze.local_weights[ROOT_NODE]["D1"])
    assert by_code["D6_10"][4] == "负向" and by_code["D6_10"][1] == "履职尽责"
    assert by_code["D3_03"][9] == pytest.approx(freeze.global_weights["D3_03"])  # not rounded
    assert sum(r[9] for r in indicator_rows) == pytest.approx(1)
    checks = list(load_workbook(BytesIO(response.content))["一致性检验"].iter_rows(values_only=True))
    assert checks[1][:2] == ("评估维度", 8) and checks[1][4] == pytest.approx(freeze.consistency[ROOT_NODE]["cr"])
    assert checks[-1][0] == "总体一致性比率 CR" and checks[-1][4] == pytest.approx(freeze.hierarchy_cr)


def test_another_campaign_of_a_liaison_is_a_404_in_the_pages(client, tree):
    UserFactory(role=User.Role.LIAISON, unit=UnitFactory())
    admin = UserFactory(role=User.Role.ADMIN)
    client.force_login(admin)
    assert client.get(reverse("scoring:tree", args=[tree.campaign.pk + 999])).status_code == 404
