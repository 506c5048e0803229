"""The profile's opt-out from closeout reports by e-mail (`email_closeout_reports`)."""

import pytest

from personas.models import PersonaRole
from personas.selectors import closeout_report_recipients
from personas.services import membership_add, profile_get, profile_update
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db


def opt_out(user):
    profile = profile_get(user=user)
    profile_update(
        profile=profile,
        time_zone=profile.time_zone,
        language=profile.language,
        digest_frequency=profile.digest_frequency,
        days_ahead=profile.days_ahead,
        email_closeout_reports=False,
    )


def test_heads_and_reviewers_who_opted_out_do_not_get_the_report_but_the_requester_does():
    head, other_head = UserFactory(), UserFactory()
    program = ProgramFactory(head=head)
    membership_add(program=program, user=other_head, role=PersonaRole.PROGRAM_HEAD)
    staying, leaving = reviewer(), reviewer()
    opt_out(other_head)
    opt_out(leaving)
    assert set(closeout_report_recipients(program=program)) == {head, staying}
    # Whoever asked for the report gets it, opted out or not.
    recipients = closeout_report_recipients(program=program, requested_by=other_head)
    assert set(recipients) == {head, staying, other_head}
