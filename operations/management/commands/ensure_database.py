"""Create the PostgreSQL database of DATABASE_URL when it does not exist yet (`make stack`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it is missing; one line of advice if that fails."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            return  # SQLite creates its file on first use
        name = connection.settings_dict["NAME"]
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            if "does not exist" not in str(error):
                raise CommandError(self.advice(f"cannot reach PostgreSQL ({first_line(error)})"))
        try:
            # The server's maintenance database, as Django's test runner uses to create test databases.
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        except DatabaseError as error:
            raise CommandError(
                self.advice(f"database {name!r} does not exist and could not be created ({first_line(error)})")
            )
        connection.close()
        self.stdout.write(f"Created database {name!r}.")

    def advice(self, problem):
        name = connection.settings_dict["NAME"]
        return f"{problem}: create it with `createdb -h HOST -U USER {name}`, or fix DATABASE_URL."


def first_line(error):
    return (str(error).strip().splitlines() or [error.__class__.__name__])[0]
