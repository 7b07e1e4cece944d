from django.core.exceptions import ValidationError

# ILR rule ULN_04 (DerivedData_01): weights 10..2 over the first nine digits, total mod 11;
# the check digit is 10 minus that remainder, and a remainder of 0 (check digit 10) is invalid.
ULN_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
TEMPORARY_ULN = "9999999999"


def uln_check_digit(first_nine: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(first_nine, ULN_WEIGHTS, strict=True)) % 11
    check = 10 - remainder
    return None if check == 10 else check


def validate_uln(value: str) -> None:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError("A ULN is exactly 10 digits.", code="uln_format")
    if value == TEMPORARY_ULN:
        raise ValidationError(
            "9999999999 is the ILR's temporary ULN; record the learner's real ULN.",
            code="uln_temporary",
        )
    if value[0] == "0":
        raise ValidationError("A ULN cannot start with 0.", code="uln_format")
    if uln_check_digit(value[:9]) != int(value[9]):
        raise ValidationError(
            "This ULN fails the check-digit test; check it against the Learner Record Service.",
            code="uln_checksum",
        )
