"""Download an Open311 ``media_url`` safely: http(s) only, no redirects, public addresses
only (unless ``SIDAN_OPEN311_MEDIA_ALLOW_PRIVATE``, for tests), a size cap read while
streaming, an image content type, and Pillow must recognise the bytes."""

from __future__ import annotations

import io
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from PIL import Image, UnidentifiedImageError

TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class MediaRefused(Exception):
    """The URL or what it answered is not acceptable (the message says why)."""


class MediaUnreachable(Exception):
    """A network failure: worth a retry."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaRefused("only http and https URLs are fetched")
    if settings.SIDAN_OPEN311_MEDIA_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise MediaUnreachable(f"host not found: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise MediaRefused("the host is not a public address")


def download(url: str) -> tuple[bytes, str]:
    """(bytes, file extension) of a checked image."""
    check_url(url)
    limit = settings.SIDAN_OPEN311_MEDIA_MAX_BYTES
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": "Sidan-Open311/1"})
    try:
        with opener.open(request, timeout=settings.SIDAN_OPEN311_MEDIA_TIMEOUT) as response:
            kind = response.headers.get_content_type()
            if kind not in TYPES:
                raise MediaRefused(f"not an accepted image type: {kind}")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise MediaRefused(f"larger than {limit} bytes")
            data = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            raise MediaRefused("redirects are not followed") from error
        if error.code >= 500:
            raise MediaUnreachable(f"HTTP {error.code}") from error
        raise MediaRefused(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise MediaUnreachable(str(error)) from error
    if len(data) > limit:
        raise MediaRefused(f"larger than {limit} bytes")
    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise MediaRefused("the bytes are not a readable image") from error
    if found not in EXTENSIONS:
        raise MediaRefused(f"not an accepted image format: {found}")
    return data, EXTENSIONS[found]
