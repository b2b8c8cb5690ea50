"""Registering an LMS in the admin, and activating a deployment its first launch recorded."""

import pytest
from django.urls import reverse
from lti_tool.models import LtiDeployment, LtiRegistration

from .conftest import AUTH_URL, CLIENT_ID, ISSUER, KEYSET_URL, TOKEN_URL

pytestmark = pytest.mark.django_db


def change_url(registration) -> str:
    return reverse("admin:lti_tool_ltiregistration_change", args=[registration.pk])


def form_data(registration, deployments, **changes) -> dict:
    data = {
        "name": registration.name,
        "is_active": "on",
        "issuer": registration.issuer,
        "client_id": registration.client_id,
        "audience": "",
        "auth_url": registration.auth_url,
        "token_url": registration.token_url,
        "keyset_url": registration.keyset_url,
        "deployments-TOTAL_FORMS": str(len(deployments)),
        "deployments-INITIAL_FORMS": str(len(deployments)),
        "deployments-MIN_NUM_FORMS": "0",
        "deployments-MAX_NUM_FORMS": "1000",
    }
    for index, deployment in enumerate(deployments):
        data[f"deployments-{index}-id"] = str(deployment.pk)
        data[f"deployments-{index}-registration"] = str(registration.pk)
        data[f"deployments-{index}-deployment_id"] = deployment.deployment_id
        if deployment.is_active:
            data[f"deployments-{index}-is_active"] = "on"
    data.update(changes)
    return data


def test_an_admin_registers_a_platform_with_its_endpoints(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:lti_tool_ltiregistration_add"),
        {
            "name": "District Canvas",
            "is_active": "on",
            "issuer": ISSUER,
            "client_id": CLIENT_ID,
            "audience": "",
            "auth_url": AUTH_URL,
            "token_url": TOKEN_URL,
            "keyset_url": KEYSET_URL,
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-MIN_NUM_FORMS": "0",
            "deployments-MAX_NUM_FORMS": "1000",
            "deployments-0-deployment_id": "1:abc",
            "deployments-0-is_active": "on",
        },
    )
    assert response.status_code == 302
    registration = LtiRegistration.objects.get()
    assert (registration.issuer, registration.client_id, registration.keyset_url) == (
        ISSUER,
        CLIENT_ID,
        KEYSET_URL,
    )
    assert registration.deployments.get().is_active


def test_a_bad_endpoint_is_refused_and_nothing_saved(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:lti_tool_ltiregistration_add"),
        {
            "name": "District Canvas",
            "issuer": ISSUER,
            "client_id": CLIENT_ID,
            "auth_url": "not a url",
            "token_url": TOKEN_URL,
            "keyset_url": KEYSET_URL,
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
            "deployments-MIN_NUM_FORMS": "0",
            "deployments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not LtiRegistration.objects.exists()


def test_the_list_counts_deployments_waiting_and_an_admin_activates_one(
    client, admin_user, platform
):
    platform.deployment_id = "2:waiting"
    assert platform.launch().status_code == 403
    client.force_login(admin_user)
    listing = client.get(reverse("admin:lti_tool_ltiregistration_changelist"))
    assert listing.status_code == 200
    assert '<td class="field-waiting">1</td>' in listing.content.decode()

    page = client.get(change_url(platform.registration))
    assert "2:waiting" in page.content.decode()
    assert "private key" not in page.content.decode().lower()
    deployments = list(platform.registration.deployments.order_by("pk"))
    waiting = deployments[-1]
    waiting.is_active = True  # ticked in the form
    response = client.post(
        change_url(platform.registration), form_data(platform.registration, deployments)
    )
    assert response.status_code == 302
    assert LtiDeployment.objects.get(deployment_id="2:waiting").is_active
    assert platform.launch().status_code == 302


def test_people_who_are_not_staff_get_the_admin_login(client, teacher, registration):
    client.force_login(teacher)
    response = client.get(change_url(registration))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
