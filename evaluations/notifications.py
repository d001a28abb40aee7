"""Notifications: always in-app, and by email when NOTIFICATIONS_BY_EMAIL is on and the user has an address."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianzhi import access
from bianzhi.models import User

from .models import Campaign, CampaignDeadline, CampaignTarget, Notification

REMIND_DAYS_BEFORE = 3


def notify(*, users: Iterable[User], kind: str, title: str, body: str = "", url: str = "", key: str = "") -> int:
    """Send one notification to each user; with a key, a user who already has it is skipped. Returns how many."""
    users = {u.pk: u for u in users if u is not None}
    if key:
        already = set(Notification.objects.filter(key=key, user_id__in=users).values_list("user_id", flat=True))
        users = {pk: u for pk, u in users.items() if pk not in already}
    Notification.objects.bulk_create(
        Notification(user=u, kind=kind, title=title, body=body, url=url, key=key) for u in users.values()
    )
    if settings.NOTIFICATIONS_BY_EMAIL:
        recipients = [u.email for u in users.values() if u.email]
        if recipients:
            link = settings.PUBLIC_BASE_URL.rstrip("/") + url if url else ""
            transaction.on_commit(
                lambda: send_mail(title, f"{body}\n\n{link}".strip(), None, recipients, fail_silently=True)
            )
    return len(users)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def office_people(target: CampaignTarget) -> list[User]:
    """Who acts for the office on this unit: its team, or every evaluator while it has none."""
    if target.team_id:
        return list(target.team.members.all())
    return list(User.objects.filter(access.holders("deadline.remind"), is_active=True))


# Who still has to act before each step's deadline: (target statuses still pending, "unit" or "office").
_PENDING_BY_STEP = {
    Campaign.Status.NOTICE: (None, "unit"),  # None: the notice not yet seen
    Campaign.Status.SELF_ASSESSMENT: (
        {CampaignTarget.Status.NOTIFIED, CampaignTarget.Status.SELF_DRAFT, CampaignTarget.Status.SELF_RETURNED},
        "unit",
    ),
    Campaign.Status.FIELD_VISIT: ({CampaignTarget.Status.FIELD_VISIT, CampaignTarget.Status.SELF_ACCEPTED}, "office"),
}


@transaction.atomic
def deadline_reminders_send(*, today: date | None = None) -> int:
    """Remind whoever has not finished a step whose deadline is within three days. Safe to run daily."""
    today = today or timezone.localdate()
    deadlines = CampaignDeadline.objects.filter(
        due_on__gte=today, due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ).exclude(campaign__status=Campaign.Status.CLOSED).select_related("campaign")
    sent = 0
    for deadline in deadlines:
        if deadline.step not in _PENDING_BY_STEP:
            continue
        statuses, who = _PENDING_BY_STEP[deadline.step]
        targets = deadline.campaign.targets.select_related("unit", "liaison", "team")
        targets = targets.filter(notice_seen_at__isnull=True) if statuses is None else targets.filter(status__in=statuses)
        for target in targets:
            users = [target.liaison] if who == "unit" else office_people(target)
            sent += notify(
                users=users, kind=Notification.Kind.DEADLINE,
                title=_("截止提醒：%(unit)s 的“%(step)s”将于 %(date)s 截止")
                % {"unit": target.unit.name, "step": deadline.get_step_display(), "date": deadline.due_on},
                url=reverse("evaluations:package", args=[target.pk]),
                key=f"deadline:{deadline.pk}:{deadline.due_on}:{target.pk}",
            )
    return sent
