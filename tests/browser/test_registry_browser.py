"""The registry in a real browser: an evaluator finds an overstaffed unit, then imports a workbook that is
refused with its errors shown and marked, and imports the corrected one."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from bianzhi.models import Unit, User
from bianzhi.services import registry_import

from ..bianzhi.xlsx import edited, workbook
from ..factories import TEST_PASSWORD, UnitRecordFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, user) -> None:
    page.goto("/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_evaluator_filters_the_registry_and_imports_a_workbook(browser_page):
    page = browser_page
    registry_import(data=workbook(
        UnitRecordFactory(code="M015", name="临川市统计局", quotas=(("administrative", 22, 25),)),
        UnitRecordFactory(code="M016", name="临川市林业局", quotas=(("administrative", 28, 26),)),
    ), actor=None)
    login(page, UserFactory(role=User.Role.EVALUATOR))

    page.get_by_role("navigation").get_by_role("link", name="编制台账").click()
    expect(page.get_by_role("heading", name="编制台账")).to_be_visible()
    page.get_by_label("只看超编单位").check()
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#unit-table")).to_contain_text("临川市统计局")
    expect(page.locator("#unit-table")).not_to_contain_text("临川市林业局")
    expect(page.get_by_label("只看超编单位")).to_be_checked()  # the filter keeps what was chosen
    page.get_by_role("link", name="临川市统计局").click()
    expect(page.locator("#quota-table")).to_contain_text("超编 3")

    page.get_by_role("navigation").get_by_role("link", name="编制台账").click()
    page.get_by_role("link", name="从 Excel 导入").click()
    new = [UnitRecordFactory(code="N1", name="临川市新设局"), UnitRecordFactory(code="N2", name="临川市另设局")]
    bad = edited(workbook(*new), "单位", "R3", -4)
    page.get_by_label("编制台账工作簿（.xlsx）").set_input_files(
        {"name": "台账.xlsx", "mimeType": "application/octet-stream", "buffer": bad})
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-errors")).to_contain_text("不能是负数（-4）")
    expect(page.locator("#import-errors")).to_contain_text("行政编制实有数")
    assert not Unit.objects.filter(code__in=["N1", "N2"]).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载标出错误的工作簿").click()
    marked = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))["单位"]
    assert "不能是负数" in marked["R3"].comment.text

    page.get_by_label("编制台账工作簿（.xlsx）").set_input_files(
        {"name": "台账.xlsx", "mimeType": "application/octet-stream", "buffer": workbook(*new)})
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_text("导入完成：新增 2 个单位")).to_be_visible()  # the import's own page (a background job)
    page.get_by_role("link", name="查看编制台账").click()
    expect(page.locator("#unit-table")).to_contain_text("临川市新设局")
