"""JSON and XML bodies as GeoReport v2 shapes them."""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from open311.errors import Open311Error

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# the tag of one item inside a list, by the list's tag
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "keywords": "keyword",
}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8")


def _json_default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # lazy translations


def render(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """``value`` as JSON, or as XML under ``root`` (a list's items get ``ITEM_TAGS``)."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False, default=_json_default).encode()
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def render_error(fmt: str, error: Open311Error) -> HttpResponse:
    body = [{"code": error.status, "description": error.description, "error": error.error}]
    response = render(fmt, "errors", body, status=error.status)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response
