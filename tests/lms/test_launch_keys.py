"""Our keys and configuration: the keyset platforms check our messages with, its rotation
with django-lti's command, and Canvas's JSON configuration."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from lti_tool.models import Key

pytestmark = pytest.mark.django_db


def test_the_keyset_serves_a_key_made_on_first_use_to_everyone():
    assert not Key.objects.exists()
    keyset = Client().get(reverse("lms:jwks")).json()
    key = Key.objects.get()
    assert keyset == {"keys": [key.as_jwk()]}
    assert set(keyset["keys"][0]) >= {"kty", "n", "e", "kid", "alg", "use"}
    assert "d" not in keyset["keys"][0]  # never the private part
    assert Client().get(reverse("lms:jwks")).json() == keyset


def test_rotating_keys_publishes_the_new_one_and_drops_old_ones(capsys):
    Client().get(reverse("lms:jwks"))
    old = Key.objects.get()
    call_command("rotate_keys", "--deactivate-after", "0")
    new = Key.objects.latest()
    keyset = Client().get(reverse("lms:jwks")).json()
    assert [k["kid"] for k in keyset["keys"]] == [new.as_jwk()["kid"]]
    old.refresh_from_db()
    assert not old.is_active


def test_rotating_keeps_recent_keys_published_while_platforms_refresh():
    Client().get(reverse("lms:jwks"))
    call_command("rotate_keys")
    assert len(Client().get(reverse("lms:jwks")).json()["keys"]) == 2


def test_canvas_configuration_names_our_login_launch_and_keyset(client):
    config = client.get(reverse("lms:config"), secure=True).json()
    assert config["oidc_initiation_url"] == "https://testserver/lti/login/"
    assert config["target_link_uri"] == "https://testserver/lti/launch/"
    assert config["public_jwk_url"] == "https://testserver/.well-known/jwks.json"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scopes"]
    placements = config["extensions"][0]["settings"]["placements"]
    assert {p["message_type"] for p in placements} == {"LtiDeepLinkingRequest"}
    assert {p["placement"] for p in placements} == {"link_selection", "assignment_selection"}


@pytest.mark.parametrize("name", ["lms:jwks", "lms:config"])
def test_keyset_and_configuration_refuse_writes(client, name):
    assert client.post(reverse(name)).status_code == 405
