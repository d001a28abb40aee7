"""Result application in a real browser: a liaison of a 较差 unit files a request and sees it refused with
the rule, the campaign and the end date; the office deposits vacant quotas, lends them to a hospital and sees
both units' registry figures change."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bianzhi.models import Quota, Unit, User
from scoring.application_rules import last_day

from ..factories import QuotaFactory, UnitFactory, UserFactory
from ..scoring.register_helpers import evaluated
from .test_registry_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INST = Quota.Kind.INSTITUTIONAL_FULL


def test_a_liaison_files_a_request_and_sees_it_blocked_with_the_reason(browser_page):
    page = browser_page
    unit = UnitFactory(name="临川市统计局")
    QuotaFactory(unit=unit, kind=Quota.Kind.ADMINISTRATIVE, approved=22, actual=21)
    feedback = timezone.localdate() - timedelta(days=20)
    evaluated(unit, grade="poor", feedback_on=feedback, name="年度机构编制评估", year=feedback.year)
    login(page, UserFactory(role=User.Role.LIAISON, unit=unit))

    page.get_by_role("navigation").get_by_role("link", name="编制事项").click()
    page.get_by_role("link", name="登记事项").click()
    until = last_day(feedback, 12).isoformat()
    expect(page.locator("#may-file")).to_contain_text(f"增加编制：暂不受理，至 {until} 止")
    page.get_by_label("事项类别").select_option(label="增加编制")
    page.get_by_label("编制类别").select_option(label="行政编制")
    page.get_by_label("数量").fill("2")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#request-form .errorlist")).to_contain_text("必填")  # asks for the reason in Chinese
    expect(page.get_by_label("数量")).to_have_value("2")
    page.get_by_label("申请理由").fill("承担经济普查任务")
    page.get_by_role("button", name="登记").click()

    expect(page.locator("#status")).to_have_text("不予受理")
    expect(page.locator("#blocked-until")).to_contain_text(until)
    findings = page.locator("#findings")
    expect(findings).to_contain_text("评估结果为一般、较差：一年内不受理调整事项")
    expect(findings).to_contain_text("年度机构编制评估")
    expect(findings).to_contain_text("较差")
    expect(page.locator("#actions")).to_have_count(0)  # a liaison cannot lift the block


def test_the_office_lends_pooled_quotas_and_both_units_figures_change(browser_page):
    page = browser_page
    owner = UnitFactory(code="M105", name="临川市档案馆", kind=Unit.Kind.PUBLIC_INSTITUTION)
    QuotaFactory(unit=owner, kind=INST, approved=18, actual=12)
    hospital = UnitFactory(code="M102", name="临川市人民医院", kind=Unit.Kind.PUBLIC_INSTITUTION)
    QuotaFactory(unit=hospital, kind=INST, approved=400, actual=400)
    login(page, UserFactory(role=User.Role.EVALUATOR))

    page.get_by_role("navigation").get_by_role("link", name="编制周转池").click()
    deposit = page.locator("#movement-form")
    deposit.get_by_label("单位").select_option(label=str(owner.code) + " " + owner.name)
    deposit.get_by_label("编制类别").select_option(label="事业编制（财政全额拨款）")
    deposit.get_by_label("数量").fill("5")
    deposit.get_by_label("文号").fill("临编办〔2026〕21号")
    deposit.get_by_role("button", name="存入周转池").click()
    expect(page.locator("#balances")).to_contain_text("5")

    loan = page.locator("#loan-form")
    loan.get_by_label("借用单位").select_option(label=str(hospital.code) + " " + hospital.name)
    loan.get_by_label("编制类别").select_option(label="事业编制（财政全额拨款）")
    loan.get_by_label("数量").fill("6")
    loan.get_by_label("领域").select_option(label="卫生")
    loan.get_by_label("到期日期").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    loan.get_by_role("button", name="批准借用").click()
    expect(page.locator("#loan-form")).to_contain_text("余额不足")  # only 5 in the pool
    expect(page.locator("#loan-form").get_by_label("数量")).to_have_value("6")
    page.locator("#loan-form").get_by_label("数量").fill("5")
    page.locator("#loan-form").get_by_role("button", name="批准借用").click()
    expect(page.locator("#due")).to_contain_text("临川市人民医院")
    expect(page.locator("#ledger-ok")).to_be_visible()

    page.goto(f"/registry/units/{owner.pk}/")
    row = page.locator("#effective-table tr[data-kind=institutional_full]")
    expect(row.locator("td")).to_have_text(["事业编制（财政全额拨款）", "18", "5", "0", "13", "12", "1", "0"])
    page.goto(f"/registry/units/{hospital.pk}/")
    row = page.locator("#effective-table tr[data-kind=institutional_full]")
    expect(row.locator("td")).to_have_text(["事业编制（财政全额拨款）", "400", "0", "5", "405", "400", "5", "0"])
