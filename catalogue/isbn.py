"""ISBN validation, with python-stdnum doing the checksum and ISBN-10 conversion."""

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError as StdnumError


def normalise_isbn(raw):
    """Return the 13-digit form of an ISBN-10 or ISBN-13, or raise ValueError with a reason."""
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(raw or ""))
    except StdnumError as error:
        raise ValueError(f"“{raw}” is not a valid ISBN: {error.message.lower()}.") from error
