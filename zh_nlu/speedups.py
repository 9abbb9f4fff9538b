"""Speed-ups for the Rasa server that leave what it does unchanged: each patches one
Rasa method, keeps the original (`__wrapped_original__`) and is tested against it.
The action response validator below; the minimal graph schema of each run, kept;
prediction graphs run without dask; the domain's emptiness checked against one empty
domain; in zh_nlu/diet.py, DIET's prediction; in zh_nlu/rule_policy.py, RulePolicy's.

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

import functools
import inspect
import logging
from typing import Any

logger = logging.getLogger(__name__)

_MARK = "_zh_nlu_patch"


def is_patched(owner: Any, name: str) -> bool:
    """Whether `owner.name` is one of these patches already."""
    return bool(getattr(getattr(owner, name), _MARK, False))


def install_patch(owner: Any, name: str, replacement: Any, done: str) -> bool:
    """Put `replacement` in place of `owner.name` (a static method stays one),
    keeping the original's docstring and the original itself (`__wrapped_original__`,
    which the tests compare with); True, for the patch functions to return."""
    original = getattr(owner, name)
    replacement.__doc__ = original.__doc__
    replacement.__wrapped_original__ = original
    setattr(replacement, _MARK, True)
    static = isinstance(inspect.getattr_static(owner, name), staticmethod)
    setattr(owner, name, staticmethod(replacement) if static else replacement)
    logger.debug(done)
    return True


def cache_action_response_validator() -> bool:
    """Patch `RemoteAction._validate_action_result` to reuse one validator per action
    class; whether it was patched now (False if it already was)."""
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if is_patched(RemoteAction, "_validate_action_result"):
        return False
    original = RemoteAction._validate_action_result
    validators: dict[type, Any] = {}

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        checks = validators.get(type(self))
        if checks is None:
            schema = self.action_response_format_spec()
            cls = validator_for(schema)
            cls.check_schema(schema)
            checks = validators[type(self)] = (cls(schema), _by_event(schema))
        if _valid_by_event(result, *checks[1]):
            return True
        if best_match(checks[0].iter_errors(result)) is not None:
            return original(self, result)  # raises Rasa's own error
        return True

    return install_patch(
        RemoteAction,
        "_validate_action_result",
        _validate_action_result,
        "Action server responses are validated with a cached validator.",
    )


def _by_event(schema: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A check of the response without its events, and one check per event type:
    each a function answering whether its value is valid, compiled to plain Python
    by fastjsonschema (jsonschema's `is_valid` walked the schema on every call:
    about 0.1 ms a response, 7 µs compiled).

    Rasa's event schema is a `oneOf` over the event types, each fixing `event` to
    its own constant: an event is valid exactly when it is valid for its own type,
    so checking that one type, instead of all 23 (each failing one building its
    errors), gives the same verdict. Anything else is left to the full check."""
    events = schema.get("properties", {}).get("events", {})
    item = events.get("items", {}) if isinstance(events, dict) else {}
    outer = {key: value for key, value in item.items() if key != "oneOf"}
    by_type = {}
    for variant in item.get("oneOf", []):
        const = variant.get("properties", {}).get("event", {}).get("const")
        if isinstance(const, str):
            by_type[const] = _compiled({**outer, "allOf": [variant]})
    rest = {**schema, "properties": dict(schema.get("properties", {}))}
    rest["properties"].pop("events", None)
    return _compiled(rest), by_type


def _compiled(schema: dict[str, Any]) -> Any:
    """Whether a value is valid for `schema` (draft 7: the keywords Rasa's schema
    uses mean the same in jsonschema's latest draft), as one compiled function."""
    import fastjsonschema

    check = fastjsonschema.compile(schema, use_formats=False)

    def is_valid(value: Any) -> bool:
        try:
            check(value)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def _valid_by_event(result: Any, rest: Any, by_type: dict[str, Any]) -> bool:
    """Whether the response is certainly valid (False: ask the full check)."""
    if not isinstance(result, dict) or not by_type:
        return False
    events = result.get("events", [])
    if not isinstance(events, list):
        return False
    if not rest({k: v for k, v in result.items() if k != "events"}):
        return False
    for event in events:
        check = by_type.get(event.get("event")) if isinstance(event, dict) else None
        if check is None or not check(event):
            return False
    return True


def cache_minimal_graph_schema() -> bool:
    """Patch `GraphSchema.minimal_graph_schema` to keep its answer per schema and
    targets; whether it was patched now (False if it already was).

    Rasa's graph runner asks for the part of the graph its targets need on every
    run (the NLU parse and each policy prediction of every turn), and finds it by a
    recursion that walks a shared dependency once per path to it: about 5% of the
    Rasa server's time per turn. The answer depends only on the nodes and their
    inputs, which are part of the key, so a schema that changes is never answered
    from the cache."""
    from rasa.engine.graph import GraphSchema

    if is_patched(GraphSchema, "minimal_graph_schema"):
        return False
    original = GraphSchema.minimal_graph_schema

    def minimal_graph_schema(self: Any, targets: Any = None) -> Any:
        shape = tuple(
            (name, tuple(node.needs.items())) for name, node in self.nodes.items()
        )
        kept = self.__dict__.get("_minimal_schemas")
        if kept is None or kept[0] != shape:  # new, or the nodes changed
            kept = self.__dict__["_minimal_schemas"] = (shape, {})
        key = tuple(targets) if targets else None
        if key not in kept[1]:
            kept[1][key] = original(self, targets)
        return kept[1][key]

    return install_patch(
        GraphSchema,
        "minimal_graph_schema",
        minimal_graph_schema,
        "Graph runs reuse the minimal schema of their targets.",
    )


def run_prediction_graphs_directly() -> bool:
    """Patch `DaskGraphRunner.run` to evaluate a graph whose nodes are all loaded
    (`eager`, as every node of a loaded model's prediction graph is) by calling each
    node once, after the nodes it needs; whether it was patched now.

    Rasa runs the NLU parse and each policy prediction of every turn through
    `dask.get`, which orders, schedules and bookkeeps the dozen nodes each time:
    about 1 ms of a 17 ms turn (`python -m bench.turn_phases` with and without
    `--dask`: a parse 6.7 -> 6.0 ms, a prediction 1.6 -> 1.4 ms). The nodes get the
    same inputs, each is called once, and the result is what Rasa's `run` returns;
    an input named like a node is refused as Rasa refuses it. Training graphs (lazy
    nodes, hooks that cache and fingerprint) are left to dask."""
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    if is_patched(DaskGraphRunner, "run"):
        return False
    original = DaskGraphRunner.run

    def run(self: Any, inputs: Any = None, targets: Any = None) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        schema = self._graph_schema.minimal_graph_schema(run_targets)
        if not all(node.eager for node in schema.nodes.values()):
            return original(self, inputs, targets)
        values: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are "
                    f"the same as node names in the graph schema."
                )
            values[name] = (name, value)
        try:
            return dict(
                _evaluate(self._instantiated_nodes, schema, t, values)
                for t in run_targets
            )
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    return install_patch(
        DaskGraphRunner, "run", run, "Prediction graphs are run without dask."
    )


def _evaluate(
    nodes: dict[str, Any], schema: Any, name: str, values: dict[str, Any]
) -> Any:
    """A node's output (its (name, value) pair), computing what it needs first;
    `values` keeps every output, so each node runs once."""
    if name not in values:
        needs = schema.nodes[name].needs.values()
        values[name] = nodes[name](
            *(_evaluate(nodes, schema, n, values) for n in needs)
        )
    return values[name]


def compare_with_one_empty_domain() -> bool:
    """Patch `Domain.is_empty` to compare with the empty domain's dictionary made
    once; whether it was patched now.

    Rasa asks it on every message (`MessageProcessor._check_for_unseen_features`),
    and its own method builds an empty domain from scratch each time to compare with
    (`Domain.empty()`, through `Domain.from_dict` and the domain's checks): about
    0.15 ms a turn. The loaded domain's own dictionary is kept by Rasa already."""
    from rasa.shared.core.domain import Domain

    if is_patched(Domain, "is_empty"):
        return False
    empty = functools.cache(lambda: Domain.empty().as_dict())

    def is_empty(self: Any) -> bool:
        return self.as_dict() == empty()

    return install_patch(
        Domain, "is_empty", is_empty, "Domains are compared with one empty domain."
    )


def resolve_event_types_once() -> bool:
    """Patch `Event.resolve_by_type` to remember which class an event type name
    resolved to; whether it was patched now.

    Rasa resolves the class of every event it reads (a stored session replayed
    into a tracker, an action server's response) by walking all 23 subclasses of
    `Event` afresh: about 30 microseconds an event, 2-4 ms for a session read from
    the store. A name is resolved by Rasa's own method the first time, and names it
    does not know (or resolves to the default given) are always left to it."""
    from rasa.shared.core.events import Event

    if is_patched(Event, "resolve_by_type"):
        return False
    original = Event.resolve_by_type
    resolved: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = resolved.get(type_name)
        if found is None:
            found = original(type_name, default)
            if found is not None and getattr(found, "type_name", None) == type_name:
                resolved[type_name] = found
        return found

    return install_patch(
        Event, "resolve_by_type", resolve_by_type, "Event types resolved once a name."
    )
