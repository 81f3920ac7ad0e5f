"""Static files' addresses, each worked out once per process.

Every page links the same few files (the style sheet, the icon, htmx and the app's script). Django's `{% static %}`
looks each one up in the manifest and joins it to STATIC_URL on every render, some 25 µs a file; the manifest does
not change while the process runs (`collectstatic` comes before the server starts), so each address is kept.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString
from django_htmx.jinja import htmx_script
from whitenoise.storage import CompressedManifestStaticFilesStorage

register = template.Library()

# Static files a template names are a few dozen; anything past this is not kept, only worked out each time.
MOST_REMEMBERED = 512


class RememberedUrlsStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed storage whose `url()` answers from memory after the first time."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._remembered: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        found = self._remembered.get(name)
        if found is None:
            found = super().url(name)  # a name missing from the manifest raises, and is not remembered
            if len(self._remembered) < MOST_REMEMBERED:
                self._remembered[name] = found
        return found


@register.simple_tag
def htmx_script_tag() -> SafeString:
    """`{% htmx_script_tag %}`: django-htmx's script tags without a nonce. The policy allows the site's own scripts
    (`script-src 'self'`) and nothing inline, so a nonce would only make every response's policy different."""
    return htmx_script(nonce=None)
