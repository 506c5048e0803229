"""Show database-constraint violations next to the form field they concern."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ConstraintErrorsOnFieldsMixin:
    """Route constraint errors (by `violation_error_code`) to a field.

    Django reports multi-column and expression constraints as non-field errors; a user expects
    "this name is taken" beside the name. Set `constraint_error_fields = {code: field_name}`."""

    constraint_error_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            routed: dict[str, list[ValidationError]] = {}
            for field, errors in error.error_dict.items():
                for item in errors:
                    target = field
                    if field == NON_FIELD_ERRORS:
                        target = self.constraint_error_fields.get(item.code, field)
                    routed.setdefault(target, []).append(item)
            raise ValidationError(routed) from None
