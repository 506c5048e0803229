"""The demo's people: one login per persona role, a portfolio reviewer and a site administrator."""

from django.contrib.auth import get_user_model

from personas.models import PersonaRole
from personas.services import portfolio_reviewer_set

DEMO_PASSWORD = "cht-demo-2026"  # noqa: S105 — documented demo password for local use only

#: (username, first name, last name, persona role or a special kind)
DEMO_USERS = [
    ("admin", "Site", "Administrator", "site_admin"),
    ("reviewer", "Rosa", "Reviewer", "reviewer"),
    ("head", "Amina", "Otieno", PersonaRole.PROGRAM_HEAD),
    ("progadmin", "Joseph", "Mwangi", PersonaRole.PROGRAM_ADMIN),
    ("designer", "Sita", "Gurung", PersonaRole.SERVICE_DESIGNER),
    ("ux", "Fatou", "Diallo", PersonaRole.UX_DESIGNER),
    ("developer", "Brian", "Okello", PersonaRole.SOFTWARE_DEVELOPER),
    ("sysadmin", "Kofi", "Mensah", PersonaRole.SYSTEM_ADMIN),
    ("support", "Aïssata", "Traoré", PersonaRole.TECHNICAL_SUPPORT),
    ("researcher", "Prakash", "Sharma", PersonaRole.RESEARCHER),
]


def demo_users() -> dict[str, object]:
    """The demo users, made once (matched by username): persona role or kind → user."""
    User = get_user_model()
    users = {}
    for username, first, last, kind in DEMO_USERS:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            if kind == "site_admin":
                user.is_staff = user.is_superuser = True
            user.save()
        if kind == "reviewer":
            portfolio_reviewer_set(user=user)
        users[kind] = user
    return users
