"""Lifting a result rule's block is an access rule of its own ("request.override"), not a side of handling."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bianzhi import access
from bianzhi.models import User
from scoring import register as reg

from ..factories import UserFactory
from .test_register import FEEDBACK, file_quota, office, poor_unit  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_office_holds_the_override_rule_and_leaders_and_liaisons_do_not(poor_unit):  # noqa: F811
    holders = {role for role in User.Role.values if access.may(UserFactory(role=role, unit=poor_unit
                                                                           if role == User.Role.LIAISON else None),
                                                           "request.override")}
    assert holders == {User.Role.ADMIN, User.Role.EVALUATOR}


def test_narrowing_the_override_rule_stops_the_service_and_the_page_but_not_handling(
        poor_unit, office, client, monkeypatch):  # noqa: F811
    item = file_quota(poor_unit, office, FEEDBACK + timedelta(days=10))
    assert item.status == "rejected" and item.blocked_until
    client.force_login(office)
    detail = reverse("register:request_detail", args=[item.pk])
    assert 'value="override"' in client.get(detail).content.decode()
    monkeypatch.setitem(access.RULES, "request.override", {})
    assert access.may(office, "request.handle", item) and not access.may(office, "request.override", item)
    with pytest.raises(PermissionDenied):
        reg.request_override(request=item, actor=office, reason="特批")
    assert 'value="override"' not in client.get(detail).content.decode()
    response = client.post(reverse("register:request_action", args=[item.pk]), {"action": "override", "note": "特批"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "rejected" and not item.override_reason
