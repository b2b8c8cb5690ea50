"""LMSs show tools in an iframe. The rule here: the LTI routes, and every page of a session
that began with an LTI launch, may be framed by that launch's platform (its registered
origins and those its signed message named); every other page stays DENY. The session and
CSRF cookies of such a session are SameSite=None; Secure, so the frame keeps them; every
other session's stay Lax. The admin is never framed.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.csp import CSP

# The origins that may frame this session's pages, set by a verified launch.
FRAME_SESSION_KEY = "lms_frame_ancestors"


def allow_framing(response, origins, *, form_targets=()) -> None:
    """Let `origins` frame this response, through the attributes Django's CSP and
    clickjacking middleware read (as csp_override and xframe_options_exempt set them).
    Without any origin the response stays DENY. `form_targets` are origins the page's form
    may post to (deep linking answers the platform with one)."""
    config = dict(getattr(response, "_csp_config", settings.SECURE_CSP))
    if form_targets:
        config["form-action"] = [*config.get("form-action", [CSP.SELF]), *form_targets]
    if origins:
        config["frame-ancestors"] = list(origins)
        response.xframe_options_exempt = True
    response._csp_config = config


def _framing_session_origins(request) -> list[str]:
    session = getattr(request, "session", None)
    if session is None:
        return []
    return list(session.get(FRAME_SESSION_KEY) or [])


class LtiFrameAncestorsMiddleware:
    """Pages of an LTI-launched session may be framed by its platform. Sits after Django's
    clickjacking and CSP middleware, so they read what it sets. Only a session the page
    already read is looked at, so no other page pays a query for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and not getattr(response, "xframe_options_exempt", False)
            and not request.path.startswith(reverse("admin:index"))
        ):
            origins = _framing_session_origins(request)
            if origins:
                allow_framing(response, origins)
        return response


class LtiFrameCookiesMiddleware:
    """An LTI-launched session's cookies are SameSite=None; Secure over HTTPS, so the
    LMS's iframe sends them. Sits before SessionMiddleware, to see the cookie it sets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        names = [
            name
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
            if name in response.cookies and response.cookies[name].value
        ]
        if names and request.is_secure() and _framing_session_origins(request):
            for name in names:
                response.cookies[name]["samesite"] = "None"
                response.cookies[name]["secure"] = True
        return response
