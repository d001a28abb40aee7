"""Django's and django-axes' sign-in signals become security audit records."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import security_event_record
from .models import SecurityEvent
from .sessions import session_start


@receiver(user_logged_in, dispatch_uid="accounts_login")
def on_login(sender, request, user, **kwargs):
    kind = getattr(request, "signin_kind", SecurityEvent.Kind.LOGIN)
    security_event_record(kind=kind, request=request, user=user)
    session_start(request, user)


@receiver(user_logged_out, dispatch_uid="accounts_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None and not getattr(request, "signout_recorded", False):
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` has the password masked by Django; only the name typed is kept.
    data = {}
    reason = getattr(request, "signin_refusal", "")
    if reason:
        data["reason"] = reason
    if getattr(request, "axes_locked_out", False):
        data["reason"] = "locked_out"
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED, request=request, username=credentials.get("username", ""), data=data,
    )


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    if getattr(request, "lockout_recorded", False):
        return  # axes signals again on every attempt while locked: one record per request
    request.lockout_recorded = True
    security_event_record(kind=SecurityEvent.Kind.LOCKED_OUT, request=request, username=username or "")
