"""A speed-up for the Rasa server that leaves what it does unchanged.

Rasa 3.6 checks every action server response with `jsonschema.validate(result,
schema)` (`RemoteAction._validate_action_result`). That call first checks the schema
itself against the JSON Schema metaschema, and the response schema (Rasa's schema of
every event type) is large: about 20 ms of the Rasa server's single event loop per
custom action call (our `action_answer`, the estimate form's validation, ...), twice
the whole NLU parse of a message. Under load it was the largest share of the server's
CPU (bench/load.py).

`cache_action_response_validator()` makes `RemoteAction` build its validator once
(checking the schema once, as the first call did) and reuse it: the same schema, the
same checks, and on an invalid response the same error, raised by Rasa's own method
(best match, with Rasa's hint appended). `zh_nlu/components.py` calls it when it is
imported, which the Rasa server does when it loads the model, whatever channels and
endpoints it runs with. It changes nothing that training produces.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

_MARK = "_validator_cached"


def cache_action_response_validator() -> bool:
    """Patch `RemoteAction._validate_action_result` to reuse one validator per action
    class; whether it was patched now (False if it already was)."""
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    if getattr(original, _MARK, False):
        return False
    validators: dict[type, Any] = {}

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        validator = validators.get(type(self))
        if validator is None:
            schema = self.action_response_format_spec()
            cls = validator_for(schema)
            cls.check_schema(schema)
            validator = validators[type(self)] = cls(schema)
        if best_match(validator.iter_errors(result)) is not None:
            return original(self, result)  # raises Rasa's own error
        return True

    _validate_action_result.__doc__ = original.__doc__
    setattr(_validate_action_result, _MARK, True)
    RemoteAction._validate_action_result = _validate_action_result
    logger.debug("Action server responses are validated with a cached validator.")
    return True
