"""The campaign's indicator tree is the one source: an indicator added, renamed or removed in the tree before
the freeze shows up (or disappears) in the self-assessment, the forms, the field visit and the report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services as workflow
from evaluations.indicators import campaign_indicator_codes, campaign_indicators
from evaluations.models import Campaign
from reports.services import report_context
from scoring import services as tree_services
from scoring.models import TreeIndicator
from scoring.services import campaign_tree_copy, default_template_ensure
from surveys.models import Form
from surveys.services import form_create, question_add

from .evaluations.conftest import accept_all, advance_to, make_world
from .factories import CampaignFactory
from .reports.helpers import signed_report

pytestmark = pytest.mark.django_db

NEW_NAME = "数字化履职水平"
RENAMED = "合法合规程度（改）"


@pytest.fixture
def world():
    world = make_world()
    tree = campaign_tree_copy(campaign=world.campaign, template=default_template_ensure(), actor=world.evaluator)
    d1 = tree.dimensions.get(code="D1")
    added = tree_services.indicator_add(dimension=d1, actor=world.evaluator, name=NEW_NAME, guideline="全程网办得满分")
    tree_services.indicator_update(indicator=tree.indicators.get(code="D1_01"), actor=world.evaluator, name=RENAMED)
    tree_services.indicator_remove(indicator=tree.indicators.get(code="D1_02"), actor=world.evaluator)
    world.added = added.code
    return world.refresh()


def fresh(campaign):
    return Campaign.objects.get(pk=campaign.pk)  # no tree read cached on the object


def test_the_campaign_reads_its_own_tree(world):
    indicators = campaign_indicators(fresh(world.campaign))
    assert indicators[world.added].name == NEW_NAME and indicators[world.added].guideline == "全程网办得满分"
    assert indicators["D1_01"].name == RENAMED
    assert "D1_02" not in indicators
    assert len(indicators) == 41  # 41 + 1 − 1


def test_another_campaign_keeps_the_default_template(world):
    other = CampaignFactory()
    indicators = campaign_indicators(other)
    assert "D1_02" in indicators and indicators["D1_01"].name == "合法合规度" and NEW_NAME not in {
        i.name for i in indicators.values()
    }


def test_the_self_assessment_has_a_row_per_indicator_of_the_tree(world, client):
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    items = {code: (Decimal("8"), "说明") for code in campaign_indicator_codes(fresh(world.campaign))}
    workflow.self_assessment_save(target=world.target, actor=world.liaison, items=items)
    saved = set(workflow.current_self_assessment(world.target).items.exclude(score=None).values_list("indicator_code", flat=True))
    assert world.added in saved and "D1_02" not in saved
    client.force_login(world.liaison)
    page = client.get(reverse("evaluations:self_assessment", args=[world.target.pk])).content.decode()
    assert NEW_NAME in page and RENAMED in page and "完整清晰度" not in page


def test_the_forms_are_written_from_the_tree(world):
    sheet = form_create(campaign=world.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=world.evaluator)
    texts = dict(sheet.questions.values_list("indicator", "text"))
    assert texts[world.added] == NEW_NAME and texts["D1_01"] == RENAMED and "D1_02" not in texts
    questionnaire = form_create(campaign=world.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=world.evaluator,
                                opens_at=timezone.now() + timedelta(days=7))  # still editable
    question = question_add(form=questionnaire, actor=world.evaluator, text="新题", type="short_text",
                            indicator=world.added)
    assert question.dimension == "D1"
    with pytest.raises(Exception, match="D1_02"):
        question_add(form=questionnaire, actor=world.evaluator, text="旧题", type="short_text", indicator="D1_02")


def test_the_field_visit_checks_every_indicator_of_the_tree(world, client):
    accept_all(world)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    client.force_login(world.evaluator)
    page = client.get(reverse("evaluations:field_visit", args=[world.target.pk])).content.decode()
    assert NEW_NAME in page and RENAMED in page and "完整清晰度" not in page
    workflow.field_visit_save(target=world.target, actor=world.evaluator, fields={},
                              checks={world.added: ("已全程网办", False)})
    assert world.target.field_visit.checks.get(indicator_code=world.added).finding == "已全程网办"


def test_the_report_names_indicators_as_the_tree_does(world):
    version = signed_report(world.target, world.evaluator)  # the report's figures, as signed
    names = {row["code"]: row["name"] for row in report_context(version=version)["f"]["indicators"]}
    assert "D1_02" not in names
    assert all(names[code] == TreeIndicator.objects.get(tree__campaign=world.campaign, code=code).name for code in names)
