"""One error type for everything a user or client can get wrong.

Services raise :class:`DomainError` (or a subclass); the HTML middleware turns it into a page or
a form error with the message, the API exception handler into ``{"code", "message", "errors"}``.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal with a stable ``code`` and a human, translatable ``message``."""

    status = 400
    default_code = "invalid"

    def __init__(self, message, *, code=None, errors=None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        # field name -> list of messages; "__all__" for errors not tied to a field
        self.errors = errors or {}

    def as_dict(self):
        return {
            "code": self.code,
            "message": str(self.message),
            "errors": {field: [str(m) for m in msgs] for field, msgs in self.errors.items()},
        }


class NotAllowed(DomainError):
    """The actor may not do this; ``message`` says why."""

    status = 403
    default_code = "not_allowed"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Not found."), **kwargs)


class InvalidState(DomainError):
    """The object is not in a state where this can happen."""

    status = 409
    default_code = "invalid_state"
