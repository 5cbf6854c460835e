"""Type stubs for foil._errors: the classes are built at import from the C status table."""

from typing import Any

class FoilError(Exception):
    kind: str
    status_value: int
    message: str
    code: str
    status: int
    request_id: str | None
    field_errors: list[dict[str, Any]]
    docs_url: str | None
    body: Any
    retryable: bool
    retry_after: float | None
    details: dict[str, Any] | None
    next_action: str | None
    allowed_values: list[str]
    def __init__(self, message: str = ..., *, code: str = ..., status: int = ..., request_id: str | None = ...,
                 field_errors: list[dict[str, Any]] | None = ..., docs_url: str | None = ..., body: Any = ...,
                 retryable: bool = ..., retry_after: float | None = ..., details: dict[str, Any] | None = ...,
                 next_action: str | None = ..., allowed_values: list[str] | None = ...) -> None: ...

class FoilApiError(FoilError):
    def __init__(self, status: int, code: str, message: str, request_id: str | None = ...,
                 field_errors: list[dict[str, Any]] | None = ..., docs_url: str | None = ..., body: Any = ...,
                 *, retryable: bool = ..., retry_after: float | None = ..., details: dict[str, Any] | None = ...,
                 next_action: str | None = ..., allowed_values: list[str] | None = ...) -> None: ...

class FoilInvalidArgumentError(FoilValidationError):
    """invalid argument."""

class FoilConfigurationError(FoilError):
    """client configuration error."""

class FoilOutOfMemoryError(FoilError, MemoryError):
    """out of memory."""

class FoilConnectionError(FoilError, ConnectionError):
    """could not reach the Foil API."""

class FoilTimeoutError(FoilConnectionError, TimeoutError):
    """request timed out."""

class FoilCancelledError(FoilError):
    """operation cancelled."""

class FoilProtocolError(FoilError):
    """malformed or unexpected response."""

class FoilAuthenticationError(FoilApiError):
    """authentication failed."""

class FoilPermissionError(FoilApiError):
    """permission denied."""

class FoilNotFoundError(FoilApiError):
    """resource not found."""

class FoilConflictError(FoilApiError):
    """conflict."""

class FoilGoneError(FoilApiError):
    """resource expired or already consumed."""

class FoilValidationError(FoilApiError, ValueError):
    """request validation failed."""

class FoilRateLimitedError(FoilApiError):
    """rate limited."""

class FoilServerError(FoilApiError):
    """Foil API server error."""

class FoilCryptoError(FoilError, ValueError):
    """decryption or integrity check failed."""

class FoilCryptoUnavailableError(FoilError, RuntimeError):
    """AES-256-GCM is not supported by this CPU."""

class FoilTokenVerificationError(FoilError):
    """sealed token verification failed."""

class FoilSignatureError(FoilError, ValueError):
    """webhook signature verification failed."""

class FoilEnvPolicyError(FoilError, ValueError):
    """environment variable refused by policy."""

class FoilRejectedError(FoilError):
    """the signup was rejected."""

class FoilExpiredError(FoilError):
    """the signup expired."""

class FoilStateError(FoilError, RuntimeError):
    """operation not valid in the handle's current state."""

FoilRateLimitError = FoilRateLimitedError

def status_kinds() -> list[tuple[int, str, str, str, str | None]]: ...
def error_class_for_kind(kind: str) -> type[FoilError]: ...
def _from_native(info: dict[str, Any]) -> BaseException: ...
