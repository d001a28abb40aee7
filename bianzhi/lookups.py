"""`field__any=[…]`: the ids of a city's (or a province's) units as ONE array parameter.

`__in` writes a placeholder per value; for a thousand ids, building that query in the ORM and binding its
parameters in psycopg costs more than PostgreSQL takes to run it. `= ANY(%s)` sends the list as one array.
Registered on every field (a foreign key keeps lookups of its own) when the app loads; given a subquery, or
elsewhere than PostgreSQL, it is `__in`.
"""

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False  # one parameter, the whole list: no per-value preparation

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        subquery = hasattr(self.rhs, "resolve_expression")
        if subquery or connection.vendor != "postgresql":
            return In(self.lhs, self.rhs if subquery else list(self.rhs)).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
