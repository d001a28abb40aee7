"""Abuse control of the public forms, with nothing external: a one-use start token, a signed device cookie,
soft per-address counts; and what happens when the cache that keeps them is unreachable.

Everything here is soft and lives in the cache only (no address, device or time is ever stored with an
answer). When the cache is down the answer is still taken: the checks are skipped, the answer is flagged
`unchecked` for an evaluator to look at, and a warning is logged. Refusing every phone because Redis is
restarting would lose real answers; a burst in that window is visible and can be voided.
"""

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bianzhi.exceptions import ApplicationError

logger = logging.getLogger(__name__)

STARTED_SALT = "surveys.started"
DEVICE_SALT = "surveys.device"
START_MAX_AGE = 7 * 86400  # a page left open for a week still submits

try:  # the cache backend in production; its errors are what "the cache is down" looks like
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    RedisError = OSError
CACHE_ERRORS = (RedisError, OSError)


class FormUnavailable(ApplicationError):
    """The form cannot be filled through this link; `reason` says why, so the page can say which.

    REPLAYED, NO_DEVICE and BUSY are "try again" refusals: the page shows the form again with what was typed.
    """

    UNKNOWN, NOT_OPEN, CLOSED, USED, DEVICE, BUSY = "unknown", "not_open", "closed", "used", "device", "busy"
    REPLAYED, NO_DEVICE = "replayed", "no_device"
    RETRYABLE = frozenset({BUSY, REPLAYED, NO_DEVICE})

    def __init__(self, reason: str, message: str):
        super().__init__(message, extra={"reason": reason})
        self.reason = reason


# ---------------------------------------------------------------------------------------------------------
# The start token: when the page was served, and a nonce that makes it good for one accepted answer
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StartToken:
    elapsed: float  # seconds since the page was served; 0 when missing or forged (then flagged 作答过快)
    nonce: str | None


def start_token_issue(at: float | None = None) -> str:
    return signing.dumps([time.time() if at is None else at, secrets.token_urlsafe(12)], salt=STARTED_SALT)


def start_token_read(raw: str | None) -> StartToken:
    try:
        started, nonce = signing.loads(raw or "", salt=STARTED_SALT, max_age=START_MAX_AGE)
        return StartToken(elapsed=max(time.time() - float(started), 0.0), nonce=str(nonce))
    except (signing.BadSignature, TypeError, ValueError):
        return StartToken(elapsed=0.0, nonce=None)


# ---------------------------------------------------------------------------------------------------------
# The device cookie: signed, so a script cannot invent a new device for every answer
# ---------------------------------------------------------------------------------------------------------
def device_cookie_new() -> str:
    return signing.Signer(salt=DEVICE_SALT).sign(secrets.token_urlsafe(16))


def device_id(cookie: str | None) -> str | None:
    """The device behind a cookie we issued; None when there is none or it was not ours."""
    if not cookie:
        return None
    try:
        return signing.Signer(salt=DEVICE_SALT).unsign(cookie)
    except signing.BadSignature:
        return None


# ---------------------------------------------------------------------------------------------------------
# Admission: the cache checks of one public answer sheet
# ---------------------------------------------------------------------------------------------------------
def _keyed(*parts: Any) -> str:
    """A cache key that does not contain the address or device token itself."""
    digest = hmac.new(settings.SECRET_KEY.encode(), "|".join(map(str, parts)).encode(), hashlib.sha256).hexdigest()
    return f"surveys:{digest[:40]}"


def _hourly_count(*parts: Any) -> int:
    """One more in this hour's count (a soft count, kept only in the cache)."""
    key = _keyed(*parts, int(time.time() // 3600))
    if cache.add(key, 1, timeout=3600):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        return 1


def network_count(*, form, ip: str | None) -> int:
    """Submissions to this form from one address in the current hour."""
    return _hourly_count("ip", form.pk, ip) if ip else 0


@dataclass
class Admission:
    busy: bool = False  # above the soft per-address count: flagged 同一网络提交过多
    unchecked: bool = False  # the cache was unreachable: nothing was checked
    marks: list[str] = field(default_factory=list)  # one-use marks taken: given back if the answer is not saved

    def give_back(self) -> None:
        for key in self.marks:
            try:
                cache.delete(key)
            except CACHE_ERRORS:
                logger.warning("surveys: could not give back a one-use mark, the cache is unreachable")
        self.marks.clear()


def admit(*, form, link_id: int, ip: str | None, device: str | None, nonce: str | None) -> Admission:
    """Check one answer sheet against the soft limits. Raises FormUnavailable when it is refused.

    `device` is a verified device id (device_id()), None without a valid cookie: such answers count against
    a tighter per-address budget, since dropping the cookie is the cheapest way round "one per device".
    `nonce` is the start token's: each served page takes one answer.
    """
    admission = Admission()
    try:
        _admit(admission, form=form, link_id=link_id, ip=ip, device=device, nonce=nonce)
    except FormUnavailable:
        admission.give_back()
        raise
    except CACHE_ERRORS as exc:
        logger.warning("surveys: abuse-control cache unreachable, answer to form %s taken unchecked: %r", form.pk, exc)
        return Admission(unchecked=True)
    return admission


def _redis_client():
    """The Redis client behind the default cache, or None for another backend (the tests' and SQLite demo's)."""
    backend = caches["default"]  # `cache` is a proxy: the backend object is this one
    return backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None


def _admit(admission: Admission, *, form, link_id: int, ip: str | None, device: str | None, nonce: str | None) -> None:
    client = _redis_client()
    if client is None:
        return _admit_stepwise(admission, form=form, link_id=link_id, ip=ip, device=device, nonce=nonce)
    # On Redis every check of a submit goes in one round trip (a pipeline, no MULTI): the hourly counts as
    # INCR + EXPIRE NX, the one-use marks as SET NX. Marks taken by an answer refused afterwards are given back.
    # Three to four sequential round trips were a quarter of a submit's time on the production stack.
    hour = int(time.time() // 3600)
    keys = {"ip": _keyed("ip", form.pk, ip, hour) if ip else None,
            "no-device": _keyed("no-device", form.pk, ip, hour) if device is None and ip else None,
            "device": _keyed("device", link_id, device) if device is not None else None,
            "start": _keyed("start", form.pk, nonce) if nonce is not None else None}
    raw = {name: cache.make_and_validate_key(key) for name, key in keys.items() if key}
    pipe = client.pipeline(transaction=False)
    for name in ("ip", "no-device"):
        if name in raw:
            pipe.incr(raw[name])
            pipe.expire(raw[name], 3600, nx=True)
    if "device" in raw:
        pipe.set(raw["device"], 1, nx=True)
    if "start" in raw:
        pipe.set(raw["start"], 1, nx=True, ex=START_MAX_AGE)
    replies = iter(pipe.execute())
    counts = {}
    for name in ("ip", "no-device"):
        if name in raw:
            counts[name] = next(replies)
            next(replies)
    taken = {name: bool(next(replies)) for name in ("device", "start") if name in raw}
    admission.marks += [keys[name] for name, ok in taken.items() if ok]
    if counts.get("ip", 0) > settings.SURVEY_IP_HARD_LIMIT:
        raise FormUnavailable(FormUnavailable.BUSY, _(BUSY_MESSAGE))
    admission.busy = counts.get("ip", 0) > settings.SURVEY_IP_SOFT_LIMIT
    if counts.get("no-device", 0) > settings.SURVEY_IP_NO_DEVICE_LIMIT:
        raise FormUnavailable(FormUnavailable.NO_DEVICE, _(NO_DEVICE_MESSAGE))
    if taken.get("device") is False:
        raise FormUnavailable(FormUnavailable.DEVICE, _(DEVICE_MESSAGE))
    if taken.get("start") is False:
        raise FormUnavailable(FormUnavailable.REPLAYED, _(REPLAYED_MESSAGE))
    return None


BUSY_MESSAGE = gettext_noop("同一网络提交过于频繁，请稍后再试。您已填写的内容都已保留。")
NO_DEVICE_MESSAGE = gettext_noop("您的浏览器没有保存本网站的 Cookie，同一网络此类提交过多。请在浏览器设置中允许本网站保存 "
                                 "Cookie（或换用其他浏览器），然后再次提交；您已填写的内容都已保留。")
DEVICE_MESSAGE = gettext_noop("您已在本设备上提交过对该单位的评价，感谢参与。")
REPLAYED_MESSAGE = gettext_noop("这份页面已经提交过一次答卷。为防止重复提交，请核对下面保留的答案后再提交一次。")


def _admit_stepwise(admission: Admission, *, form, link_id: int, ip: str | None, device: str | None,
                    nonce: str | None) -> None:
    seen = network_count(form=form, ip=ip)
    if seen > settings.SURVEY_IP_HARD_LIMIT:
        raise FormUnavailable(FormUnavailable.BUSY, _(BUSY_MESSAGE))
    admission.busy = seen > settings.SURVEY_IP_SOFT_LIMIT
    if device is None and ip and _hourly_count("no-device", form.pk, ip) > settings.SURVEY_IP_NO_DEVICE_LIMIT:
        raise FormUnavailable(FormUnavailable.NO_DEVICE, _(NO_DEVICE_MESSAGE))
    if device is not None:
        key = _keyed("device", link_id, device)
        if not cache.add(key, 1, timeout=None):
            raise FormUnavailable(FormUnavailable.DEVICE, _(DEVICE_MESSAGE))
        admission.marks.append(key)
    if nonce is not None:
        key = _keyed("start", form.pk, nonce)
        if not cache.add(key, 1, timeout=START_MAX_AGE):
            raise FormUnavailable(FormUnavailable.REPLAYED, _(REPLAYED_MESSAGE))
        admission.marks.append(key)
