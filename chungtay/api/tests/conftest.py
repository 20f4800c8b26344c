from chungtay.portal.tests.conftest import give, make_household, norm, town_fund, world  # noqa: F401
