from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .errors import DomainError


class LanguageMiddleware:
    """Polish first: the language is Polish unless the person chose another with the switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: a city
    hall's pages are in Polish for everyone, and English is a choice (kept in a cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


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
