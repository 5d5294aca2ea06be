"""The survey tools a source can be: each verifies its own signature and reads its own payload into Submissions.

REGISTRY maps a vendor's slug (stored on the source) to its Vendor; metrics.connectors.vendors.<slug> defines it.
"""

from __future__ import annotations

from .base import (
    Answer,
    ConfigField,
    FetchFailed,
    Ignored,
    PayloadInvalid,
    SignatureInvalid,
    Submission,
    Vendor,
)

REGISTRY: dict[str, Vendor] = {}


def register(vendor: Vendor) -> Vendor:
    REGISTRY[vendor.slug] = vendor
    return vendor


def get_vendor(slug: str) -> Vendor:
    _load()
    return REGISTRY[slug]


def vendors() -> list[Vendor]:
    _load()
    return list(REGISTRY.values())


def _load() -> None:
    """Import every vendor module once (each registers itself)."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


__all__ = [
    "REGISTRY",
    "Answer",
    "ConfigField",
    "FetchFailed",
    "Ignored",
    "PayloadInvalid",
    "SignatureInvalid",
    "Submission",
    "Vendor",
    "get_vendor",
    "register",
    "vendors",
]
