"""Path converters that never hand the database a value it would refuse."""

from django.urls import register_converter

# PostgreSQL's integer primary keys stop here; a larger id would be a DataError, not a 404.
MAX_ID = 2**31 - 1


class RowIdConverter:
    """A positive integer id that fits the database's integer column; anything else is no match (404)."""

    regex = "[0-9]{1,10}"

    def to_python(self, value):
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)


register_converter(RowIdConverter, "row_id")
