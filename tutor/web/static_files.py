"""Static files' addresses, each worked out once per process, and the head's links to them drawn once.

Every page links the same few files (the style sheet, the icon, htmx and the app's script). Django's `{% static %}`
looks each one up in the manifest and joins it to STATIC_URL on every render, some 25 µs a file; the manifest does
not change while the process runs (`collectstatic` comes before the server starts), so each address is kept. Even
kept, each `{% static %}` still asks whether the staticfiles app is installed and goes through the storage's lazy
stand-in, and htmx's script tag is built afresh: the head's links were a sixth of the cost of drawing `base.html`.
`{% head_assets %}` draws them once per storage (so per process, and again when a test swaps the storage).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
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
        self._drawn: dict[str, SafeString] = {}

    def drawn_once(self, template_name: str) -> SafeString:
        """A fragment that links static files (`_head_assets.html`), drawn the first time and kept with the addresses
        it was drawn from."""
        found = self._drawn.get(template_name)
        if found is None:
            found = self._drawn[template_name] = draw(template_name)
        return found

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


@register.simple_tag
def head_assets() -> SafeString:
    """`{% head_assets %}`: the head's links to the style sheet, the icon, htmx and the app's script
    (`_head_assets.html`), drawn once per static files storage; in development, on every page, so edits show."""
    kept = None if settings.DEBUG else getattr(staticfiles_storage, "drawn_once", None)
    if kept is None:
        return draw("_head_assets.html")
    return kept("_head_assets.html")


def draw(template_name: str) -> SafeString:
    return mark_safe(render_to_string(template_name).strip())  # rendered by the template engine, which escaped it
