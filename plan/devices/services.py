"""Device fleet writes."""

from chtprograms.models import Program
from core.services import checked_fields, create_validated, update_validated
from plan.devices.models import Device

DEVICE_FIELDS = (
    "user_name",
    "phone_model",
    "imei",
    "sim_number",
    "android_version",
    "ram_gb",
    "storage_gb",
    "status",
    "handed_over_on",
)


def _normalised(fields: dict) -> dict:
    if "imei" in fields and fields["imei"]:
        fields = {**fields, "imei": "".join(ch for ch in str(fields["imei"]) if ch not in " -")}
    return fields


def device_create(*, program: Program, **fields) -> Device:
    return create_validated(
        Device(program=program, **checked_fields(_normalised(fields), DEVICE_FIELDS))
    )


def device_update(*, device: Device, version: str | None = None, **fields) -> Device:
    return update_validated(device, DEVICE_FIELDS, _normalised(fields), version=version)


def device_delete(*, device: Device) -> None:
    device.delete()
