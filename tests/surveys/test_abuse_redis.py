"""The abuse controls again, on Redis as in production: there the per-address count and the device check
go to Redis in one pipeline (services.answers._abuse_counts), not through the cache's three calls."""

import pytest
from django.core.cache import cache

from surveys.services.answers import _abuse_counts, _keyed, _redis_client

from .test_abuse import (  # noqa: F401  (the fixture and the tests, run here against Redis)
    link, test_a_refused_answer_does_not_use_up_the_device, test_many_answers_from_one_address_are_flagged_then_refused_far_above_an_office_nat,
    test_one_device_answers_once_per_link_another_device_may_answer,
)

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture(autouse=True)
def redis_cache(settings, redis_url):
    settings.CACHES = {"default": {"BACKEND": "bianzhi.cache.DegradingRedisCache", "LOCATION": redis_url,
                                   "KEY_PREFIX": "test-abuse"}}
    cache.clear()
    yield
    cache.clear()


def test_the_pipeline_is_used_and_agrees_with_the_cache(link):
    assert _redis_client() is not None
    device = _keyed("device", link.pk, "phone-1")
    assert _abuse_counts(form=link.form, ip="10.0.0.9", device_key=device) == (1, True)
    assert _abuse_counts(form=link.form, ip="10.0.0.9", device_key=device) == (2, False)
    assert cache.get(device) == 1  # what the pipeline wrote, read through Django's cache
    cache.delete(device)
    assert _abuse_counts(form=link.form, ip="10.0.0.9", device_key=device) == (3, True)
    assert _abuse_counts(form=link.form, ip=None, device_key=None) == (0, True)


def test_with_redis_down_the_pipeline_lets_answers_in(link, settings):
    settings.CACHES = {"default": {"BACKEND": "bianzhi.cache.DegradingRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    device = _keyed("device", link.pk, "phone-2")
    assert _abuse_counts(form=link.form, ip="10.0.0.9", device_key=device) == (1, True)
