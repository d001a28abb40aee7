"""Sign-in plumbing: the authentication backend, the password policy, and the callables django-axes asks for."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The demo accounts' shared password (seed_demo): published in the README, so refused unless DEBUG.
DEMO_PASSWORD = "bianzhi-demo"


def normalize_username(username: str | None) -> str:
    """Usernames are compared without case: `liaison_C205` is `liaison_c205`."""
    return (username or "").strip().lower()


def client_ip(request) -> str | None:
    """The client's address. Behind a proxy REMOTE_ADDR is the proxy: the header it sets is read instead
    (SURVEY_CLIENT_IP_HEADER, the same one the public forms use; of X-Forwarded-For only the last entry)."""
    if request is None:
        return None
    header = settings.SURVEY_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR") or None


def axes_username(request, credentials) -> str:
    """django-axes counts failures per account without case, like the backend signs in."""
    credentials = credentials or {}
    username = credentials.get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return normalize_username(username)


class AccountBackend(ModelBackend):
    """ModelBackend with case-insensitive usernames, refusing the published demo password outside DEBUG."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        if password == DEMO_PASSWORD and not settings.DEBUG:
            if request is not None:
                request.signin_refusal = "demo_password"
            return None
        users = list(get_user_model()._default_manager.filter(username__iexact=username.strip())[:2])
        if len(users) != 1:
            get_user_model()().set_password(password)  # same time as a real check: no account enumeration
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


# ---------------------------------------------------------------------------------------------------------
# Password policy (AUTH_PASSWORD_VALIDATORS): length, letters and digits; Django's own validators give the
# rest (not similar to the username, not a common password), in Chinese through Django's translations.
# ---------------------------------------------------------------------------------------------------------
class LettersAndDigitsValidator:
    def validate(self, password, user=None):
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(_("密码必须同时包含字母和数字。"), code="password_letters_and_digits")

    def get_help_text(self):
        return _("密码必须同时包含字母和数字。")


class MinimumLengthValidator:
    """Django's, with the message in the product's words."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext("密码太短：至少 %(n)d 个字符。", "密码太短：至少 %(n)d 个字符。", self.min_length)
                % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("至少 %(n)d 个字符。") % {"n": self.min_length}


class NotDemoPasswordValidator:
    def validate(self, password, user=None):
        if password == DEMO_PASSWORD:
            raise ValidationError(_("不能使用演示密码。"), code="password_demo")

    def get_help_text(self):
        return _("不能使用演示密码。")
