import pytest
from django.core.management import call_command

from scoring.models import Expert, IndicatorTree, Judgement

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_its_tree_judged_by_three_experts_once():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    tree = IndicatorTree.objects.get(campaign__isnull=False)
    assert tree.indicators.count() == 41 and not hasattr(tree, "freeze")
    assert list(Expert.objects.values_list("name", flat=True)) == ["陈教授", "刘处长", "赵研究员"]
    assert Judgement.objects.count() == 3 * 9  # the dimensions and the 8 dimensions' indicators, per expert
