"""The OpenAPI 3.1 description of the Open311 API (served at /open311/v2/openapi.json;
tests/open311/test_schema.py runs schemathesis against it)."""

from __future__ import annotations

from open311.errors import CODES

NULLABLE_STR = {"type": ["string", "null"]}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description", "error"],
        "properties": {
            "code": {"type": "integer"},
            "description": {"type": "string"},
            "error": {"type": "string", "enum": sorted(CODES)},
        },
    },
}

SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": {"type": "string"},
        "service_name": {"type": "string"},
        "description": {"type": "string"},
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": {"type": "string"},
        "group": {"type": "string"},
    },
}

DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "order", "values"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {"type": "string"},
                    "required": {"type": "boolean"},
                    "datatype_description": {"type": "string"},
                    "order": {"type": "integer"},
                    "description": {"type": "string"},
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}

REQUEST = {
    "type": "object",
    "required": [
        "service_request_id",
        "status",
        "service_code",
        "service_name",
        "requested_datetime",
        "updated_datetime",
        "agency_responsible",
    ],
    "properties": {
        "service_request_id": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": {"type": "string"},
        "service_name": {"type": "string"},
        "service_code": {"type": "string"},
        "description": {"type": "string"},
        "agency_responsible": {"type": "string"},
        "service_notice": {"type": "string"},
        "requested_datetime": DATETIME,
        "updated_datetime": DATETIME,
        "expected_datetime": NULLABLE_DATETIME,
        "address": {"type": "string"},
        "address_id": {"type": "string"},
        "zipcode": NULLABLE_STR,
        "media_url": NULLABLE_STR,
    },
}

CREATED = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "service_notice": {"type": "string"},
            "account_id": NULLABLE_STR,
        },
    },
}

DISCOVERY = {
    "type": "object",
    "required": ["endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {"type": "array", "items": {"type": "object"}},
    },
}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    """Error responses: the ones listed, and a bad parameter (400), a wrong method (405)
    and the rate limit (429) everywhere."""
    every = sorted({*statuses, 400, 405, 429})
    return {str(s): _json({"$ref": "#/components/schemas/Errors"}, "Error") for s in every}


def _param(name: str, where: str = "query", *, required: bool = False, schema=None, **extra):
    return {
        "name": name,
        "in": where,
        "required": required,
        "schema": schema or {"type": "string"},
        **extra,
    }


API_KEY = _param("api_key", description="The client's key (issued in the admin)")
JURISDICTION = _param(
    "jurisdiction_id", description="The street's area code (required without api_key)"
)


def openapi_document() -> dict:
    ref = "#/components/schemas/"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sidan Open311 GeoReport v2",
            "version": "2.0",
            "description": "Service requests (工单) of Sidan in the GeoReport v2 format; "
            "also as .xml. See docs/open311.md.",
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": {
            "/discovery.json": {
                "get": {
                    "operationId": "discovery",
                    "responses": {"200": _json({"$ref": ref + "Discovery"}), **_errors(429)},
                }
            },
            "/services.json": {
                "get": {
                    "operationId": "services",
                    "parameters": [JURISDICTION],
                    "responses": {
                        "200": _json({"type": "array", "items": {"$ref": ref + "Service"}}),
                        **_errors(404, 429),
                    },
                }
            },
            "/services/{service_code}.json": {
                "get": {
                    "operationId": "serviceDefinition",
                    "parameters": [_param("service_code", "path", required=True), JURISDICTION],
                    "responses": {
                        "200": _json({"$ref": ref + "ServiceDefinition"}),
                        **_errors(404, 429),
                    },
                }
            },
            "/requests.json": {
                "get": {
                    "operationId": "listRequests",
                    "parameters": [
                        API_KEY,
                        JURISDICTION,
                        _param("service_request_id", description="comma-separated ids"),
                        _param("service_code", description="comma-separated codes"),
                        _param("start_date", schema={"type": "string", "format": "date-time"}),
                        _param("end_date", schema={"type": "string", "format": "date-time"}),
                        _param("status", schema={"type": "string", "enum": ["open", "closed"]}),
                        _param(
                            "page_size", schema={"type": "integer", "minimum": 1, "maximum": 200}
                        ),
                        _param("page_token", description="from the previous page's Link header"),
                    ],
                    "responses": {
                        "200": _json({"type": "array", "items": {"$ref": ref + "Request"}}),
                        **_errors(400, 401, 403, 404, 429),
                    },
                },
                "post": {
                    "operationId": "createRequest",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"$ref": ref + "NewRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": _json({"$ref": ref + "Created"}, "Created"),
                        **_errors(400, 401, 403, 404, 429),
                    },
                },
            },
            "/requests/{service_request_id}.json": {
                "get": {
                    "operationId": "getRequest",
                    "parameters": [
                        _param("service_request_id", "path", required=True),
                        API_KEY,
                        JURISDICTION,
                    ],
                    "responses": {
                        "200": _json({"type": "array", "items": {"$ref": ref + "Request"}}),
                        **_errors(401, 403, 404, 429),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Errors": ERRORS,
                "Service": SERVICE,
                "ServiceDefinition": DEFINITION,
                "Request": REQUEST,
                "Created": CREATED,
                "Discovery": DISCOVERY,
                "NewRequest": {
                    "type": "object",
                    "required": ["api_key", "service_code", "phone", "description"],
                    "properties": {
                        "api_key": {"type": "string"},
                        "jurisdiction_id": {"type": "string"},
                        "service_code": {"type": "string"},
                        "address_id": {"type": "string"},
                        "address_string": {"type": "string"},
                        "phone": {"type": "string"},
                        "first_name": {"type": "string"},
                        "last_name": {"type": "string"},
                        "description": {"type": "string"},
                        "media_url": {"type": "string"},
                        "attribute[nature]": {
                            "type": "string",
                            "enum": ["enquiry", "help", "complaint", "report", "suggestion"],
                        },
                        "attribute[urgency]": {
                            "type": "string",
                            "enum": ["normal", "urgent", "emergency"],
                        },
                    },
                },
            }
        },
    }
