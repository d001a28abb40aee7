"""Account writes. Every change is a security audit record; accounts are deactivated, never deleted."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bianzhi.exceptions import ApplicationError
from bianzhi.importers import ImportIssue
from bianzhi.models import Unit, User

from .audit import security_event_record
from .importers import USERNAME_RE, parse_accounts
from .models import AccountState, SecurityEvent
from .security import normalize_username

# Codes are read off paper and typed: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 2^59: not guessable within the lockout's few attempts


@dataclass(frozen=True)
class IssuedCode:
    user: User
    code: str
    expires_at: object


class AccountImportError(ApplicationError):
    def __init__(self, issues: list[ImportIssue]):
        super().__init__(_("导入失败：发现 %(n)d 处错误，未导入任何账号") % {"n": len(issues)}, {"issues": len(issues)})
        self.issues = issues


def _code_hash(code: str) -> str:
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def _snapshot(user: User) -> dict:
    return {"name": user.first_name, "role": user.role, "unit": user.unit.code if user.unit_id else "",
            "is_active": user.is_active}


def _check_role_unit(role: str, unit: Unit | None) -> None:
    if role not in User.Role.values:
        raise ApplicationError(_("未知的角色"))
    if role == User.Role.LIAISON and unit is None:
        raise ApplicationError(_("部门填报员必须选择所属单位"))
    if role != User.Role.LIAISON and unit is not None:
        raise ApplicationError(_("只有部门填报员属于单位"))
    if unit is not None and unit.status == Unit.Status.ABOLISHED:
        raise ApplicationError(_("单位已撤销，不能为其设立填报员"))


def _check_username(username: str) -> str:
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise ApplicationError(_("用户名只能使用字母、数字和 _ . @ + -，3 至 150 个字符"))
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("用户名“%(u)s”已被使用（不区分大小写）") % {"u": username})
    return username


def _create(*, username: str, name: str, role: str, unit: Unit | None) -> User:
    user = User(username=username, first_name=name, role=role, unit=unit,
                is_staff=role == User.Role.ADMIN, is_superuser=role == User.Role.ADMIN)
    user.set_unusable_password()  # the first sign-in is by one-time code, which sets the password
    user.save()
    return user


@transaction.atomic
def account_create(*, actor: User | None, username: str, name: str, role: str, unit: Unit | None, request=None) -> IssuedCode:
    """A new account without a password, and its one-time sign-in code (shown once, to print)."""
    username = _check_username(username)
    _check_role_unit(role, unit)
    user = _create(username=username, name=name, role=role, unit=unit)
    security_event_record(kind=SecurityEvent.Kind.ACCOUNT_CREATED, request=request, user=user, actor=actor,
                          data=_snapshot(user))
    return signin_codes_issue(actor=actor, users=[user], request=request)[0]


@transaction.atomic
def account_update(*, actor: User, user: User, name: str, role: str, unit: Unit | None, request=None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_role_unit(role, unit)
    if user == actor and role != User.Role.ADMIN:
        raise ApplicationError(_("不能取消自己的管理员角色"))
    before = _snapshot(user)
    user.first_name, user.role, user.unit = name, role, unit
    user.is_staff = user.is_superuser = role == User.Role.ADMIN
    user.save(update_fields=["first_name", "role", "unit", "is_staff", "is_superuser"])
    after = _snapshot(user)
    if after != before:
        security_event_record(kind=SecurityEvent.Kind.ACCOUNT_CHANGED, request=request, user=user, actor=actor,
                              data={"before": before, "after": after})
    return user


@transaction.atomic
def account_deactivate(*, actor: User | None, user: User, reason: str = "", request=None) -> User:
    """Closes the account (its sessions end at their next request); its records keep its name."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and user == actor:
        raise ApplicationError(_("不能停用自己的账号"))
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    AccountState.objects.filter(user=user).update(code_hash="", code_expires_at=None)
    security_event_record(kind=SecurityEvent.Kind.ACCOUNT_DEACTIVATED, request=request, user=user, actor=actor,
                          data={"reason": reason})
    return user


@transaction.atomic
def account_reactivate(*, actor: User, user: User, request=None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return user
    if user.unit_id and user.unit.status == Unit.Status.ABOLISHED:
        raise ApplicationError(_("单位已撤销，不能启用其填报员账号"))
    user.is_active = True
    user.save(update_fields=["is_active"])
    security_event_record(kind=SecurityEvent.Kind.ACCOUNT_REACTIVATED, request=request, user=user, actor=actor)
    return user


@transaction.atomic
def signin_codes_issue(*, actor: User | None, users, request=None) -> list[IssuedCode]:
    """New one-time sign-in codes (a new code replaces an unused one). Only their hashes are stored."""
    expires = timezone.now() + timedelta(days=settings.SIGNIN_CODE_VALID_DAYS)
    issued = []
    for user in users:
        if not user.is_active:
            raise ApplicationError(_("账号“%(u)s”已停用，不能生成登录码") % {"u": user.username})
        code = _new_code()
        AccountState.objects.update_or_create(
            user=user, defaults={"code_hash": _code_hash(code), "code_expires_at": expires, "must_change_password": True},
        )
        security_event_record(kind=SecurityEvent.Kind.CODE_ISSUED, request=request, user=user, actor=actor,
                              data={"expires_at": expires})
        issued.append(IssuedCode(user=user, code=code, expires_at=expires))
    return issued


@transaction.atomic
def signin_code_redeem(*, username: str, code: str) -> User | None:
    """The account if the code is its current, unexpired one; the code is used up either way it matches."""
    user = User.objects.filter(username__iexact=normalize_username(username), is_active=True).first()
    if user is None:
        return None
    state = AccountState.objects.select_for_update().filter(user=user).first()
    if state is None or not state.code_hash or not hmac.compare_digest(state.code_hash, _code_hash(code)):
        return None
    if state.code_expires_at is None or state.code_expires_at < timezone.now():
        return None
    state.code_hash, state.code_expires_at, state.must_change_password = "", None, True
    state.save(update_fields=["code_hash", "code_expires_at", "must_change_password"])
    return user


@transaction.atomic
def password_set(*, user: User, password: str, request=None, actor: User | None = None) -> User:
    """Set a new password under the policy. Every other session of the account ends (Django ties a session
    to the password hash); the request's own session, if given, stays signed in."""
    password_validation.validate_password(password, user)  # raises ValidationError (Chinese messages)
    if user.has_usable_password() and user.check_password(password):
        from django.core.exceptions import ValidationError

        raise ValidationError(_("新密码不能与当前密码相同。"), code="password_unchanged")
    user.set_password(password)
    user.save(update_fields=["password"])
    AccountState.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False,
                             "code_hash": "", "code_expires_at": None},
    )
    if request is not None and getattr(request, "user", None) == user:
        update_session_auth_hash(request, user)
    security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=request, user=user, actor=actor)
    return user


def _liaison_username(unit: Unit, taken: set[str]) -> str:
    base = f"liaison_{unit.code.lower()}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


@transaction.atomic
def liaisons_create(*, actor: User, units, request=None) -> tuple[list[IssuedCode], list[Unit]]:
    """A liaison account (`liaison_<unit code>`) for each active unit that has no active liaison yet.

    Returns the codes of the new accounts and the units skipped because they already have one.
    """
    units = list(units)
    with_liaison = set(User.objects.filter(unit__in=units, role=User.Role.LIAISON, is_active=True)
                       .values_list("unit_id", flat=True))
    taken = {u.lower() for u in User.objects.filter(username__istartswith="liaison_").values_list("username", flat=True)}
    created, skipped = [], []
    for unit in units:
        if unit.pk in with_liaison or unit.status == Unit.Status.ABOLISHED:
            skipped.append(unit)
            continue
        username = _liaison_username(unit, taken)
        taken.add(username)
        with translation.override(settings.LANGUAGE_CODE):  # a person's name is data: in the office's language
            name = _("%(unit)s填报员") % {"unit": unit.short_name or unit.name}
        user = _create(username=username, name=name, role=User.Role.LIAISON, unit=unit)
        security_event_record(kind=SecurityEvent.Kind.ACCOUNT_CREATED, request=request, user=user, actor=actor,
                              data=_snapshot(user))
        created.append(user)
    return signin_codes_issue(actor=actor, users=created, request=request), skipped


@transaction.atomic
def accounts_import(*, actor: User, data: bytes, request=None) -> list[IssuedCode]:
    """All or nothing: one bad row and no account is created; every problem is listed by row."""
    rows, issues = parse_accounts(data, max_bytes=settings.REGISTRY_IMPORT_MAX_BYTES)
    existing = set(User.objects.annotate(lower=Lower("username")).filter(lower__in=[r.username for r in rows])
                   .values_list("lower", flat=True))
    units = {u.code: u for u in Unit.objects.filter(code__in=[r.unit_code for r in rows if r.unit_code])}
    for r in rows:
        if r.username in existing:
            issues.append(ImportIssue("账号", r.row, 1, "用户名", _("用户名“%(name)s”已存在") % {"name": r.username}))
        if r.unit_code:
            unit = units.get(r.unit_code)
            if unit is None:
                issues.append(ImportIssue("账号", r.row, 4, "单位代码", _("编制台账中没有单位代码“%(code)s”") % {"code": r.unit_code}))
            elif unit.status == Unit.Status.ABOLISHED:
                issues.append(ImportIssue("账号", r.row, 4, "单位代码", _("单位“%(name)s”已撤销") % {"name": unit.name}))
    if issues:
        raise AccountImportError(sorted(issues, key=lambda i: (i.row or 0, i.column or 0)))
    users = []
    for r in rows:
        user = _create(username=r.username, name=r.name, role=r.role, unit=units.get(r.unit_code))
        security_event_record(kind=SecurityEvent.Kind.ACCOUNT_CREATED, request=request, user=user, actor=actor,
                              data=_snapshot(user) | {"source": "import"})
        users.append(user)
    security_event_record(kind=SecurityEvent.Kind.ACCOUNTS_IMPORTED, request=request, user=actor,
                          data={"count": len(users)})
    return signin_codes_issue(actor=actor, users=users, request=request)


def liaisons_deactivate_for_abolished_units(*, unit_ids=None, actor: User | None = None) -> int:
    """A liaison of an abolished (撤销) unit loses their account with the unit. Called after registry writes."""
    units = Unit.objects.filter(status=Unit.Status.ABOLISHED)
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    users = User.objects.filter(unit__in=units, role=User.Role.LIAISON, is_active=True)
    count = 0
    for user in users:
        account_deactivate(actor=actor, user=user, reason=_("单位已撤销"))
        count += 1
    return count


def lockout_reset(*, actor: User, username: str = "", ip_address: str = "", request=None) -> int:
    """Unlock an account or an address locked by repeated failures (django-axes)."""
    from axes.utils import reset

    username = normalize_username(username)
    if not username and not ip_address:
        raise ApplicationError(_("请指定用户名或地址"))
    count = reset(username=username or None, ip=ip_address or None)
    security_event_record(kind=SecurityEvent.Kind.UNLOCKED, request=request, username=username, actor=actor,
                          user=User.objects.filter(username__iexact=username).first() if username else None,
                          data={"ip_address": ip_address, "attempts_cleared": count})
    return count
