"""Each history row says how its change was made (`core.trail`), in simple-history's
`history_change_reason` column."""

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from core.trail import channel_of


@receiver(pre_create_historical_record)
def record_channel(sender, history_instance, **kwargs) -> None:
    if history_instance.history_change_reason:
        return
    request = getattr(HistoricalRecords.context, "request", None)
    history_instance.history_change_reason = channel_of(getattr(request, "path", None))
