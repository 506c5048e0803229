"""Accent-insensitive search: "Ministere" finds "Ministère", "oeuvre" finds "œuvre".

`contains_unaccented("name", text)` is a `Q` matching rows whose field contains `text`, case
and accents ignored, on both databases the app runs on. The lookup it picks:
- PostgreSQL: the `unaccent` extension's function (created by the `chtprograms` migration
  `0007_unaccent_extension`, with Django's `UnaccentExtension`);
- SQLite: a function of the same name, registered on every new connection (`register_sqlite`,
  connected in `CoreConfig.ready`), doing in Python what `unaccent` does.
The typed text is stripped the same way in Python, so accents typed in the search box do not
matter either."""

import unicodedata

from django.db.models import CharField, Q, TextField, Transform

#: Letters that are not a base letter plus accents in Unicode, spelt as `unaccent` spells them.
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O"}
)


def unaccent(text: str | None) -> str | None:
    """`text` without its accents (and ligatures spelt out): "Mise en œuvre" → "Mise en oeuvre"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Unaccent(Transform):
    """`field__unaccent`: UNACCENT(field), a function of PostgreSQL's extension or of SQLite's
    connection."""

    lookup_name = "unaccent"
    function = "UNACCENT"


CharField.register_lookup(Unaccent)
TextField.register_lookup(Unaccent)


def contains_unaccented(field: str, text: str) -> Q:
    """Rows whose `field` (a text field, possibly across a relation) contains `text`, ignoring
    case and accents."""
    return Q(**{f"{field}__unaccent__icontains": unaccent(text)})


def register_sqlite(sender, connection, **kwargs) -> None:
    """Give each new SQLite connection the UNACCENT function (PostgreSQL has its extension's)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, unaccent, deterministic=True)
