"""Helpers every app's services share: refuse unknown fields, validate, save."""

from django.db import IntegrityError, transaction

from core.concurrency import ensure_unchanged


def checked_fields(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    return fields


def create_validated(instance):
    instance.full_clean()
    instance.save()
    return instance


def update_validated(instance, allowed: tuple[str, ...], fields: dict, *, version=None):
    """Set `fields` on `instance`, validate and save them. With `version` (the record as the
    form found it, `core.concurrency`), refuse when someone else changed it meanwhile."""
    changed = list(checked_fields(fields, allowed))
    with transaction.atomic():
        ensure_unchanged(instance, version, fields)
        for name in changed:
            setattr(instance, name, fields[name])
        instance.full_clean()
        auto = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changed, *auto])
    return instance


def create_or_update_validated(
    model, lookup: dict, allowed: tuple[str, ...], fields: dict, *, version=None
):
    """The one record of `model` that `lookup` finds, updated with `fields`, or made with them.

    Two people saving the first one at the same moment: one makes it, the other's save becomes
    an update, checked against `version` like any other (so it is refused, not lost)."""
    fields = checked_fields(fields, allowed)
    with transaction.atomic():
        existing = model._default_manager.select_for_update().filter(**lookup).first()
        if existing is None:
            try:
                with transaction.atomic():
                    return create_validated(model(**lookup, **fields))
            except IntegrityError:
                existing = model._default_manager.select_for_update().get(**lookup)
        return update_validated(existing, allowed, fields, version=version)
