"""The Gate env-var policy: which delivered keys may be written to a ``.env`` file."""

from __future__ import annotations

from . import native as _native

GATE_AGENT_TOKEN_ENV_SUFFIX = "_GATE_AGENT_TOKEN"

__all__ = [
    "GATE_AGENT_TOKEN_ENV_SUFFIX",
    "derive_gate_agent_token_env_key",
    "is_blocked_gate_env_var_key",
    "is_gate_managed_env_var_key",
]


def _check_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    return value


def derive_gate_agent_token_env_key(service_id: str) -> str:
    """``"acme-prod"`` -> ``"ACME_PROD_GATE_AGENT_TOKEN"``; ``ValueError`` without alphanumerics."""
    return str(_native.gate_agent_token_env_key(_check_str(service_id, "service_id")))


def is_blocked_gate_env_var_key(key: str) -> bool:
    """True for keys that must never be written (``PATH``, ``LD_PRELOAD``, ``NPM_CONFIG_*`` ...)."""
    return bool(_native.env_key_is_blocked(_check_str(key, "key")))


def is_gate_managed_env_var_key(key: str) -> bool:
    """True for Gate-managed keys (``FOIL_AGENT_TOKEN``, ``*_GATE_AGENT_TOKEN``)."""
    return bool(_native.env_key_is_gate_managed(_check_str(key, "key")))
