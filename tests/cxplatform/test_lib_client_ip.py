"""The client address that lockouts and the bad-token throttle count: X-Forwarded-For only behind trusted proxies."""

import pytest
from django.test import RequestFactory

from cxplatform.lib.client_ip import client_ip


def request(forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("198.51.100.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "198.51.100.9", "198.51.100.9"),
        # A client that writes its own header is still counted by what the trusted proxy saw.
        (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),
        (2, "6.6.6.6, 198.51.100.9, 172.16.0.2", "198.51.100.9"),
        (1, "", "10.0.0.5"),
    ],
)
def test_behind_trusted_proxies_the_address_they_saw_counts(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(forwarded)) == expected
