"""Per-account security state, and the security audit trail (append-only, like evaluations' CampaignEvent)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianzhi.models import AppendOnlyQuerySet as BaseAppendOnlyQuerySet


class SecurityAuditImmutable(Exception):
    """An audit record was about to be changed or deleted."""


class AccountState(models.Model):
    """What sign-in needs to know beyond the password: when it was set, whether it must change, a pending code.

    A separate row (not fields on User) so the registry's user table stays as it is; a user without one is
    treated as "password set when the account was created".
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.PROTECT, related_name="account_state"
    )
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须设置新密码"), default=False)
    # One-time sign-in code: only its keyed hash is stored; the code itself is shown once, when printed.
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(_("登录码有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号状态")
        verbose_name_plural = _("账号状态")


class AppendOnlyQuerySet(BaseAppendOnlyQuerySet):
    error = SecurityAuditImmutable
    update_message, delete_message = _("安全审计记录不可修改"), _("安全审计记录不可删除")


class SecurityEvent(models.Model):
    """One sign-in, sign-out, failure, lockout, password change or account change: who, when, where, what.

    Nobody edits or deletes a row (Python here, a PostgreSQL trigger below that, TRUNCATE included). Rows
    older than SECURITY_AUDIT_RETENTION_DAYS are moved to an archive file by `manage.py security_audit_archive`,
    the only path the trigger lets delete (and only rows past the retention).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_CODE = "login_code", _("使用一次性登录码登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        UNLOCKED = "unlocked", _("解除锁定")
        SESSION_EXPIRED = "session_expired", _("长时间未操作，自动退出")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PASSWORD_EXPIRED = "password_expired", _("密码过期，要求更换")
        ACCOUNT_CREATED = "account_created", _("创建账号")
        ACCOUNT_CHANGED = "account_changed", _("修改账号")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("停用账号")
        ACCOUNT_REACTIVATED = "account_reactivated", _("启用账号")
        CODE_ISSUED = "code_issued", _("生成一次性登录码")
        ACCOUNTS_IMPORTED = "accounts_imported", _("导入账号")

    kind = models.CharField(_("事件"), max_length=32, choices=Kind.choices, db_index=True)
    # The account concerned (None when a failed sign-in named no existing account); PROTECT: deactivate users.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    # Who did it, when not the account itself (an administrator creating, changing or unlocking an account).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SecurityAuditImmutable(_("安全审计记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SecurityAuditImmutable(_("安全审计记录不可删除"))
