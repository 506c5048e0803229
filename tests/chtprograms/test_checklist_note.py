"""A checklist note over its limit: the card says so beside the note and keeps what was typed
(it used to re-render the saved note, dropping the text without a word)."""

import pytest
from django.urls import reverse

from chtprograms.models import ConsiderationItem
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(client):
    head = UserFactory()
    program = ProgramFactory(head=head, slug="siaya")
    client.force_login(head)
    return program.considerations.get(area="scope").items.first()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain form"])
def test_a_note_over_its_limit_gets_a_message_and_keeps_the_text(client, item, htmx):
    url = reverse("chtprograms:consideration-item-update", args=["siaya", item.pk])
    typed = "Agreed with the county team." * 20  # 560 characters, over the 500 allowed
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, {"done": "on", "note": typed}, **headers)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value has at most 500 characters (it has 560)." in body
    assert "Nothing was saved: shorten it and try again." in body
    assert f'id="item-note-{item.pk}-error"' in body
    if htmx:  # only the row's message is swapped: the note box keeps what was typed
        assert 'name="note"' not in body
    else:  # the page shows the form again with what was typed
        assert f'value="{typed}"' in body
    saved = ConsiderationItem.objects.get(pk=item.pk)
    assert (saved.note, saved.done) == ("", False)


def test_a_note_within_its_limit_is_saved(client, item):
    url = reverse("chtprograms:consideration-item-update", args=["siaya", item.pk])
    response = client.post(url, {"done": "on", "note": "x" * 500}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert ConsiderationItem.objects.get(pk=item.pk).note == "x" * 500
