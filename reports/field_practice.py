"""The closeout report's field-practice sections: go-live readiness, training events and the
device fleet. `report_content` adds what `field_practice_content` returns (six queries, whatever
the number of events or devices)."""

from django.utils.translation import gettext_lazy

from chtprograms.models import Program
from instances.golive import selectors as golive_selectors
from instances.golive.report import readiness_results
from plan.devices import selectors as devices_selectors
from plan.training import selectors as training_selectors

#: The report's sections after the eight first ones (reports.render.SECTIONS adds them).
SECTIONS = (
    ("go-live", gettext_lazy("Go-live readiness")),
    ("training-devices", gettext_lazy("Training and devices")),
)
#: At most this many training events are listed (the Training page has them all). Devices are
#: summed up by model: a PDF that is e-mailed lists no IMEI or SIM number.
MAX_EVENTS = 60


def field_practice_content(*, program: Program, support) -> dict:
    results = readiness_results(program=program)
    events = training_selectors.training_event_list(program=program)
    devices = devices_selectors.device_list(program=program)
    return {
        "golive_results": results,
        "golive_met": sum(1 for result in results if result.met),
        "golive_waived": golive_selectors.waived_readiness(program=program),
        "training_events": events[:MAX_EVENTS],
        "training_events_left_out": max(len(events) - MAX_EVENTS, 0),
        "training_participants": sum(event.participants for event in events),
        "fleet": devices_selectors.fleet_summary(
            devices=devices, chw_count=support.chw_count if support else None
        ),
    }
