from chungtay.portal.tests.conftest import world  # noqa: F401 - the portal tests' world (the builders it uses are shared: root conftest.py)
