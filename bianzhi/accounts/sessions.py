"""Session rules: idle timeout for office accounts, and a new password required before anything else.

Both are decided once at sign-in and kept in the session, so an ordinary request costs no extra query.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import may
from .models import AccountState, SecurityEvent

LAST_SEEN = "accounts_last_seen"
MUST_CHANGE = "accounts_must_change_password"  # "code" (first sign-in / reset) or "expired"
# The session's last-seen time is rewritten at most this often (seconds): not a session write per request.
TOUCH_EVERY = 60


def idle_timeout_applies(user) -> bool:
    """Office accounts (everyone but a unit's liaison) time out when idle."""
    return may(user, "session.idle_timeout")


def password_expired(user, state: AccountState | None) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = (state.password_changed_at if state else None) or user.date_joined
    return changed < timezone.now() - timedelta(days=days)


def session_start(request, user) -> None:
    """At sign-in: start the idle clock, and note whether a new password is due (set by a code, or expired)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN] = int(time.time())
    state = AccountState.objects.filter(user=user).first()
    reason = "code" if state and state.must_change_password else "expired" if password_expired(user, state) else ""
    if reason:
        request.session[MUST_CHANGE] = reason
        if reason == "expired":
            from .audit import security_event_record

            security_event_record(kind=SecurityEvent.Kind.PASSWORD_EXPIRED, request=request, user=user)
    else:
        request.session.pop(MUST_CHANGE, None)


class AccountSessionMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    # Reachable while a new password is due: the password page itself, signing out, static files.
    ALLOWED_WHILE_CHANGING = ("accounts:password", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            response = self._idle(request, user) or self._must_change(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _idle(self, request, user):
        timeout = settings.SESSION_IDLE_TIMEOUT_SECONDS
        if not timeout or not idle_timeout_applies(user):
            return None
        now = int(time.time())
        last = request.session.get(LAST_SEEN)
        if last is not None and now - last > timeout:
            from .audit import security_event_record

            security_event_record(
                kind=SecurityEvent.Kind.SESSION_EXPIRED, request=request, user=user, data={"idle_seconds": now - last}
            )
            request.signout_recorded = True
            logout(request)
            message = _("您已超过 %(h)s未操作，已自动退出，请重新登录。") % {"h": _duration(timeout)}
            if _wants_json(request):
                return JsonResponse({"detail": message}, status=401)
            messages.warning(request, message)
            return redirect(f"{reverse('login')}?next={request.path}")
        if last is None or now - last >= TOUCH_EVERY:
            request.session[LAST_SEEN] = now
        return None

    def _must_change(self, request):
        reason = request.session.get(MUST_CHANGE)
        if not reason:
            return None
        match = request.resolver_match or _resolve(request.path_info)
        if match is not None and match.view_name in self.ALLOWED_WHILE_CHANGING:
            return None
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        message = _("请先设置新密码。")
        if _wants_json(request):
            return JsonResponse({"detail": message}, status=403)
        return redirect("accounts:password")


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


def _wants_json(request) -> bool:
    return request.path_info.startswith("/api/") or "application/json" in request.META.get("HTTP_ACCEPT", "")


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return _("%(n)d 小时") % {"n": seconds // 3600}
    return _("%(n)d 分钟") % {"n": max(seconds // 60, 1)}
