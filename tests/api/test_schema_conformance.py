"""The API answers as its OpenAPI schema says, for every role: schemathesis over every operation.

Each operation is exercised with generated parameters and bodies (bounded: 30 examples) as an evaluator, a
leader, a liaison and an anonymous client. A server error, or a response whose status, content type or body
does not match `/api/schema/`, fails the test.
"""

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from bianzhi.models import User

from ..factories import CampaignFactory, CampaignTargetFactory, UnitFactory, UserFactory


def load_schema():
    """The schema as /api/schema/ serves it (that page needs a signed-in user, so it is generated here)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()  # calls go through WSGI, in this process and its test database
    # The schema endpoint itself answers in OpenAPI's own media types.
    return loaded.exclude(path="/api/schema/")


schema = load_schema()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go through the WSGI handler, which closes the database connection after each request; the test's
    transaction lives on that connection (Django's own test client keeps it open the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def some_data(db):
    """A campaign with one unit, so that ids 1, 2 … hit real rows as well as missing ones."""
    unit = UnitFactory()
    campaign = CampaignFactory()
    CampaignTargetFactory(campaign=campaign, unit=unit)
    return unit


@pytest.fixture
def role_headers(client, some_data) -> dict[str, dict]:
    """Per role, the headers that carry a signed-in session of such a user (none for the anonymous client)."""
    headers = {"anonymous": {}}
    for role in (User.Role.EVALUATOR, User.Role.LEADER, User.Role.LIAISON):
        user = UserFactory(role=role, unit=some_data if role == User.Role.LIAISON else None)
        client.force_login(user)
        headers[role.value] = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    return headers


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema(case, role_headers):
    for headers in role_headers.values():
        case.call_and_validate(headers=headers)
