"""Sign-in security (issue 17, 等保 2.0 身份鉴别): password policy, case-insensitive usernames, the demo
password, lockout and unlock, expiry, idle timeout, sign-out everywhere, deactivated accounts."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianzhi.accounts import services
from bianzhi.accounts.models import AccountState, SecurityEvent
from bianzhi.accounts.sessions import LAST_SEEN
from bianzhi.models import User

from ..factories import TEST_PASSWORD, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Qingshan2026lake"


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD, ip: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def kinds(**filters) -> list[str]:
    return list(SecurityEvent.objects.filter(**filters).order_by("created_at", "id").values_list("kind", flat=True))


@pytest.fixture
def office_admin(db):
    return UserFactory(role=User.Role.ADMIN, first_name="管理员")


# ---------------------------------------------------------------------------------------------------------
# Password policy
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("password", "message"), [
    ("Ab1", "至少 10 个字符"),
    ("onlyletterslong", "同时包含字母和数字"),
    ("1234567890123", "同时包含字母和数字"),
    ("bianzhi-demo", "演示密码"),
    ("liaison_c205x1", "相似"),  # like the username
])
def test_the_password_policy_refuses_weak_passwords_in_chinese(password, message):
    user = User(username="liaison_c205", role=User.Role.EVALUATOR)
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, user)
    assert any(message in m for m in caught.value.messages), caught.value.messages


def test_a_strong_password_passes_the_policy():
    password_validation.validate_password(GOOD_PASSWORD, User(username="liaison_c205"))


# ---------------------------------------------------------------------------------------------------------
# Usernames without case; the demo password
# ---------------------------------------------------------------------------------------------------------
def test_usernames_are_case_insensitive_at_sign_in(client):
    UserFactory(username="liaison_c205", role=User.Role.LIAISON, unit=UnitFactory(code="C205"))
    response = sign_in(client, "liaison_C205")
    assert response.status_code == 302 and signed_in(client)
    assert kinds(username="liaison_c205") == [SecurityEvent.Kind.LOGIN]


def test_two_accounts_cannot_differ_only_by_case():
    UserFactory(username="liaison_c205")
    with pytest.raises(IntegrityError):
        UserFactory(username="Liaison_C205")


def test_the_demo_password_is_refused_outside_debug(client, settings):
    user = UserFactory()
    user.set_password("bianzhi-demo")
    user.save()
    settings.DEBUG = False
    assert sign_in(client, user.username, "bianzhi-demo").status_code == 200 and not signed_in(client)
    failure = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert failure.data == {"reason": "demo_password"} and failure.username == user.username
    settings.DEBUG = True  # `make run`: the demo accounts work
    assert sign_in(client, user.username, "bianzhi-demo").status_code == 302 and signed_in(client)


# ---------------------------------------------------------------------------------------------------------
# Lockout (django-axes) and unlock
# ---------------------------------------------------------------------------------------------------------
def test_repeated_failures_lock_the_account_even_for_the_right_password_until_an_admin_unlocks(
    client, settings, office_admin
):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, user.username, "wrong-password").status_code == 200
    assert sign_in(client, user.username, "wrong-password").status_code == 429  # the limit-th failure locks
    # the right password, from another address: the account itself is locked
    response = sign_in(client, user.username, TEST_PASSWORD, ip="10.0.0.99")
    assert response.status_code == 429 and not signed_in(client)
    assert "登录已锁定" in response.content.decode() and "解除锁定" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT, username=user.username).exists()
    # the administrator sees the lockout on 账号管理 and lifts it
    admin = Client()
    admin.force_login(office_admin)
    page = admin.get(reverse("accounts:list")).content.decode()
    assert "已锁定的账号和地址" in page and user.username in page
    admin.post(reverse("accounts:unlock"), {"username": user.username})
    unlock = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert unlock.actor == office_admin and unlock.user == user
    assert sign_in(client, user.username, TEST_PASSWORD, ip="10.0.0.99").status_code == 302 and signed_in(client)


def test_repeated_failures_from_one_address_lock_that_address_for_every_account(client, settings):
    user = UserFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), f"guess{n}", "wrong-password", ip="10.9.9.9")
    assert sign_in(client, user.username, TEST_PASSWORD, ip="10.9.9.9").status_code == 429
    assert sign_in(client, user.username, TEST_PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lockout_counts_usernames_without_case(client, settings):
    user = UserFactory(username="liaison_m001")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "LIAISON_M001" if n % 2 else "liaison_m001", "wrong-password", ip=f"10.1.0.{n}")
    assert sign_in(client, user.username, TEST_PASSWORD, ip="10.1.1.1").status_code == 429


def test_wrong_one_time_codes_count_towards_the_lockout(client, settings, office_admin):
    user = UserFactory()
    services.signin_codes_issue(actor=office_admin, users=[user])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:code_login"), {"username": user.username, "code": "AAAA-BBBB-CCCC"})
    code = services.signin_codes_issue(actor=office_admin, users=[user])[0].code
    response = client.post(reverse("accounts:code_login"), {"username": user.username, "code": code})
    assert response.status_code == 429 and not signed_in(client)


# ---------------------------------------------------------------------------------------------------------
# Expiry, idle timeout, sign-out everywhere
# ---------------------------------------------------------------------------------------------------------
def test_an_expired_password_must_be_replaced_before_anything_else(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory(role=User.Role.EVALUATOR)
    AccountState.objects.create(user=user, password_changed_at=timezone.now() - timedelta(days=91))
    assert sign_in(client, user.username).status_code == 302
    for name in ("home", "evaluations:campaign_list", "reports:dashboard"):
        assert client.get(reverse(name))["Location"] == reverse("accounts:password"), name
    page = client.get(reverse("accounts:password")).content.decode()
    assert "已超过 90 天未更换" in page and "当前密码" not in page
    # a weak one is refused, in Chinese, and nothing changes
    response = client.post(reverse("accounts:password"), {"new_password1": "short1", "new_password2": "short1"})
    assert "至少 10 个字符" in response.content.decode()
    client.post(reverse("accounts:password"), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert client.get(reverse("evaluations:campaign_list")).status_code == 200
    assert kinds(user=user) == ["login", "password_expired", "password_changed"]


def test_a_recent_password_is_not_asked_again_and_expiry_can_be_off(client, settings):
    user = UserFactory(role=User.Role.EVALUATOR)
    AccountState.objects.create(user=user, password_changed_at=timezone.now() - timedelta(days=400))
    settings.PASSWORD_MAX_AGE_DAYS = 0
    sign_in(client, user.username)
    assert client.get(reverse("evaluations:campaign_list")).status_code == 200


def test_an_idle_office_session_ends_after_the_timeout(client, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 7200
    user = UserFactory(role=User.Role.EVALUATOR)
    sign_in(client, user.username)
    assert client.get(reverse("evaluations:campaign_list")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 7100  # within the limit: still signed in
    session.save()
    assert client.get(reverse("evaluations:campaign_list")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 7201
    session.save()
    response = client.get(reverse("evaluations:campaign_list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login")) and not signed_in(client)
    assert "超过 2 小时未操作" in response.content.decode()
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSION_EXPIRED).user == user


def test_a_liaison_session_has_no_office_idle_timeout(client, settings, liaison):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 7200
    sign_in(client, liaison.username)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 8000
    session.save()
    assert client.get(reverse("evaluations:workbench")).status_code == 200


def test_changing_the_password_signs_out_every_other_session(settings):
    user = UserFactory(role=User.Role.EVALUATOR)
    desk, phone = Client(), Client()
    sign_in(desk, user.username)
    sign_in(phone, user.username, ip="10.0.0.7")
    response = desk.post(reverse("accounts:password"), {
        "old_password": TEST_PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert response.status_code == 302
    assert desk.get(reverse("evaluations:campaign_list")).status_code == 200  # this session stays
    assert phone.get(reverse("evaluations:campaign_list")).status_code == 302  # the other one is gone
    assert sign_in(Client(), user.username, GOOD_PASSWORD).status_code == 302


def test_a_voluntary_change_needs_the_current_password(client):
    user = UserFactory(role=User.Role.EVALUATOR)
    sign_in(client, user.username)
    response = client.post(reverse("accounts:password"), {
        "old_password": "not-it", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert "当前密码不正确" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# ---------------------------------------------------------------------------------------------------------
# Deactivated accounts
# ---------------------------------------------------------------------------------------------------------
def test_a_deactivated_user_cannot_sign_in_and_still_appears_by_name_on_their_records(client, office_admin):
    from evaluations.services import campaign_create

    evaluator = UserFactory(role=User.Role.EVALUATOR, first_name="王评估")
    desk = Client()
    sign_in(desk, evaluator.username)
    campaign = campaign_create(name="年度评估", year=2026, units=[UnitFactory()], actor=evaluator)
    services.account_deactivate(actor=office_admin, user=evaluator, reason="调离")
    # the open session ends, and a new sign-in is refused
    assert desk.get(reverse("evaluations:campaign_list")).status_code == 302
    assert sign_in(client, evaluator.username).status_code == 200 and not signed_in(client)
    # nothing was deleted: the campaign's trail and the security audit still name them
    client.force_login(office_admin)
    assert "王评估" in client.get(reverse("evaluations:campaign_detail", args=[campaign.pk])).content.decode()
    audit = client.get(reverse("accounts:audit"), {"username": evaluator.username}).content.decode()
    assert "王评估" in audit and "停用账号" in audit
    assert User.objects.filter(pk=evaluator.pk, is_active=False).exists()


def test_the_liaison_of_an_abolished_unit_is_deactivated_with_the_unit():
    from bianzhi.models import UnitVersion
    from bianzhi.services import registry_apply

    from ..factories import UnitRecordFactory

    unit = UnitFactory(code="M077")
    liaison = UserFactory(role=User.Role.LIAISON, unit=unit)
    other = UserFactory(role=User.Role.LIAISON, unit=UnitFactory())
    registry_apply(records=[UnitRecordFactory(code="M077", name=unit.name, status="abolished",
                                              abolished_on=timezone.localdate())],
                   actor=None, source=UnitVersion.Source.IMPORT)
    liaison.refresh_from_db()
    other.refresh_from_db()
    assert not liaison.is_active and other.is_active
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ACCOUNT_DEACTIVATED)
    assert event.user == liaison and event.data == {"reason": "单位已撤销"}
    with pytest.raises(Exception, match="已撤销"):
        services.account_reactivate(actor=UserFactory(role=User.Role.ADMIN), user=liaison)
