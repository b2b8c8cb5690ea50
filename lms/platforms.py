"""Reads about registered platforms and our own keys: which origins may frame us, which key
signs our messages, and pylti1p3's plumbing set up so that a nonce is good for one launch."""

from urllib.parse import urlsplit

from django.db import transaction
from lti_tool.models import Key, LtiRegistration
from pylti1p3.contrib.django import DjangoCacheDataStorage
from pylti1p3.contrib.django.session import DjangoSessionService


def origin_of(url: str) -> str | None:
    """The scheme, host and port of an http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def registration_origins(registration: LtiRegistration) -> set[str]:
    """Where a platform's pages live, as far as its registration tells: its issuer and the
    address our login sends people to."""
    return {
        origin
        for origin in (origin_of(registration.issuer), origin_of(registration.auth_url))
        if origin
    }


def platform_origins() -> list[str]:
    """Every active registration's origins, sorted: the platforms that may frame the LTI
    routes before a launch has said which platform it comes from."""
    origins: set[str] = set()
    for registration in LtiRegistration.objects.active().only("issuer", "auth_url"):
        origins |= registration_origins(registration)
    return sorted(origins)


def signing_key() -> Key:
    """The newest active key; a first one is made when there is none, so a fresh install
    serves a keyset and signs without a manual step."""
    key = Key.objects.active().order_by("-datetime_created").first()
    if key is not None:
        return key
    with transaction.atomic():
        key = Key.objects.select_for_update().filter(is_active=True).first()
        return key or Key.objects.generate()


class OneTimeCacheDataStorage(DjangoCacheDataStorage):
    """pylti1p3's cache storage that can also take a value out, at most once."""

    def take_value(self, key: str) -> bool:
        return bool(self._get_cache().delete(self._prepare_key(key)))


class OneTimeNonceSessionService(DjangoSessionService):
    """pylti1p3 only checks that a nonce was issued, so an id_token posted twice would
    launch twice. Here checking a nonce uses it up: a replay finds it gone."""

    def check_nonce(self, nonce: str) -> bool:
        storage = self.data_storage
        if isinstance(storage, OneTimeCacheDataStorage):
            return storage.take_value(self._get_key("nonce", nonce))
        return False  # pragma: no cover - every message launch here gets the storage above
