"""The fuzzer (tests/contract/fuzzing.py) with the tokens of the tenant admin and the
developer; the roles are split over two files so that parallel workers share them."""

from __future__ import annotations

import pytest

from tests.contract.fuzzing import check_the_contract


@pytest.mark.parametrize("role", ["admin", "subscriber"])
def test_the_api_keeps_its_contract(role, tokens, personas, django_user_model, wsgi_app) -> None:
    check_the_contract(role, tokens, personas, django_user_model, wsgi_app)
