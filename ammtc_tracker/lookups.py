"""``field__any_of=ids``: ``field IN (ids)`` written as one parameter where the database can.

A page of an API list reads its rows' related rows with the page's ids (``ammtc_tracker.
api_rows``). Django's ``__in`` prepares each of the 100 ids and writes a placeholder for each,
and psycopg then parses the long statement on every request (it caches only short ones): a
sixth of the activities list's time. On PostgreSQL ``= ANY(%s)`` takes the ids as one array,
and the statement is short and the same for every page. Elsewhere it is a plain ``IN``.
For ids read from the database: they are not converted one by one.
"""

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        if not isinstance(self.rhs, list | tuple):
            raise TypeError(f"any_of takes a list or tuple of values, not {type(self.rhs)}")
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        if not self.rhs:
            return "1 = 0", list(lhs_params)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]


# Fields, and foreign keys (which keep lookups of their own).
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
