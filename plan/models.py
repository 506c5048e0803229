"""Plan and evidence: each part keeps its models in its own folder; Django finds them here."""

from plan.budget.models import BudgetCategory, BudgetLine, ExchangeRate, Expenditure
from plan.chw_support.models import CHWSupport
from plan.devices.models import Device
from plan.hosting.models import HostingEstimate
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Level, Risk, ScalingDecision
from plan.training.models import TrainingEvent

__all__ = [
    "BudgetCategory",
    "BudgetLine",
    "CHWSupport",
    "Device",
    "ExchangeRate",
    "Expenditure",
    "HostingEstimate",
    "Indicator",
    "Lesson",
    "Level",
    "Measurement",
    "Risk",
    "ScalingDecision",
    "TrainingEvent",
]
