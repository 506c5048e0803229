"""Two people editing the same record: the second save is refused, never silently lost.

A form opened on a record carries its *version*: a signed fingerprint of the record's fields as
they were when the page was opened (`version_of`; `core.forms.VersionedFormMixin` puts it in a
hidden field). The service that saves the form locks the row, fingerprints it again and compares
(`ensure_unchanged`, inside the service's transaction). When a field changed meanwhile, nothing
is saved and an `EditConflict` says, beside each such field, "changed by someone else since you
opened it", with its value now and the one typed. The form then carries the new version, so
saving again is a deliberate choice made with both values on the screen.

Fingerprints rather than a version column: each model keeps its table as it is, the check only
covers the fields the form edits (a health note recorded meanwhile does not block an edit of the
program's goals), and the message can tell which fields changed and which the user changed too.
Model-free: it works on any model instance and its fields."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import hashlib
from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

SALT = "core.concurrency.version"
#: Longer values are cut in the conflict message (the whole of the typed one stays in its box).
SHOWN_CHARACTERS = 300


class EditConflict(ValidationError):
    """The record changed since the form was opened. `version` is the record's version now;
    `theirs` maps the fields only the other person changed to their value now, for the form to
    show in its boxes (`core.forms.VersionedFormMixin.apply_conflict`)."""

    def __init__(self, errors: dict, *, version: str, theirs: dict):
        super().__init__(errors)
        self.version = version
        self.theirs = theirs


def _normal(field: models.Field, value) -> str:
    """One text for one value, the same whether it comes from the database or from a form."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        value = value.pk
    elif isinstance(value, str) and not field.is_relation:
        # text as typed ("120000" for a decimal, "2027-01-01" for a date); kept when it is not
        with contextlib.suppress(ValidationError):
            value = field.to_python(value)
        if value is None:
            return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, decimal.Decimal):
        places = getattr(field, "decimal_places", None)
        if places is not None and value.is_finite():
            with contextlib.suppress(decimal.InvalidOperation):  # too long to round: as it is
                value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return format(value, "f")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    code = getattr(value, "code", None)  # a country (django-countries)
    if isinstance(code, str):
        return code
    return str(value)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _fingerprint(instance: models.Model, names: Iterable[str]) -> dict[str, str]:
    fields = {field.name: field for field in instance._meta.concrete_fields}
    return {
        name: _digest(_normal(fields[name], fields[name].value_from_object(instance)))
        for name in names
        if name in fields
    }


def version_of(instance: models.Model, names: Iterable[str]) -> str:
    """The version of `instance` (saved or not) as far as the fields `names` go."""
    return signing.dumps(_fingerprint(instance, names), salt=SALT, compress=True)


def read_version(version: str) -> dict[str, str] | None:
    """The fingerprint inside a version, or None when it was not made here (or was altered)."""
    try:
        state = signing.loads(version, salt=SALT)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(state, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in state.items()
    ):
        return None
    return state


def _shown(field: models.Field, value, instance: models.Model | None = None) -> str:
    """How a value reads in the conflict message."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.is_relation:
        if not isinstance(value, models.Model) and instance is not None:
            value = getattr(instance, field.name)
        text = str(value)
    elif field.choices:
        text = str(dict(field.flatchoices).get(value, value))
    elif isinstance(value, datetime.date | decimal.Decimal):
        text = str(formats.localize(value))
    else:
        text = str(value)
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS] + "…"
    return text


def ensure_unchanged(instance: models.Model, version: str | None, submitted: dict) -> None:
    """Refuse to save `instance` when its row changed since `version` was taken.

    Call it inside the transaction that then saves: it locks the row until the end of that
    transaction (SELECT … FOR UPDATE; SQLite's write lock does the same), so of two saves made
    at the same moment the second one waits, then sees the first one's change. `submitted`
    holds the values being saved, by field name. No version (a client that sent none): nothing
    to compare, the save goes ahead as before."""
    if not version:
        return
    state = read_version(version)
    if state is None:
        raise ValidationError(
            _("This form is out of date: reload the page and make your change again."),
            code="bad_version",
        )
    if instance.pk is None:
        return
    model = type(instance)
    current = model._default_manager.select_for_update().filter(pk=instance.pk).first()
    if current is None:
        raise ValidationError(
            _("Someone else deleted this record since you opened it: nothing was saved."),
            code="deleted_meanwhile",
        )
    now = _fingerprint(current, state)
    fields = {field.name: field for field in model._meta.concrete_fields}
    errors: dict[str, list[ValidationError]] = {}
    theirs: dict = {}
    for name, then in state.items():
        if name not in now or now[name] == then:
            continue
        field = fields[name]
        value_now = field.value_from_object(current)
        if name in submitted and _normal(field, submitted[name]) == _normal(field, value_now):
            continue  # both made the same change: nothing to choose
        params = {"now": _shown(field, value_now, current)}
        if name in submitted and _digest(_normal(field, submitted[name])) != then:
            params["mine"] = _shown(field, submitted[name])
            message = _(
                "Changed by someone else since you opened it: it is now “%(now)s”. Yours, "
                "“%(mine)s”, is still in the box; save again to keep it."
            )
        else:
            params["mine"] = _shown(field, submitted.get(name))
            message = _(
                "Changed by someone else since you opened it: it is now “%(now)s” (it was "
                "“%(mine)s”). The box shows the new value."
            )
            theirs[name] = value_now
        errors[name] = [ValidationError(message % params, code="edit_conflict")]
    if not errors:
        return
    errors[NON_FIELD_ERRORS] = [
        ValidationError(
            _(
                "Someone else changed this record since you opened it, so nothing was saved. "
                "Both values are shown below: check them, then save again."
            ),
            code="edit_conflict",
        )
    ]
    raise EditConflict(errors, version=version_of(current, state), theirs=theirs)
