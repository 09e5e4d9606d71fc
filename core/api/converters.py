"""Path converters of the REST routes: an id beyond what the database stores answers 404
(the route does not match), not a server error."""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond a database id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class EndpointKindConverter:
    regex = "production|sandbox"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")
register_converter(EndpointKindConverter, "endpoint_kind")
