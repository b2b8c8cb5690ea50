"""Failed-login throttling kept in the cache, so every app process sharing it agrees."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, *, username: str, address: str) -> str:
    # Hashed so that odd usernames can't produce invalid or colliding cache keys.
    digest = hashlib.sha256(f"{username.strip().lower()}\0{address}".encode()).hexdigest()
    return f"login:{kind}:{digest}"


def login_is_locked(*, username: str, address: str) -> bool:
    """True while this username from this address is locked out."""
    return cache.get(_key("lock", username=username, address=address)) is not None


def login_failure_record(*, username: str, address: str) -> bool:
    """Count one failure; returns True when this failure starts a lockout."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    failures_key = _key("fail", username=username, address=address)
    cache.add(failures_key, 0, timeout=window)
    try:
        failures = cache.incr(failures_key)
    except ValueError:
        # The counter expired between add and incr; this failure starts a new window.
        cache.set(failures_key, 1, timeout=window)
        failures = 1
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        cache.set(_key("lock", username=username, address=address), 1, timeout=window)
        cache.delete(failures_key)
        return True
    return False


def login_success_record(*, username: str, address: str) -> None:
    """Forget earlier failures once the right password is given."""
    cache.delete(_key("fail", username=username, address=address))
