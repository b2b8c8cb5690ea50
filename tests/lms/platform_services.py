"""An LMS's side of the LTI Advantage services, offline: a platform with its own RSA key pair
registered here, a course linked to the shared class, and its keyset, token, roster and score
endpoints served with `responses`.

The token endpoint checks our client assertion against our keyset (the key `rotate_keys`
made) as a platform would, and hands out access tokens signed with the platform's key; the
roster and score endpoints accept only such a token with the scope they need."""

import io
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
import responses
from django.core.management import call_command
from jwcrypto.jwk import JWK
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiLineItem, LtiRegistration, LtiUser

from coursework import grading
from lms.models import CourseLink, Placement
from tests.teacher.conftest import grade, hand_in, level_ids

ISSUER = "https://lms.example.edu"
CLIENT_ID = "10000000000042"
TOKEN_URL = f"{ISSUER}/login/oauth2/token"
KEYSET_URL = f"{ISSUER}/api/lti/security/jwks"
MEMBERSHIPS_URL = f"{ISSUER}/api/lti/courses/7/names_and_roles"
LINEITEMS_URL = f"{ISSUER}/api/lti/courses/7/line_items"
LINEITEM_URL = f"{LINEITEMS_URL}/31"
SCORES_URL = f"{LINEITEM_URL}/scores"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def member(sub: str, given: str, family: str, *, role=LEARNER, status="Active", email=None):
    return {
        "user_id": sub,
        "status": status,
        "given_name": given,
        "family_name": family,
        "name": f"{given} {family}",
        "email": email if email is not None else f"{given.lower()}@school.example.edu",
        "roles": [role],
    }


@dataclass
class Platform:
    """The LMS: what it answers, and what it was sent."""

    key: JWK
    registration: LtiRegistration
    context: LtiContext
    members: list[dict] = field(default_factory=list)
    # What the score endpoint answers, in turn (a status, or an exception raised as a
    # connection failure would be); 200 once they are used up.
    score_statuses: list[int | Exception] = field(default_factory=list)
    # A status (or exception) the memberships endpoint answers instead of the members.
    roster_failure: int | Exception | None = None
    # The token endpoint refuses our client assertion.
    token_refusal: bool = False
    # A body the memberships endpoint answers (200) instead of the members.
    roster_body: str | None = None
    # Members per page of the roster; all on one page when None.
    page_size: int | None = None
    roster_pages: list[str] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    score_attempts: int = 0

    def keyset(self, request):
        public = json.loads(self.key.export_public())
        return 200, {}, json.dumps({"keys": [public | {"alg": "RS256", "use": "sig"}]})

    def token(self, request):
        form = {name: values[0] for name, values in parse_qs(request.body).items()}
        self.token_requests.append(form)
        assertion = form["client_assertion"]
        kid = jwt.get_unverified_header(assertion)["kid"]
        ours = {key.as_jwk()["kid"]: key for key in Key.objects.active()}
        if kid not in ours or self.token_refusal:
            return 400, {}, json.dumps({"error": "invalid_client"})
        claims = jwt.decode(
            assertion, ours[kid].public_key, algorithms=["RS256"], audience=TOKEN_URL
        )
        assert claims["iss"] == claims["sub"] == CLIENT_ID
        assert form["grant_type"] == "client_credentials"
        assert form["client_assertion_type"] == (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        )
        token = jwt.encode(
            {"iss": ISSUER, "sub": CLIENT_ID, "scope": form["scope"], "exp": time.time() + 3600},
            self.key.export_to_pem(private_key=True, password=None),
            algorithm="RS256",
            headers={"kid": self.key.thumbprint()},
        )
        body = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        return 200, {}, json.dumps(body | {"scope": form["scope"]})

    def _authorized(self, request, scope: str) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            claims = jwt.decode(
                header.removeprefix("Bearer "), self.key.export_to_pem(), algorithms=["RS256"]
            )
        except jwt.InvalidTokenError:
            return False
        return scope in claims["scope"].split()

    def memberships(self, request):
        if not self._authorized(request, NRPS_SCOPE):
            return 401, {}, json.dumps({"error": "unauthorized"})
        if isinstance(self.roster_failure, Exception):
            raise self.roster_failure
        if self.roster_failure is not None:
            return self.roster_failure, {}, json.dumps({"errors": [{"message": "Unavailable"}]})
        if self.roster_body is not None:
            return 200, {}, self.roster_body
        self.roster_pages.append(request.url)
        page = int(parse_qs(urlsplit(request.url).query).get("page", ["1"])[0])
        size = self.page_size or max(len(self.members), 1)
        members = self.members[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(self.members):
            headers["Link"] = f'<{MEMBERSHIPS_URL}?page={page + 1}>; rel="next"'
        body = {
            "id": MEMBERSHIPS_URL,
            "context": {"id": self.context.id_on_platform, "title": self.context.title},
            "members": members,
        }
        return 200, headers, json.dumps(body)

    def score(self, request):
        self.score_attempts += 1
        if not self._authorized(request, SCORE_SCOPE):
            return 401, {}, json.dumps({"error": "unauthorized"})
        assert request.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
        if self.score_statuses:
            status = self.score_statuses.pop(0)
            if isinstance(status, Exception):
                raise status
            if status >= 400:
                message = "Internal error" if status >= 500 else "User not found in course"
                return status, {}, json.dumps({"errors": {"type": "error", "message": message}})
        self.scores.append(json.loads(request.body))
        return 200, {}, json.dumps({"resultUrl": f"{LINEITEM_URL}/results/1"})


@pytest.fixture
def tool_key(db):
    """Our signing key, made the way an administrator makes it."""
    call_command("rotate_keys", stdout=io.StringIO())
    return Key.objects.active().get()


@pytest.fixture
def linked(classroom, tool_key):
    """The shared class, linked to a course on a registered platform."""
    registration = LtiRegistration.objects.create(
        name="Example LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_url=f"{ISSUER}/api/lti/authorize_redirect",
        token_url=TOKEN_URL,
        keyset_url=KEYSET_URL,
    )
    deployment = LtiDeployment.objects.create(
        registration=registration, deployment_id="1:course-7", is_active=True
    )
    context = LtiContext.objects.create(
        deployment=deployment,
        id_on_platform="course-7",
        title="World History 10",
        memberships_url=MEMBERSHIPS_URL,
        lineitems_url=LINEITEMS_URL,
        can_publish_scores=True,
    )
    return CourseLink.objects.create(context=context, classroom=classroom)


@pytest.fixture
def platform(linked):
    key = JWK.generate(kty="RSA", size=2048, kid=str(uuid.uuid4()))
    lms = Platform(
        key=key, registration=linked.context.deployment.registration, context=linked.context
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, KEYSET_URL, callback=lms.keyset)
        mock.add_callback(responses.POST, TOKEN_URL, callback=lms.token)
        mock.add_callback(responses.GET, MEMBERSHIPS_URL, callback=lms.memberships)
        mock.add_callback(responses.POST, SCORES_URL, callback=lms.score)
        yield lms


def lms_identity(person, sub: str, registration: LtiRegistration) -> LtiUser:
    """The person as the platform knows them, as a launch would have recorded."""
    return LtiUser.objects.create(registration=registration, sub=sub, auth_user=person)


def place(linked: CourseLink, assignment, *, maximum: float = 16) -> Placement:
    """A link in the course opening the assignment, with its grade column."""
    link = linked.context.resource_links.create(id_on_platform="rl-31", title="The Bridge")
    column = LtiLineItem.objects.create(
        context=linked.context,
        url=LINEITEM_URL,
        maximum_score=maximum,
        label="The Bridge",
        resource_link=link,
    )
    return Placement.objects.create(
        resource_link=link, lesson=assignment.lesson, assignment=assignment, line_item=column
    )


CONNECTION_REFUSED = requests.ConnectionError("Connection refused")


# Grades returned through the coursework services, in a course whose link opens the lesson.

COMMENT = "Strong use of the council's minutes; say more about the merchants."


@pytest.fixture
def placed(platform, linked, assignment, student):
    """The assignment opened from a link in the LMS course, with its grade column; the
    student known to the LMS as u-amara."""
    lms_identity(student, "u-amara", platform.registration)
    return place(linked, assignment)


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for a commit (the signal, then the job) as the transaction ends."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def graded(assignment, student, teacher, points=(4, 3, 2, 1), comment=COMMENT):
    """The student's work handed in and graded (not yet returned): 10 of 16 by default."""
    submission = hand_in(assignment, student)
    grade(submission, teacher, list(points), comment)
    return submission


def regrade(submission, teacher, points, comment):
    """Regrade returned work, as the grading screen's Regrade does: returned again at once."""
    current = grading.grade_for(submission=submission)
    scores = [grading.ScoreInput(c, lv) for c, lv in level_ids(submission, points).items()]
    return grading.grade_save(
        submission=submission,
        version_id=current.version_id,
        grader=teacher,
        revision=current.revision,
        scores=scores,
        comment=comment,
        regrade=True,
    )
