"""Reads about registered platforms and our own keys: which origins may frame us, which key
signs our messages, and pylti1p3's plumbing set up so that a nonce is good for one launch,
and only with the login that issued it."""

import re
from urllib.parse import urlsplit

from django.db import transaction
from lti_tool.models import Key, LtiRegistration
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.exception import LtiException

# A host name as it may stand in a policy header: letters, digits, dots and hyphens, or an
# IPv6 address in brackets. Anything else (spaces, commas, semicolons, quotes, wildcards)
# could add sources or directives to the Content-Security-Policy it is written into.
HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\]")


def origin_of(url: str, *, schemes=("http", "https")) -> str | None:
    """The scheme, host and port of an http(s) URL, as a single CSP source; None for
    anything else, including a host or port that isn't plainly one."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.netloc.rpartition("@")[2].lower()
    if port is not None:
        host = host.rpartition(":")[0]
    if parts.scheme not in schemes or not HOST.fullmatch(host):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


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


class BoundNonceOIDCLogin(DjangoOIDCLogin):
    """pylti1p3's OIDC login that also files the nonce it issues under the login's state,
    so the launch can tell which login a nonce came from."""

    def _generate_nonce(self) -> str:
        nonce = super()._generate_nonce()
        self._state_params = {**self._state_params, "nonce": nonce}
        return nonce


class BoundNonceMessageLaunch(DjangoMessageLaunch):
    """pylti1p3's message launch with two checks more: the id_token's nonce must be the
    one issued with the state this browser posts (an id_token obtained through another
    login can't be slipped into this one), and a token for several audiences must name us
    as its authorized party (`azp`), as must any token that names one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # pylti1p3 checks the audience itself; PyJWT also insists on an expiry and an
        # issue time, which LTI requires, so a token without them doesn't last forever.
        self._jwt_verify_options = {"verify_aud": False, "require": ["exp", "iat"]}

    def validate_nonce(self):
        nonce = self._get_jwt_body().get("nonce")
        params = self._session_service.get_state_params(self._get_request_param("state"))
        if not nonce or not isinstance(params, dict) or params.get("nonce") != nonce:
            raise LtiException("Nonce not issued with this login")
        return super().validate_nonce()

    def validate_registration(self):
        super().validate_registration()
        body = self._get_jwt_body()
        audience, party = body.get("aud"), body.get("azp")
        if isinstance(audience, list) and len(audience) > 1 and party is None:
            raise LtiException("A token for several audiences must name its authorized party")
        if party is not None and party != self.get_client_id():
            raise LtiException("Authorized party is another tool")
        return self
