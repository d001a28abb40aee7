"""View decorators and DRF permission classes, built on `bianzhi.access` (which alone knows the roles).

`action_required("campaign.create")` refuses (403) a signed-in user whose role may not do the action at
all; the object-level check (404 for what the user may not see, 403 for what they may not change) is
`access.require(user, action, obj)` inside the view, once the object is loaded.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import access


def action_required(action: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            access.require(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class May(BasePermission):
    """DRF: reads need `read_action` (if any), writes `write_action`, role by role; objects are the views'."""

    read_action: str | None = None
    write_action: str = "data.change"
    message = _("您没有执行此操作的权限")

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        action = self.read_action if request.method in SAFE_METHODS else self.write_action
        return action is None or access.may(request.user, action)


def may_permission(*, read: str | None = None, write: str = "data.change") -> type[May]:
    return type("May", (May,), {"read_action": read, "write_action": write})


# Leaders read everything and change nothing; units and the office change what their services allow.
ReadsOrChanges = may_permission()
