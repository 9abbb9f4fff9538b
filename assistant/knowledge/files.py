"""Reading the knowledge base's YAML files and checking them against their schemas;
the error that names the file and the field."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker


class KnowledgeBaseError(ValueError):
    """The knowledge base is invalid; the message names the file and the field."""


def read_yaml(path: Path) -> Any:
    try:
        return _dates_to_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeBaseError(f"{path}: cannot be read as YAML: {error}") from error


def _dates_to_strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_to_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_strings(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@functools.lru_cache(maxsize=16)
def validator_for(schema_path: Path) -> Draft202012Validator:
    schema = read_yaml(schema_path)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validate(data: Any, schema_name: str, path: Path, root: Path) -> None:
    validator = validator_for(root / "schema" / schema_name)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        field = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise KnowledgeBaseError(f"{path}: {field}: {error.message}")
