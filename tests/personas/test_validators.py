"""Our password validators."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from demo.management.commands.seed_demo import DEMO_PASSWORD
from personas.validators import PublishedPasswordValidator


@pytest.mark.parametrize("password", [DEMO_PASSWORD, DEMO_PASSWORD.upper(), f" {DEMO_PASSWORD} "])
def test_the_published_demo_password_is_refused(password):
    with pytest.raises(ValidationError) as raised:
        PublishedPasswordValidator().validate(password)
    assert raised.value.error_list[0].code == "password_published"


def test_other_passwords_pass():
    PublishedPasswordValidator().validate(f"{DEMO_PASSWORD}-but-longer")


@pytest.mark.django_db
def test_seed_demo_stops_before_creating_anyone_when_not_allowed(settings, django_user_model):
    settings.SEED_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="does not run under production settings"):
        call_command("seed_demo", "--programs", "1")
    assert not django_user_model.objects.exists()
