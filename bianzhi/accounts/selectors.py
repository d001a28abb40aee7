"""Account reads for the office's pages."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi.models import User

from .models import SecurityEvent


def account_list(*, role: str = "", active: str = "", q: str = "") -> QuerySet[User]:
    users = User.objects.select_related("unit").order_by("role", "username")
    if role:
        users = users.filter(role=role)
    if active in {"1", "0"}:
        users = users.filter(is_active=active == "1")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(unit__name__icontains=q)
                             | Q(unit__code__iexact=q))
    return users


@dataclass(frozen=True)
class Lockout:
    parameter: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt: datetime


def lockouts() -> list[Lockout]:
    """Accounts and addresses at or above the failure limit within the cool-off time (django-axes' rule)."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    found = []
    for parameter in ("username", "ip_address"):
        rows = attempts.exclude(**{f"{parameter}__isnull": True})
        if parameter == "username":  # (an inet column compared with "" would match nothing at all)
            rows = rows.exclude(username="")
        rows = (rows.values(parameter).annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last"))
        found += [Lockout(parameter, r[parameter], r["failures"], r["last"]) for r in rows]
    return found


def security_event_list(
    *, kind: str = "", username: str = "", ip_address: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[SecurityEvent]:
    events = SecurityEvent.objects.select_related("user", "actor")
    if kind:
        events = events.filter(kind=kind)
    if username:
        events = events.filter(username__icontains=username.strip().lower())
    if ip_address:
        events = events.filter(ip_address=ip_address.strip())
    tz = timezone.get_current_timezone()
    if since:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        events = events.filter(created_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz))
    return events


def security_event_sentence(event: SecurityEvent) -> str:
    """The record in one Chinese line: the account by name (kept after deactivation), who acted, what."""
    who = event.user.display_name if event.user else (event.username or _("（未知账号）"))
    text = _("%(who)s（%(username)s）") % {"who": who, "username": event.username} if event.user and event.user.get_full_name() else who
    text += event.get_kind_display()
    if event.actor:
        text = _("%(actor)s 操作：%(text)s") % {"actor": event.actor.display_name,
                                            "text": text}
    reason = (event.data or {}).get("reason")
    if reason:
        reasons = {"demo_password": _("演示密码不可用"), "locked_out": _("已锁定")}
        text += _("（%(reason)s）") % {"reason": reasons.get(reason, reason)}
    return text
