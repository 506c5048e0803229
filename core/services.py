"""Helpers every app's services share: refuse unknown fields, validate, save."""


def checked_fields(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    return fields


def create_validated(instance):
    instance.full_clean()
    instance.save()
    return instance


def update_validated(instance, allowed: tuple[str, ...], fields: dict):
    changed = list(checked_fields(fields, allowed))
    for name in changed:
        setattr(instance, name, fields[name])
    instance.full_clean()
    auto = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=[*changed, *auto])
    return instance
