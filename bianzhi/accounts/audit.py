"""Writing security audit records: one function, so every record carries who, when, where and what."""

from django.contrib.auth import get_user_model

from .models import SecurityEvent
from .security import client_ip, normalize_username


def security_event_record(
    *, kind: str, request=None, user=None, username: str = "", actor=None, data: dict | None = None
) -> SecurityEvent:
    """Append one record. `user` is the account concerned; `actor` whoever acted on it, if someone else."""
    if user is not None and not isinstance(user, get_user_model()):
        user = None  # AnonymousUser
    agent = request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(user.username if user is not None else normalize_username(username))[:150],
        actor=actor if actor is not None and actor != user else None,
        ip_address=client_ip(request),
        user_agent=agent,
        data=data or {},
    )
