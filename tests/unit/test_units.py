from fractions import Fraction

from landgis.units import M2_PER_MU, m2_to_hectare, m2_to_mu, mu_to_m2


def test_mu_is_exactly_two_thousand_thirds_of_a_square_metre():
    assert Fraction(2000, 3) == M2_PER_MU
    assert m2_to_mu(2000) == 3
    assert mu_to_m2(3) == 2000


def test_hectare_is_fifteen_mu():
    assert m2_to_hectare(10_000) == 1
    assert m2_to_mu(10_000) == 15


def test_round_trip_keeps_the_value():
    for value in (0.0, 1.0, 539.0, 120.25, 123456.789):
        assert abs(m2_to_mu(mu_to_m2(value)) - value) < 1e-9
