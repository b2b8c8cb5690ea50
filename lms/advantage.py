"""Calls to an LMS's LTI Advantage services (rosters, grade columns), signed with our key.

pylti1p3's ServiceConnector asks the platform's token URL for an access token with a JWT
signed by our current key, then calls the service with it. Its requests carry no timeout of
their own, so every call here goes through a session that sets one.
"""

import logging

import requests
from lti_tool.models import Key, LtiRegistration
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.service_connector import ServiceConnector

logger = logging.getLogger(__name__)

# Seconds to wait for the LMS to answer one request before giving up on it.
TIMEOUT = 20


class _TimedSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


class ServiceError(Exception):
    """An LMS service call that did not succeed, said in words a teacher can act on.

    `temporary` is true for what may work later: the LMS down or overloaded (5xx, 429) or
    not reached at all. Anything else (a refusal, a missing key) will fail the same way
    until someone changes something."""

    def __init__(self, reason: str, *, temporary: bool):
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


def connector_for(registration: LtiRegistration) -> ServiceConnector:
    """A connector that signs with the registration's own key, or else our newest key."""
    try:
        platform = registration.to_registration()
    except Key.DoesNotExist:
        raise ServiceError(
            "This site has no signing key yet: an administrator must run `manage.py rotate_keys`.",
            temporary=False,
        ) from None
    return ServiceConnector(platform, requests_session=_TimedSession())


def _message_in(body) -> str | None:
    """The words of an error body as LMSs write them: {"error_description": ...},
    {"errors": {"message": ...}}, {"errors": [{"message": ...}]}, {"message": ...} or
    {"error": ...}."""
    if isinstance(body, list):
        return next((m for m in map(_message_in, body) if m), None)
    if not isinstance(body, dict):
        return None
    for name in ("error_description", "message"):
        if isinstance(body.get(name), str) and body[name].strip():
            return body[name]
    for name in ("errors", "error"):
        found = body.get(name)
        if isinstance(found, str) and found.strip():
            return found
        if isinstance(found, dict | list) and (message := _message_in(found)):
            return message
    return None


def _response_reason(response: requests.Response) -> str:
    reason = f"the LMS answered {response.status_code}"
    if response.reason:
        reason += f" {response.reason}"
    try:
        detail = _message_in(response.json())
    except ValueError:
        detail = None
    detail = " ".join((detail or response.text or "").split())[:200]
    return f"{reason}: {detail}" if detail else reason


def service_error(error: Exception) -> ServiceError:
    """The ServiceError for what a service call raised, whatever it was."""
    if isinstance(error, ServiceError):
        return error
    if isinstance(error, LtiServiceException):
        status = error.response.status_code
        return ServiceError(
            _response_reason(error.response), temporary=status >= 500 or status == 429
        )
    if isinstance(error, requests.exceptions.JSONDecodeError):
        return ServiceError("the LMS's answer was not JSON", temporary=False)
    if isinstance(error, requests.Timeout):
        return ServiceError(f"the LMS did not answer within {TIMEOUT} seconds", temporary=True)
    if isinstance(error, requests.ConnectionError):
        return ServiceError("the LMS could not be reached", temporary=True)
    if isinstance(error, requests.RequestException):
        return ServiceError(f"the request to the LMS failed ({error})", temporary=True)
    if isinstance(error, LtiException | KeyError | ValueError | TypeError):
        # A refusal pylti1p3 raises itself, or an answer that is not what the standard says.
        return ServiceError(f"the LMS's answer could not be used ({error})", temporary=False)
    # Anything else is a fault here rather than the LMS's: kept in the log with its traceback.
    logger.error("LMS service call failed unexpectedly", exc_info=error)
    return ServiceError(
        f"an unexpected error stopped the request ({type(error).__name__})", temporary=False
    )
