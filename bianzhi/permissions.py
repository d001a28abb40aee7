"""Role checks for views. Object visibility lives in the selectors (`*_for_user`): invisible means 404."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import User


def role_required(*roles: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


office_required = role_required(User.Role.ADMIN, User.Role.EVALUATOR)
readers_required = role_required(User.Role.ADMIN, User.Role.EVALUATOR, User.Role.LEADER)
