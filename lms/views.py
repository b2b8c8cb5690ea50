"""The LTI routes: OIDC login, launch, deep linking's answer, our keyset and Canvas's JSON
configuration. Anything that isn't a valid LTI message is refused (400 or 403) before
anything is written."""

import logging
import re

from django.contrib.auth import login
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.constants import SESSION_KEY
from lti_tool.models import Key
from lti_tool.utils import DjangoToolConfig
from pylti1p3.exception import OIDCException

from lessons.access import lessons_offered_to

from .launch import (
    UNVERIFIED,
    LaunchRefused,
    deep_link_response,
    deep_linking_session,
    launch_carry_out,
    launch_origins,
    launch_verify,
    lesson_max_points,
    written_module_prefetch,
)
from .middleware import FRAME_SESSION_KEY, allow_framing
from .platforms import (
    BoundNonceOIDCLogin,
    OneTimeCacheDataStorage,
    OneTimeNonceSessionService,
    origin_of,
    platform_origins,
    signing_key,
)

logger = logging.getLogger(__name__)

DEEP_LINK_SESSION_KEY = "lms_deep_link"
LESSON_NUMBER = re.compile(r"[0-9]{1,18}")
LOGIN_PARAMETERS = ("iss", "login_hint", "target_link_uri")
BACKEND = "django.contrib.auth.backends.ModelBackend"
# Canvas's scopes for grade passback (AGS) and roster sync (NRPS).
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


def _refused(request, message: str, *, status: int, title: str, origins=None):
    response = render(
        request,
        "lms/refused.html",
        {"title": title, "message": message},
        status=status,
    )
    allow_framing(response, platform_origins() if origins is None else origins)
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    """Step one of a launch: the platform names itself, we check it is registered and send
    the browser to its authorization endpoint with a state cookie and a one-time nonce."""
    params = request.POST if request.method == "POST" else request.GET
    if any(not params.get(name) for name in LOGIN_PARAMETERS):
        return _refused(
            request,
            "This address starts a launch from an LMS and needs the LMS's login request. "
            "Open History Lessons from your course instead.",
            status=400,
            title="Open this from your LMS",
        )
    signing_key()
    oidc_login = BoundNonceOIDCLogin(
        request,
        DjangoToolConfig(),
        session_service=OneTimeNonceSessionService(request),
        launch_data_storage=OneTimeCacheDataStorage(),
    )
    # pylti1p3's cookie check page carries an inline script; browsers that keep cookies
    # from the frame are told so on our own refusal page instead.
    try:
        response = oidc_login.disable_check_cookies().redirect(
            request.build_absolute_uri(reverse("lms:launch"))
        )
    except OIDCException:
        return _refused(
            request,
            "This LMS isn't registered with History Lessons, or its registration is switched "
            "off. An administrator registers it in the admin under LTI registrations.",
            status=403,
            title="LMS not registered",
        )
    allow_framing(response, platform_origins())
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def launch(request):
    """Step two: the platform posts the signed id_token. A verified launch from an active
    deployment logs the person in and opens their lesson (a learner), the class's
    assignment (an instructor), or the catalogue to pick a lesson (deep linking)."""
    if request.method != "POST" or not request.POST.get("id_token"):
        return _refused(
            request,
            "This address receives launches from an LMS. Open History Lessons from your "
            "course instead.",
            status=400,
            title="Open this from your LMS",
        )
    try:
        lti_launch = launch_verify(request)
    except UNVERIFIED as error:
        logger.warning("LTI launch refused: %s", error)
        return _refused(
            request,
            "The launch could not be verified: it may have expired, been used already, or "
            "come from an LMS that isn't registered here. Open the link from your course "
            "again.",
            status=403,
            title="Launch not verified",
        )
    origins = launch_origins(lti_launch)
    deployment = lti_launch.deployment
    if not deployment.is_active:
        return _refused(
            request,
            f"This LMS connection (deployment {deployment.deployment_id} of "
            f"{lti_launch.registration.name}) is waiting for an administrator of History "
            "Lessons to activate it in the admin. Try again once they have.",
            status=403,
            title="Connection not yet activated",
            origins=origins,
        )
    if not (lti_launch.is_resource_launch or lti_launch.is_deep_link_launch):
        return _refused(
            request,
            "History Lessons opens lessons and lets instructors choose them; this kind of "
            "launch isn't offered.",
            status=400,
            title="Launch not offered",
            origins=origins,
        )
    try:
        result = launch_carry_out(lti_launch)
    except LaunchRefused as refusal:
        return _refused(
            request, refusal.message, status=refusal.status, title="Can't open", origins=origins
        )
    login(request, result.user, backend=BACKEND)
    request.session[SESSION_KEY] = lti_launch.get_launch_id()
    request.session[FRAME_SESSION_KEY] = origins
    if lti_launch.is_deep_link_launch:
        request.session[DEEP_LINK_SESSION_KEY] = deep_linking_session(lti_launch, user=result.user)
        response = _catalogue(request, classroom=result.classroom)
    else:
        # A deep-linking request this browser left unanswered ends with any other launch.
        request.session.pop(DEEP_LINK_SESSION_KEY, None)
        response = redirect(result.landing_url)
    allow_framing(response, origins)
    return response


def _catalogue(request, *, classroom=None, error: str = "", status: int = 200):
    lessons = list(
        lessons_offered_to(request.user)
        .prefetch_related(written_module_prefetch())
        .order_by("title", "-version")
    )
    rows = [(lesson, lesson_max_points(lesson)) for lesson in lessons]
    return render(
        request,
        "lms/deep_link_catalogue.html",
        {"rows": rows, "classroom": classroom, "error": error},
        status=status,
    )


def _pending_deep_link(request) -> dict | None:
    pending = request.session.get(DEEP_LINK_SESSION_KEY)
    if (
        not isinstance(pending, dict)
        or not request.user.is_authenticated
        or pending.get("user") != request.user.pk
    ):
        return None
    return pending


@require_POST
def deep_link_select(request):
    """The instructor's pick from the catalogue, answered to the platform as a signed
    deep-linking response that a form of ours posts back to it."""
    pending = _pending_deep_link(request)
    origins = request.session.get(FRAME_SESSION_KEY) or []
    if pending is None:
        return _refused(
            request,
            "Choosing a lesson for your course starts from the LMS. Open History Lessons "
            "from the course's add-content menu again.",
            status=403,
            title="Open this from your LMS",
        )
    raw = request.POST.get("lesson", "")
    lesson = (
        lessons_offered_to(request.user)
        .filter(Q(pk=int(raw)) if LESSON_NUMBER.fullmatch(raw) else Q(pk__in=[]))
        .prefetch_related(written_module_prefetch())
        .first()
    )
    if lesson is None:
        response = _catalogue(
            request, error="Choose one of the published lessons below.", status=400
        )
        allow_framing(response, origins)
        return response
    try:
        return_url, token = deep_link_response(
            pending=pending,
            lesson=lesson,
            launch_url=request.build_absolute_uri(reverse("lms:launch")),
        )
    except LaunchRefused as refusal:
        return _refused(
            request, refusal.message, status=refusal.status, title="Can't add", origins=origins
        )
    # One answer per request: a second pick needs a new deep-linking launch.
    del request.session[DEEP_LINK_SESSION_KEY]
    response = render(
        request,
        "lms/deep_link_return.html",
        {"return_url": return_url, "jwt": token, "lesson": lesson},
    )
    allow_framing(response, origins, form_targets=[origin_of(return_url)])
    return response


@require_GET
def jwks(request):
    """Our public keys, which platforms check our signed messages with."""
    signing_key()
    response = JsonResponse(Key.objects.as_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def canvas_config(request):
    """Canvas's JSON configuration: paste its address in Developer Keys → LTI Key →
    Enter URL. Placements open deep linking, so instructors pick lessons from the catalogue."""
    launch_url = request.build_absolute_uri(reverse("lms:launch"))
    placement = {
        "message_type": "LtiDeepLinkingRequest",
        "target_link_uri": launch_url,
        "text": "History Lessons",
    }
    config = {
        "title": "History Lessons",
        "description": "Document-based history lessons: read, discuss and write; grades "
        "return to the LMS.",
        "oidc_initiation_url": request.build_absolute_uri(reverse("lms:login")),
        "target_link_uri": launch_url,
        "public_jwk_url": request.build_absolute_uri(reverse("lms:jwks")),
        "scopes": SCOPES,
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "domain": request.get_host(),
                "settings": {
                    "placements": [
                        {**placement, "placement": "link_selection"},
                        {**placement, "placement": "assignment_selection"},
                    ]
                },
            }
        ],
        "custom_fields": {},
    }
    return JsonResponse(config, json_dumps_params={"indent": 2})
