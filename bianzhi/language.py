"""Which language a request gets: Chinese, unless the user chose English with the header's switch.

Django's LocaleMiddleware would also follow the browser's Accept-Language, so an official whose browser is
set to English would find the system in English without asking for it. Here only the choice counts: the
cookie that `set_language` (the 中文/English switch) sets.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def chosen_language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
