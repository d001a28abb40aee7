from rest_framework import viewsets

from bianzhi.selectors import unit_list_for_user

from .serializers import UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The registry's units. A liaison sees only their own unit; another unit is a 404."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        return unit_list_for_user(user=self.request.user)
