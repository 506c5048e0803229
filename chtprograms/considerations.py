"""The six consideration areas of a CHT program and their default checklists (from the CHT
documentation's "Running CHT programs")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    SCOPE = "scope", _("Scope")
    TECHNICAL = "technical", _("Technical requirements")
    ETHICS = "ethics", _("Ethics and regulations")
    LANDSCAPE = "landscape", _("Landscape")
    ECOSYSTEM = "ecosystem", _("Healthcare ecosystem")
    HUMAN_RESOURCES = "human_resources", _("Human resource requirements")


AREA_DESCRIPTIONS = {
    Area.SCOPE: _("Goals, deadlines and program deliverables."),
    Area.TECHNICAL: _("Devices, servers and storage requirements."),
    Area.ETHICS: _("Governance, privacy and security, which vary from country to country."),
    Area.LANDSCAPE: _("A general understanding of the region the program will run in."),
    Area.ECOSYSTEM: _("Standards, implementing partners, facilities and governing bodies."),
    Area.HUMAN_RESOURCES: _("Skills to build and sustain the program."),
}

DEFAULT_CHECKLISTS: dict[str, list[str]] = {
    Area.SCOPE: [
        _("Goals agreed"),
        _("Deadlines set"),
        _("Deliverables listed"),
        _("Expected change described"),
        _("Duration agreed"),
    ],
    Area.TECHNICAL: [
        _("Devices chosen (smartphones, tablets, laptops: count, model, minimum spec)"),
        _("Servers sized (cloud or on-premises)"),
        _("Storage requirements estimated"),
    ],
    Area.ETHICS: [
        _("Governance structure agreed"),
        _("Country data-protection law reviewed"),
        _("Privacy and security rules documented"),
        _("Data-sharing agreement or MoU signed (data controller named)"),
        _("Ethics approval obtained (research programs)"),
        _("Data residency decided"),
    ],
    Area.LANDSCAPE: [
        _("Country and regions mapped"),
        _("Mobile network and electricity coverage assessed"),
        _("Languages listed"),
        _("Terrain and travel constraints noted"),
    ],
    Area.ECOSYSTEM: [
        _("Health data standards in use identified"),
        _("Implementing partners listed"),
        _("Health facilities mapped"),
        _("Governing bodies engaged"),
        _("Community health setup described (CHW cadres, coverage)"),
        _("Systems to exchange data with identified"),
    ],
    Area.HUMAN_RESOURCES: [
        _("Skills needed listed (app development, hosting, support, M&E)"),
        _("People holding each skill named"),
        _("Skill gaps and how to close them recorded"),
    ],
}
