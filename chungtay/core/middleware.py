from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English with the language switch.

    Django's own middleware would follow the browser's Accept-Language, and many Vietnamese offices
    run browsers in English; the interface must still speak Vietnamese to them.
    """

    def process_request(self, request: HttpRequest) -> Any:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: Any) -> Any:
        # No `Vary: Accept-Language` (Django's would add it): the words follow the language cookie
        # only, and a false Vary splits every shared cache of public pages by browser.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
