"""评估表 in a real browser: an evaluator's file for one indicator goes up through the page's one picker, which
opening the row's files moves into that row (outside the scores' form), then a new version."""

import pytest
from playwright.sync_api import expect

from bianzhi.models import User
from evaluations.models import Upload
from surveys.models import Form
from surveys.services import form_create

from ..evaluations.conftest import PDF, PNG
from ..factories import CampaignTargetFactory, UserFactory
from .test_workflow_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_evaluator_uploads_a_file_beside_an_indicator_and_then_a_new_version(browser_page, tmp_path):
    evaluator = UserFactory(role=User.Role.EVALUATOR, first_name="王评估")
    target = CampaignTargetFactory()
    sheet = form_create(campaign=target.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)
    first, second = tmp_path / "核查记录.pdf", tmp_path / "门牌照片.png"
    first.write_bytes(PDF)
    second.write_bytes(PNG)
    page = browser_page
    login(page, evaluator)
    page.goto(f"/surveys/forms/{sheet.pk}/units/{target.pk}/sheet/")
    page.locator("#d1_02").fill("7")  # typed but not saved: the upload is a form of its own
    row = page.locator("#row-d1_01")
    expect(row.locator("input[type=file]")).to_have_count(0)  # no picker until the row's files are opened
    row.locator("details.sa-files > summary").click()
    row.locator("input[type=file]").set_input_files(str(first))
    row.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已上传：核查记录.pdf（第 1 版）")
    expect(page.locator("#row-d1_01")).to_contain_text("核查记录.pdf")
    expect(page.locator("#row-d1_02")).not_to_contain_text("核查记录.pdf")

    row = page.locator("#row-d1_01")
    row.locator("details.sa-files > summary").click()
    row.get_by_role("button", name="替换为新版本").click()
    expect(row.locator("[data-label]")).to_contain_text("核查记录.pdf")
    row.locator("input[type=file]").set_input_files(str(second))
    row.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("第 2 版")
    expect(page.locator("#row-d1_01")).to_contain_text("门牌照片.png")
    expect(page.locator("#row-d1_01")).not_to_contain_text("核查记录.pdf")
    old, new = Upload.objects.order_by("version")
    assert (old.version, new.version, new.replaces_id) == (1, 2, old.pk) and old.file.read() == PDF
