import pytest

from landgis.credit_code import check_character, is_valid


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_published_codes_are_valid(code):
    assert is_valid(code)
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    "code", ["91350100M000100Y44", "91110000600037341", "9111000060003734IL", ""]
)
def test_wrong_check_character_length_or_alphabet_is_invalid(code):
    assert not is_valid(code)
