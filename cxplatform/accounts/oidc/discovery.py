"""The provider's endpoints, read from `<OIDC_ISSUER>/.well-known/openid-configuration` (OpenID Connect
Discovery 1.0) when first needed, then cached (OIDC_DISCOVERY_CACHE_SECONDS): start-up never waits for the
provider, and a provider that is down only affects the SSO pages, which say so (views.provider_unavailable)."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(Exception):
    """The provider's metadata could not be read (unreachable, not JSON, incomplete, another issuer)."""


def _cache_key() -> str:
    return f"oidc-discovery:{settings.OIDC_ISSUER}"


def fetch_metadata(issuer: str) -> dict[str, Any]:
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryError(f"{url}: {error}") from error
    if not isinstance(metadata, dict):
        raise DiscoveryError(f"{url}: not a JSON object")
    missing = [name for name in REQUIRED if not metadata.get(name)]
    if missing:
        raise DiscoveryError(f"{url}: missing {', '.join(missing)}")
    # The metadata must be the issuer's own (Discovery 1.0, section 4.3): a mismatch is a misconfiguration, or
    # someone else's document.
    if str(metadata.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryError(f"{url}: issuer {metadata.get('issuer')!r} is not {issuer!r}")
    return metadata


def provider_metadata() -> dict[str, Any]:
    """The issuer's metadata (cached). Raises DiscoveryError when it cannot be read; a failure is not cached, so
    the next login tries again."""
    metadata = cache.get(_cache_key())
    if metadata is None:
        try:
            metadata = fetch_metadata(settings.OIDC_ISSUER)
        except DiscoveryError:
            logger.warning("OpenID Connect discovery failed for %s", settings.OIDC_ISSUER, exc_info=True)
            raise
        cache.set(_cache_key(), metadata, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return metadata


def forget() -> None:
    """Drop the cached metadata (tests; a provider that moved its endpoints)."""
    cache.delete(_cache_key())
