"""Role checks for the scoring API. Object visibility is the selectors' (an invisible campaign is a 404)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class OfficeWritesReadersRead(BasePermission):
    """Leaders read; only administrators and evaluators change anything."""

    message = "只有编办评估人员可以执行此操作"

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        return user.sees_everything if request.method in SAFE_METHODS else user.is_office_staff


class ReadersOnly(BasePermission):
    """The experts' judgements and the group result: the office and the leaders, not the units."""

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.sees_everything
