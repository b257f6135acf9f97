"""The Content-Security-Policy and Permissions-Policy every response carries (README "Limits and headers"); the
settings name them, django-csp and django-permissions-policy send them."""

from __future__ import annotations

# No script but our own files: no inline <script>, no on…= attributes, no eval. Styles may be inline: the server-drawn
# SVG charts carry their own <style>, and the API docs page (Swagger UI) sets styles inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page needs a device feature but the screen staying awake during a hold timer (Today).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": ["self"],
    "usb": [],
}
