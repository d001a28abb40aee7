"""The office's account pages (issue 17): create, one-time codes, one step for a campaign's liaisons, Excel
import (all or nothing), and the security audit: append-only, filtered, exported, archived after retention."""

import csv
import gzip
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianzhi.accounts import services
from bianzhi.accounts.archive import security_audit_archive
from bianzhi.accounts.models import SecurityAuditImmutable, SecurityEvent
from bianzhi.models import Unit, User
from bianzhi.spreadsheets import is_formula_text

from ..factories import CampaignFactory, CampaignTargetFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Qingshan2026lake"
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture
def office_admin(db):
    return UserFactory(role=User.Role.ADMIN, first_name="管理员")


@pytest.fixture
def admin_client(office_admin):
    client = Client()
    client.force_login(office_admin)
    return client


def test_only_administrators_open_the_account_pages(evaluator, leader, liaison):
    for user in (evaluator, leader, liaison):
        client = Client()
        client.force_login(user)
        for name in ("accounts:list", "accounts:create", "accounts:audit", "accounts:import"):
            assert client.get(reverse(name)).status_code == 403, (user.role, name)


def test_an_admin_creates_an_account_whose_code_signs_in_once_and_asks_for_a_password(admin_client, office_admin):
    unit = UnitFactory(code="C205")
    response = admin_client.post(reverse("accounts:create"), {
        "username": "Liaison_C205", "name": "张填报", "role": "liaison", "unit": unit.pk, "output": "print"})
    page = response.content.decode()
    code = CODE.search(page).group()
    user = User.objects.get(username="liaison_c205")  # stored lowercase
    assert not user.has_usable_password() and user.unit == unit
    assert code not in json.dumps(list(SecurityEvent.objects.values("data")), default=str)  # never stored
    # the liaison signs in with the code (any case of the username), and must set a password first
    liaison = Client()
    response = liaison.post(reverse("accounts:code_login"), {"username": "LIAISON_C205", "code": code.lower()})
    assert response["Location"] == reverse("accounts:password")
    assert liaison.get(reverse("evaluations:workbench"))["Location"] == reverse("accounts:password")
    liaison.post(reverse("accounts:password"), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert liaison.get(reverse("evaluations:workbench")).status_code == 200
    # the code is used up
    again = Client().post(reverse("accounts:code_login"), {"username": "liaison_c205", "code": code})
    assert "登录码不正确" in again.content.decode()
    assert [e.kind for e in SecurityEvent.objects.filter(user=user).order_by("id")] == [
        "account_created", "code_issued", "login_code", "password_changed"]
    assert SecurityEvent.objects.filter(kind="login_failed", username="liaison_c205").count() == 1


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(admin_client):
    UserFactory(username="wang")
    response = admin_client.post(reverse("accounts:create"), {
        "username": "WANG", "name": "王二", "role": "evaluator", "output": "print"})
    page = response.content.decode()
    assert "已被使用" in page and 'value="王二"' in page and 'value="WANG"' in page
    response = admin_client.post(reverse("accounts:create"), {
        "username": "li_si", "name": "李四", "role": "liaison", "output": "print"})
    assert "部门填报员必须选择所属单位" in response.content.decode()
    assert not User.objects.filter(username="li_si").exists()


def test_one_step_creates_the_liaisons_of_a_campaigns_units_and_exports_their_codes(admin_client):
    campaign = CampaignFactory()
    units = [UnitFactory(code=f"M10{n}") for n in range(3)]
    for unit in units:
        CampaignTargetFactory(campaign=campaign, unit=unit)
    existing = UserFactory(role=User.Role.LIAISON, unit=units[0])
    response = admin_client.post(reverse("accounts:scope_liaisons"), {"scope": f"campaign:{campaign.pk}", "output": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[0][:5] == ("用户名", "姓名", "角色", "单位", "一次性登录码")
    assert sorted(r[0] for r in rows[1:]) == ["liaison_m101", "liaison_m102"]
    assert all(CODE.fullmatch(r[4]) for r in rows[1:])
    assert set(User.objects.filter(role="liaison", unit__in=units).values_list("username", flat=True)) == {
        existing.username, "liaison_m101", "liaison_m102"}
    # again: everyone has an account, nothing new
    response = admin_client.post(reverse("accounts:scope_liaisons"), {"scope": f"campaign:{campaign.pk}", "output": "print"},
                                 follow=True)
    assert "都已有填报员账号" in response.content.decode()


def _workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "账号"
    ws.append(["用户名", "姓名", "角色", "单位代码"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(client, data: bytes, output="print"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("accounts:import"), {
        "file": SimpleUploadedFile("accounts.xlsx", data), "output": output})


def test_the_import_is_all_or_nothing_with_every_error_by_row(admin_client):
    UnitFactory(code="M001")
    UserFactory(username="taken")
    data = _workbook([
        ["zhang_san", "张三", "部门填报员", "M001"],
        ["Taken", "重名", "评估人员", None],
        ["li_si", "李四", "部门填报员", "NOPE"],
        ["wang_wu", "王五", "局长", None],
        ["zhang_san", "张三", "评估人员", None],
        ["bad name!", "空格", "评估人员", None],
        ["=cmd", "=1+1", "评估人员", None],
    ])
    before = User.objects.count()
    page = _upload(admin_client, data).content.decode()
    assert User.objects.count() == before
    for text in ("未导入任何账号", "已存在", "没有单位代码“NOPE”", "应为：", "与第2行的用户名重复", "只能使用字母",
                 "不能使用公式（A8）"):
        assert text in page, text
    template = admin_client.get(reverse("accounts:import_template"))
    assert openpyxl.load_workbook(io.BytesIO(template.content))["账号"]["A1"].value == "用户名"


def test_the_import_refuses_formulas_naming_the_cell(admin_client):
    data = _workbook([["zhao", "=CONCAT(\"a\",\"b\")", "评估人员", None]])
    page = _upload(admin_client, data).content.decode()
    assert "不能使用公式（B2）" in page and not User.objects.filter(username="zhao").exists()


def test_a_good_import_creates_every_account_with_a_code(admin_client):
    UnitFactory(code="M001")
    page = _upload(admin_client, _workbook([
        ["Zhang_San", "张三", "部门填报员", "M001"], ["li_si", "李四", "复核人员", None]])).content.decode()
    assert len(CODE.findall(page)) == 2
    assert User.objects.get(username="zhang_san").unit.code == "M001"
    assert User.objects.get(username="li_si").role == User.Role.REVIEWER
    assert SecurityEvent.objects.filter(kind="accounts_imported").get().data == {"count": 2}


def test_deactivate_and_reactivate_from_the_page(admin_client, office_admin):
    user = UserFactory(role=User.Role.EVALUATOR)
    admin_client.post(reverse("accounts:deactivate", args=[user.pk]), {"reason": "退休"})
    user.refresh_from_db()
    assert not user.is_active and User.objects.filter(pk=user.pk).exists()
    admin_client.post(reverse("accounts:reactivate", args=[user.pk]))
    user.refresh_from_db()
    assert user.is_active
    # an administrator cannot close their own account
    response = admin_client.post(reverse("accounts:deactivate", args=[office_admin.pk]), follow=True)
    assert "不能停用自己的账号" in response.content.decode()


def test_editing_an_account_is_recorded_with_before_and_after(admin_client, office_admin):
    user = UserFactory(role=User.Role.EVALUATOR, first_name="旧名")
    admin_client.post(reverse("accounts:edit", args=[user.pk]), {"name": "新名", "role": "leader", "unit": ""})
    event = SecurityEvent.objects.get(kind="account_changed")
    assert event.actor == office_admin and event.user == user
    assert event.data["before"]["role"] == "evaluator" and event.data["after"] == {
        "name": "新名", "role": "leader", "unit": "", "is_active": True}


# ---------------------------------------------------------------------------------------------------------
# The audit: append-only, filtered, exported safely, archived after the retention
# ---------------------------------------------------------------------------------------------------------
def test_audit_records_refuse_change_and_deletion_in_python():
    event = SecurityEvent.objects.create(kind="login", username="someone")
    event.username = "other"
    with pytest.raises(SecurityAuditImmutable):
        event.save()
    with pytest.raises(SecurityAuditImmutable):
        event.delete()
    with pytest.raises(SecurityAuditImmutable):
        SecurityEvent.objects.filter(pk=event.pk).update(username="other")
    with pytest.raises(SecurityAuditImmutable):
        SecurityEvent.objects.all().delete()


@pytest.mark.parametrize("sql", [
    "UPDATE accounts_securityevent SET username = 'other'",
    "DELETE FROM accounts_securityevent",
    "TRUNCATE accounts_securityevent CASCADE",
])
def test_audit_records_refuse_change_deletion_and_truncation_in_postgresql(postgres, sql):
    SecurityEvent.objects.create(kind="login", username="someone",
                                 created_at=timezone.now() - timedelta(days=1000))  # even far past the retention
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check of the insert
        cursor.execute("SET bianzhi.audit_maintenance = 'off'")  # as in production (the test flush sets it on)
        try:
            with pytest.raises(DatabaseError, match="不可修改或删除"), transaction.atomic():
                cursor.execute(sql)
        finally:
            cursor.execute("SET bianzhi.audit_maintenance = 'on'")
    assert SecurityEvent.objects.get().username == "someone"


def test_old_records_are_archived_to_a_file_not_dropped(tmp_path, settings):
    old = [SecurityEvent.objects.create(kind="login", username=f"old{n}",
                                        created_at=timezone.now() - timedelta(days=200 + n)) for n in range(3)]
    recent = SecurityEvent.objects.create(kind="login", username="recent",
                                          created_at=timezone.now() - timedelta(days=100))
    result = security_audit_archive(retention_days=180, out_dir=tmp_path)
    assert result.count == 3
    archived = [json.loads(line) for line in gzip.open(result.path, "rt", encoding="utf-8")]
    assert sorted(r["username"] for r in archived) == ["old0", "old1", "old2"]
    assert {r["id"] for r in archived} == {e.pk for e in old}
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert (tmp_path / (result.path.name + ".sha256")).exists()
    assert security_audit_archive(retention_days=180, out_dir=tmp_path).count == 0


def test_the_audit_page_filters_and_exports_without_live_formulas(admin_client):
    hostile = "=cmd|' /C calc'!A0"
    for text in (hostile, "+1", "-2", "@SUM(A1)", "\tx", "plain_user"):
        Client().post(reverse("login"), {"username": text, "password": "wrong-password"},
                      REMOTE_ADDR="10.7.7.7", HTTP_USER_AGENT="=HYPERLINK(\"http://x\")")
    page = admin_client.get(reverse("accounts:audit"), {"kind": "login_failed", "username": "plain"}).content.decode()
    assert "plain_user" in page and "@sum" not in page
    csv_text = admin_client.get(reverse("accounts:audit"), {"format": "csv"}).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(csv_text)) for cell in row]
    xlsx = admin_client.get(reverse("accounts:audit"), {"format": "xlsx"}).content
    cells += [c for row in openpyxl.load_workbook(io.BytesIO(xlsx)).active.values for c in row if isinstance(c, str)]
    assert any("cmd|" in c for c in cells)
    live = [c for c in cells if is_formula_text(c)]  # a plain number ("-2") is a number, not a formula
    assert not live, live


def test_the_first_administrator_is_created_from_the_shell_with_a_code():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_admin", "Chief", stdout=out)
    code = CODE.search(out.getvalue()).group()
    user = User.objects.get(username="chief")
    assert user.role == User.Role.ADMIN and user.is_superuser and not user.has_usable_password()
    client = Client()
    client.post(reverse("accounts:code_login"), {"username": "chief", "code": code})
    client.post(reverse("accounts:password"), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert client.get(reverse("accounts:list")).status_code == 200


def test_a_new_code_resets_a_forgotten_password_and_voids_the_previous_code(admin_client, office_admin):
    user = UserFactory(role=User.Role.EVALUATOR)
    first = services.signin_codes_issue(actor=office_admin, users=[user])[0].code
    page = admin_client.post(reverse("accounts:codes"), {"user": [user.pk], "output": "print"}).content.decode()
    second = CODE.search(page).group()
    assert second != first
    assert "登录码不正确" in Client().post(reverse("accounts:code_login"),
                                      {"username": user.username, "code": first}).content.decode()
    assert Client().post(reverse("accounts:code_login"),
                         {"username": user.username, "code": second})["Location"] == reverse("accounts:password")


def test_an_expired_code_is_refused(office_admin, settings):
    user = UserFactory(role=User.Role.EVALUATOR)
    code = services.signin_codes_issue(actor=office_admin, users=[user])[0].code
    from bianzhi.accounts.models import AccountState

    AccountState.objects.filter(user=user).update(code_expires_at=timezone.now() - timedelta(minutes=1))
    assert services.signin_code_redeem(username=user.username, code=code) is None


def test_the_list_filters_accounts_and_an_admin_unlocks_an_address(admin_client, settings):
    UserFactory(username="zhang_liaison", role=User.Role.LIAISON, unit=UnitFactory(name="临川市审计局"))
    UserFactory(username="wang_eval", role=User.Role.EVALUATOR, is_active=False)
    page = admin_client.get(reverse("accounts:list"), {"q": "审计"}).content.decode()
    assert "zhang_liaison" in page and "wang_eval" not in page
    page = admin_client.get(reverse("accounts:list"), {"active": "0"}).content.decode()
    assert "wang_eval" in page and "zhang_liaison" not in page
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="10.3.3.3")
    assert "10.3.3.3" in admin_client.get(reverse("accounts:list")).content.decode()
    admin_client.post(reverse("accounts:unlock"), {"ip_address": "10.3.3.3"})
    assert "10.3.3.3" not in admin_client.get(reverse("accounts:list")).content.decode()
    user = UserFactory()
    from ..factories import TEST_PASSWORD

    response = Client().post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD},
                             REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 302


def _account_admin_urls():
    """Every URL of the accounts namespace except the two every user needs (code sign-in, own password)."""
    from django.urls import get_resolver

    accounts = get_resolver().namespace_dict["accounts"][1]
    names = sorted({n for n in accounts.reverse_dict if isinstance(n, str)} - {"code_login", "password"})
    assert len(names) >= 10
    return [(n, reverse(f"accounts:{n}", kwargs={"pk": 1} if "pk" in _params(accounts, n) else {})) for n in names]


def _params(resolver, name):
    return {p for possibility in resolver.reverse_dict.getlist(name) for _, params in possibility[0] for p in params}


def test_every_account_page_refuses_everyone_but_administrators(evaluator, leader, liaison):
    target = UserFactory(pk=1) if not User.objects.filter(pk=1).exists() else User.objects.get(pk=1)
    before = (User.objects.count(), SecurityEvent.objects.exclude(kind__in=["login"]).count())
    for user in (evaluator, leader, liaison, UserFactory(role=User.Role.REVIEWER)):
        client = Client()
        client.force_login(user)
        for name, url in _account_admin_urls():
            for method in ("get", "post"):
                status = getattr(client, method)(url, {"user": [target.pk], "username": target.username}).status_code
                assert status in (403, 405), (user.role, method, name, status)
    assert (User.objects.count() - 1, SecurityEvent.objects.exclude(kind__in=["login"]).count()) == before


def test_printed_codes_exported_to_excel_hold_no_live_formula(admin_client):
    campaign = CampaignFactory()
    CampaignTargetFactory(campaign=campaign, unit=UnitFactory(code="M900", name="=HYPERLINK(\"http://x\")局"))
    response = admin_client.post(reverse("accounts:scope_liaisons"), {"scope": f"campaign:{campaign.pk}", "output": "xlsx"})
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values for c in row
             if isinstance(c, str)]
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if is_formula_text(c)]


def test_one_step_for_every_active_unit_of_the_registry_skips_abolished_ones(admin_client):
    active = UnitFactory(code="M301")
    UnitFactory(code="M302", status=Unit.Status.ABOLISHED, abolished_on=timezone.localdate())
    page = admin_client.post(reverse("accounts:scope_liaisons"), {"scope": "registry:active", "output": "print"})
    assert "liaison_m301" in page.content.decode()
    assert list(User.objects.filter(role="liaison").values_list("unit", flat=True)) == [active.pk]
    assert "请选择单位范围" in admin_client.post(reverse("accounts:scope_liaisons"), {
        "scope": "campaign:999999", "output": "print"}, follow=True).content.decode()
