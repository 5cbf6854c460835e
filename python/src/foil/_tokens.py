"""Local verification of sealed tokens from Foil's browser SDK (versions 1 and 2)."""

from __future__ import annotations

import os

from . import native as _native
from ._errors import FoilConfigurationError, FoilTokenVerificationError
from ._models import VerifiedFoilToken
from ._types import VerificationResult

__all__ = ["safe_verify_foil_token", "verify_foil_token"]


def _resolve_secret(secret_key: str | None) -> str:
    resolved = secret_key or os.getenv("FOIL_SECRET_KEY")
    if not resolved:
        raise FoilConfigurationError(
            "Missing Foil secret key. Pass secret_key explicitly or set FOIL_SECRET_KEY.",
            code="client.configuration",
        )
    if not isinstance(resolved, str):
        raise TypeError(f"secret_key must be str, not {type(resolved).__name__}")
    return resolved


def verify_foil_token(sealed_token: str, secret_key: str | None = None) -> VerifiedFoilToken:
    """Decrypt and authenticate a sealed token with your secret key (or its SHA-256 hex;
    default ``FOIL_SECRET_KEY``). Raises :class:`FoilTokenVerificationError`."""
    if not isinstance(sealed_token, str):
        raise TypeError(f"sealed_token must be str, not {type(sealed_token).__name__}")
    document = _native.sealed_token_verify(sealed_token, _resolve_secret(secret_key))
    return VerifiedFoilToken(_native.document_root(document))


def safe_verify_foil_token(sealed_token: str, secret_key: str | None = None) -> VerificationResult:
    """Like :func:`verify_foil_token`, but returns ``VerificationResult(ok, data, error)``."""
    try:
        return VerificationResult(ok=True, data=verify_foil_token(sealed_token, secret_key))
    except (FoilConfigurationError, FoilTokenVerificationError) as error:
        return VerificationResult(ok=False, error=error)
