import pytest

from catalogue.isbn import normalise_isbn


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("9780141439518", "9780141439518"),
        ("978-0-14-143951-8", "9780141439518"),
        ("0-14-143951-3", "9780141439518"),  # ISBN-10 becomes ISBN-13
    ],
)
def test_valid_isbns_are_normalised_to_13_digits(raw, expected):
    assert normalise_isbn(raw) == expected


@pytest.mark.parametrize("raw", ["9780141439519", "12345", "", "not an isbn", "97801414395180"])
def test_invalid_isbns_are_refused_with_a_reason(raw):
    with pytest.raises(ValueError, match="not a valid ISBN"):
        normalise_isbn(raw)
