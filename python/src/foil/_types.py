"""Result classes with foil-server's names and attributes.

The API's model classes (results read lazily from the response JSON, and the frozen value
dataclasses of Gate delivery) are generated at build time from libfoil's model table
(core/include/foil/models.h) into :mod:`foil._models`. The two holders below are Python-only
results that carry no JSON of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._models import GateDeliveryRequest, VerifiedFoilToken

__all__ = ["GeneratedDeliveryKeyPair", "VerificationResult"]


@dataclass(frozen=True)
class VerificationResult:
    """Result of :func:`safe_verify_foil_token`: ``ok`` with ``data``, or ``error``."""
    ok: bool
    data: VerifiedFoilToken | None = None
    error: Exception | None = None


@dataclass(frozen=True)
class GeneratedDeliveryKeyPair:
    """A fresh delivery key pair: the ``delivery`` request and its ``private_key``."""
    delivery: GateDeliveryRequest
    private_key: Any
