import pytest

from surveys.models import Form
from surveys.services import ballots_issue, form_create

from ..factories import CampaignTargetFactory, QuotaFactory

STAFF_ANSWERS = {f"d{n}": "satisfied" for n in range(1, 9)}


@pytest.fixture
def staff_form(evaluator):
    target = CampaignTargetFactory()
    QuotaFactory(unit=target.unit, approved=12, actual=10)
    return form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)


@pytest.fixture
def staff_target(staff_form):
    return staff_form.campaign.targets.get()


@pytest.fixture
def box(staff_form, staff_target, evaluator):
    return ballots_issue(form=staff_form, target=staff_target, actor=evaluator)


@pytest.fixture
def sheet(evaluator):
    """The evaluation sheet (评估表) of a campaign of one unit, open now."""
    target = CampaignTargetFactory()
    return form_create(campaign=target.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)


@pytest.fixture
def target(sheet):
    """The one unit of the sheet's campaign."""
    return sheet.campaign.targets.get()
