"""Profile and preferences: time zone, language, reminders, muted programs."""

import datetime

import pytest
from django.urls import reverse

from personas.models import DigestFrequency, PersonaRole, Profile
from personas.services import membership_add, profile_get, profiles_ensure
from personas.timezones import country_time_zone
from tests.factories import ProgramFactory, UserFactory
from tests.queries import exact_queries
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("KE", "Africa/Nairobi"),
        ("NP", "Asia/Kathmandu"),
        ("ML", "Africa/Bamako"),
        ("TG", "Africa/Lome"),
        ("BF", "Africa/Ouagadougou"),
        ("", "UTC"),
        ("ZZ", "UTC"),
    ],
)
def test_a_country_gives_a_sensible_time_zone(country, zone):
    assert country_time_zone(country) == zone


def test_the_profile_is_made_when_first_needed_from_the_first_programs_country():
    person = UserFactory()
    nepal = ProgramFactory(country="NP")
    membership_add(
        program=nepal,
        user=person,
        role=PersonaRole.SOFTWARE_DEVELOPER,
        since=datetime.date(2026, 1, 1),
    )
    membership_add(program=ProgramFactory(country="ML"), user=person, role=PersonaRole.RESEARCHER)
    assert not Profile.objects.filter(user=person).exists()
    profile = profile_get(user=person)
    assert (profile.time_zone, profile.language, profile.digest_frequency, profile.days_ahead) == (
        "Asia/Kathmandu",
        "en",
        DigestFrequency.DAILY,
        7,
    )
    assert profile_get(user=person).pk == profile.pk
    assert profile_get(user=UserFactory()).time_zone == "UTC"  # on no program yet


def test_profiles_for_many_people_in_a_fixed_number_of_queries():
    people = [UserFactory() for _ in range(30)]
    for person in people:
        membership_add(program=ProgramFactory(country="TG"), user=person, role="researcher")
    existing = profile_get(user=people[0])
    # existing profiles, countries of the missing, insert, read back
    with exact_queries(4):
        profiles = profiles_ensure(user_ids=[person.pk for person in people])
    assert profiles[people[0].pk].pk == existing.pk
    assert {profile.time_zone for profile in profiles.values()} == {"Africa/Lome"}


def test_the_profile_page_needs_login(client):
    response = client.get(reverse("personas:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def form_data(**changes):
    data = {
        "time_zone": "Africa/Bamako",
        "language": "fr",
        "digest_frequency": "weekly",
        "days_ahead": "14",
        "email_closeout_reports": "",
    }
    data.update(changes)
    return data


def test_saving_preferences_mutes_programs_and_switches_the_pages_to_french(client):
    compile_messages()
    person = UserFactory()
    mine = ProgramFactory(name="Mali ASC", country="ML")
    other = ProgramFactory(name="Not mine")
    membership_add(program=mine, user=person, role=PersonaRole.SOFTWARE_DEVELOPER)
    client.force_login(person)
    page = client.get(reverse("personas:profile")).content.decode()
    assert "Mali ASC" in page and "Not mine" not in page
    response = client.post(reverse("personas:profile"), form_data(muted_programs=[mine.pk]))
    assert response.status_code == 302
    profile = Profile.objects.get(user=person)
    assert (profile.time_zone, profile.language, profile.digest_frequency) == (
        "Africa/Bamako",
        "fr",
        "weekly",
    )
    assert profile.days_ahead == 14 and profile.email_closeout_reports is False
    assert list(profile.muted_programs.all()) == [mine]
    # The next pages are in French, and stay so at the next login.
    home = client.get(reverse("chtprograms:home")).content.decode()
    assert "Mes programmes" in home
    client.logout()
    client.force_login(person)
    assert "Mes programmes" in client.get(reverse("chtprograms:home")).content.decode()
    # Muting a program one is not on is refused.
    response = client.post(reverse("personas:profile"), form_data(muted_programs=[other.pk]))
    assert response.status_code == 400


def test_bad_preferences_are_shown_beside_the_field(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("personas:profile"), form_data(time_zone="Mars/Olympus", days_ahead="0")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_time_zone_error"' in html
    assert 'id="id_days_ahead_error"' in html
    assert Profile.objects.get(user=person).time_zone == "UTC"  # nothing saved


def test_the_language_menu_changes_the_profile(client):
    compile_messages()
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("personas:language"), {"language": "fr", "next": reverse("chtprograms:home")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("chtprograms:home")
    assert Profile.objects.get(user=person).language == "fr"
    assert "Mes programmes" in client.get(reverse("chtprograms:home")).content.decode()
    # An outside address is not followed.
    response = client.post(
        reverse("personas:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("chtprograms:home")
    assert "My programs" in client.get(reverse("chtprograms:home")).content.decode()
