from rest_framework import viewsets

from bianzhi.models import Unit
from bianzhi.selectors import unit_list_for_user

from .serializers import UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The registry's units. A liaison sees only their own unit; another unit is a 404."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return Unit.objects.none()
        return unit_list_for_user(user=self.request.user)
