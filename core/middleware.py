from django.shortcuts import render

from .errors import DomainError


class DomainErrorMiddleware:
    """A ``DomainError`` escaping an HTML view becomes a page with its message, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return render(request, "core/domain_error.html", {"error": exception}, status=exception.status)
        return None
