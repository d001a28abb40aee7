"""The scoring API: tree, judgements (an expert: only their own), aggregation, frozen weights; refusals."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from bianzhi.models import User
from scoring import services
from scoring.models import Judgement

from ..factories import UserFactory, campaign_tree_factory
from .test_tree_services import judge_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def judged(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    experts = [services.expert_invite(tree=tree, name=n, actor=evaluator) for n in ("张教授", "李处长")]
    for expert in experts:
        judge_all(tree, expert)
    return tree, experts


def test_the_tree_with_weights_once_frozen(api, evaluator, judged):
    evaluator.first_name = "赵评估"
    evaluator.save(update_fields=["first_name"])
    tree, _experts = judged
    api.force_authenticate(evaluator)
    url = f"/api/v1/campaigns/{tree.campaign_id}/indicator-tree/"
    data = api.get(url).json()
    assert data["frozen"] is False and len(data["indicators"]) == 41 and data["rows"][0]["local"] is None
    assert api.get(f"/api/v1/campaigns/{tree.campaign_id}/ahp/weights/").status_code == 404
    response = api.post(f"/api/v1/campaigns/{tree.campaign_id}/ahp/freeze/", {"method": "aip", "ri_table": "saaty2005"})
    assert response.status_code == 201 and response.json()["method"] == "aip"
    data = api.get(url).json()
    assert data["frozen"] and data["rows"][0]["code"] == "D1" and data["rows"][1]["global_weight"] > 0
    weights = api.get(f"/api/v1/campaigns/{tree.campaign_id}/ahp/weights/").json()
    assert weights["ri_table"] == "saaty2005" and len(weights["global_weights"]) == 41
    assert weights["frozen_by"] == "赵评估"  # the person's name, not the account's


def test_after_the_freeze_the_api_refuses_every_change(api, evaluator, judged):
    tree, experts = judged
    api.force_authenticate(evaluator)
    api.post(f"/api/v1/campaigns/{tree.campaign_id}/ahp/freeze/", {"method": "aij"})
    indicator = tree.indicators.get(code="D1_01")
    response = api.patch(f"/api/v1/campaigns/{tree.campaign_id}/indicator-tree/indicators/{indicator.pk}/",
                         {"name": "改名"}, format="json")
    assert response.status_code == 400 and "指标权重已冻结" in response.json()["message"]
    response = api.post(f"/api/v1/campaigns/{tree.campaign_id}/ahp/freeze/", {"method": "aij"})
    assert response.status_code == 400 and "指标权重已冻结" in response.json()["message"]
    response = APIClient().put(f"/api/v1/ahp/experts/{experts[0].token}/judgements/",
                               {"node": "D2", "answers": [[0, 1, 5]]}, format="json")
    assert response.status_code == 400 and "指标权重已冻结" in response.json()["message"]
    indicator.refresh_from_db()
    assert indicator.name == "合法合规度"
    assert Judgement.objects.get(expert=experts[0], node="D2").matrix[0][1] != 5


def test_an_indicator_is_renamed_through_the_api_before_the_freeze(api, evaluator, leader, judged):
    tree, _experts = judged
    indicator = tree.indicators.get(code="D1_01")
    url = f"/api/v1/campaigns/{tree.campaign_id}/indicator-tree/indicators/{indicator.pk}/"
    api.force_authenticate(leader)
    assert api.patch(url, {"name": "改名"}, format="json").status_code == 403
    api.force_authenticate(evaluator)
    assert api.patch(url, {"name": "依法履职度"}, format="json").json()["name"] == "依法履职度"


def test_an_expert_sees_and_saves_only_their_own_judgements(judged):
    _tree, experts = judged
    client = APIClient()
    own = client.get(f"/api/v1/ahp/experts/{experts[0].token}/judgements/").json()
    assert {j["node"] for j in own} == set(Judgement.objects.filter(expert=experts[0]).values_list("node", flat=True))
    assert len(own) == Judgement.objects.filter(expert=experts[0]).count()
    response = client.put(f"/api/v1/ahp/experts/{experts[0].token}/judgements/",
                          {"node": "D2", "answers": [[0, 1, -7]]}, format="json")
    assert response.status_code == 200 and response.json()["matrix"][0][1] == pytest.approx(1 / 7)
    assert Judgement.objects.get(expert=experts[1], node="D2").matrix[0][1] != pytest.approx(1 / 7)
    response = client.put(f"/api/v1/ahp/experts/{experts[0].token}/judgements/",
                          {"node": "D1", "answers": [[0, 1, 3]]}, format="json")
    assert response.status_code == 400 and "已作出的判断太少" in response.json()["message"]
    assert client.get("/api/v1/ahp/experts/no-such-token/judgements/").status_code == 404


def test_judgements_and_aggregation_are_for_the_office_and_leaders(api, evaluator, leader, liaison, judged):
    tree, _experts = judged
    base = f"/api/v1/campaigns/{tree.campaign_id}"
    api.force_authenticate(leader)
    experts = api.get(f"{base}/ahp/judgements/").json()
    assert [e["name"] for e in experts] == ["张教授", "李处长"] and len(experts[0]["judgements"]) == 9
    aggregate = api.get(f"{base}/ahp/aggregate/", {"method": "aip"}).json()
    assert aggregate["method"] == "aip" and aggregate["experts"] == ["张教授", "李处长"]
    assert sum(aggregate["global_weights"].values()) == pytest.approx(1)
    assert api.post(f"{base}/ahp/freeze/", {"method": "aij"}).status_code == 403
    api.force_authenticate(liaison)  # a liaison whose unit is not in this campaign: the campaign is invisible
    assert api.get(f"{base}/indicator-tree/").status_code == 404
    assert api.get(f"{base}/ahp/judgements/").status_code == 404


def test_a_liaison_of_a_unit_in_the_campaign_sees_the_tree_but_not_the_judgements(api, client, judged):
    tree, _experts = judged
    liaison = UserFactory(role=User.Role.LIAISON, unit=tree.campaign.targets.get().unit)
    api.force_authenticate(liaison)
    assert api.get(f"/api/v1/campaigns/{tree.campaign_id}/indicator-tree/").status_code == 200
    client.force_login(liaison)  # the page agrees with the API: read, without the office's controls
    page = client.get(reverse("scoring:tree", args=[tree.campaign_id]))
    assert page.status_code == 200 and "重命名" not in page.content.decode()
    assert client.get(reverse("scoring:ahp", args=[tree.campaign_id])).status_code == 403
    assert api.get(f"/api/v1/campaigns/{tree.campaign_id}/ahp/judgements/").status_code == 403
    assert api.get(f"/api/v1/campaigns/{tree.campaign_id}/ahp/aggregate/").status_code == 403
