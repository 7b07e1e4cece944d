"""Response headers the other middleware do not set (CSP: django-csp; HSTS, nosniff,
Referrer-Policy, COOP: Django's SecurityMiddleware; X-Frame-Options: its own middleware)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

# The app uses no camera, microphone, location or payment API; nothing it loads should either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and ``Cache-Control: no-store`` on every response
    that is not a static file.

    Pages, fragments and downloads carry learners' personal data, so no browser or proxy
    may keep a copy (the back button after logout, a shared PC's disk cache). The few pages
    without personal data (login, error pages) hold a CSRF token, so caching them gains
    nothing. Static files (WhiteNoise) keep their long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        already_no_store = "no-store" in response.get("Cache-Control", "")
        if not request.path_info.startswith(self.static_prefix) and not already_no_store:
            add_never_cache_headers(response)
        return response
