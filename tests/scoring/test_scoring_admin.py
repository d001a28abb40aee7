"""The admin shows a tree, its indicators, experts and judgements, and changes none of them, before the freeze or
after (the services change them: guarded and audited; tests/test_admin.py checks every admin the same way)."""

import pytest
from django.urls import reverse

from bianzhi.models import User
from scoring import services

from ..factories import UserFactory, campaign_tree_factory
from .test_tree_services import judge_all

pytestmark = pytest.mark.django_db


def test_admin_shows_the_tree_read_only_before_and_after_the_freeze(client, evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    expert = services.expert_invite(tree=tree, name="张教授", actor=evaluator)
    judge_all(tree, expert)
    indicator = tree.indicators.get(code="D1_01")
    client.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    indicator_url = reverse("admin:scoring_treeindicator_change", args=[indicator.pk])
    assert 'name="name"' not in client.get(indicator_url).content.decode()  # shown read only, before the freeze too

    services.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=evaluator)
    page = client.get(indicator_url).content.decode()
    assert 'name="name"' not in page  # shown read only
    response = client.post(indicator_url, {"name": "改名", "code": "D1_01", "tree": tree.pk,
                                           "dimension": indicator.dimension_id, "kind": "evaluator",
                                           "direction": "positive", "full_marks": "10", "position": 1})
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.name == "合法合规度"
    judgement = expert.judgements.first()
    for url in (reverse("admin:scoring_indicatortree_change", args=[tree.pk]),
                reverse("admin:scoring_expert_change", args=[expert.pk]),
                reverse("admin:scoring_judgement_change", args=[judgement.pk])):
        assert 'type="submit"' not in client.get(url).content.decode().split('id="content-main"')[1]
    assert client.post(reverse("admin:scoring_treeindicator_delete", args=[indicator.pk]), {"post": "yes"}).status_code == 403
    freeze_url = reverse("admin:scoring_weightfreeze_change", args=[tree.freeze.pk])
    assert client.post(freeze_url, {}).status_code == 403
    assert client.post(reverse("admin:scoring_treeindicator_add"), {
        "name": "新", "code": "D1_99", "tree": tree.pk, "dimension": indicator.dimension_id, "kind": "evaluator",
        "direction": "positive", "full_marks": "10", "position": 9, "rule": "sheet", "params": "{}"}).status_code == 403
    assert not tree.indicators.filter(code="D1_99").exists()
