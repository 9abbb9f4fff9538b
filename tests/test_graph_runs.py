"""zh_nlu.speedups.run_prediction_graphs_directly: a graph of loaded (eager) nodes is
evaluated without dask, with the result Rasa's dask runner gives, each node called
once; graphs with lazy nodes (training) are still Rasa's."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

import zh_nlu.components  # noqa: F401  (importing it applies the speed-ups)
from zh_nlu.speedups import run_prediction_graphs_directly

CALLS: list[str] = []


class Combine(GraphComponent):
    """Records its call and returns its name with what it got."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.name = config["name"]

    @classmethod
    def create(cls, config, model_storage, resource, execution_context):
        return cls(config)

    def combine(self, **inputs: Any) -> Any:
        CALLS.append(self.name)
        return [self.name, sorted((k, v) for k, v in inputs.items())]


def _node(name: str, needs: dict[str, str], eager: bool = True) -> SchemaNode:
    return SchemaNode(
        needs=needs,
        uses=Combine,
        constructor_name="create",
        fn="combine",
        config={"name": name},
        eager=eager,
        is_target=name == "ensemble",
    )


def _schema(eager: bool = True) -> GraphSchema:
    """A diamond like a prediction graph: two policies read the tracker and the
    domain, the ensemble reads both; one node nothing needs."""
    return GraphSchema(
        {
            "domain": _node("domain", {}, eager),
            "memo": _node(
                "memo", {"tracker": "__tracker__", "domain": "domain"}, eager
            ),
            "rules": _node(
                "rules", {"tracker": "__tracker__", "domain": "domain"}, eager
            ),
            "ensemble": _node("ensemble", {"a": "memo", "b": "rules"}, eager),
            "unused": _node("unused", {"domain": "domain"}, eager),
        }
    )


def _runner(tmp_path, eager: bool = True) -> DaskGraphRunner:
    schema = _schema(eager)
    return DaskGraphRunner(
        schema, LocalModelStorage(tmp_path), ExecutionContext(graph_schema=schema)
    )


def test_applied_once():
    assert not run_prediction_graphs_directly()  # importing the components applied it
    assert hasattr(DaskGraphRunner.run, "__wrapped_original__")


@pytest.mark.parametrize("targets", [["ensemble"], ["memo", "rules"], ["domain"]])
def test_same_result_as_dask_each_node_once(tmp_path, targets):
    runner = _runner(tmp_path)
    inputs = {"__tracker__": {"events": 3}}
    CALLS.clear()
    mine = runner.run(inputs=inputs, targets=targets)
    called = list(CALLS)
    CALLS.clear()
    theirs = DaskGraphRunner.run.__wrapped_original__(runner, inputs, targets)
    assert mine == theirs
    assert sorted(called) == sorted(CALLS)  # the same nodes, each once
    assert len(called) == len(set(called))
    assert "unused" not in called


def test_a_node_runs_after_what_it_needs(tmp_path):
    CALLS.clear()
    _runner(tmp_path).run(inputs={"__tracker__": 1}, targets=["ensemble"])
    assert CALLS.index("domain") < CALLS.index("memo") < CALLS.index("ensemble")
    assert CALLS.index("rules") < CALLS.index("ensemble")


def test_an_input_named_like_a_node_is_refused(tmp_path):
    with pytest.raises(GraphRunError):
        _runner(tmp_path).run(inputs={"__tracker__": "memo"}, targets=["ensemble"])


@pytest.fixture
def dask_runs(monkeypatch) -> list[Any]:
    """The graphs handed to dask.get while the test runs."""
    import dask

    runs, get = [], dask.get

    def recorded(graph, keys, **kwargs):
        runs.append(keys)
        return get(graph, keys, **kwargs)

    monkeypatch.setattr(dask, "get", recorded)
    return runs


def test_a_loaded_graph_does_not_go_through_dask(tmp_path, dask_runs):
    _runner(tmp_path).run(inputs={"__tracker__": 1}, targets=["ensemble"])
    assert dask_runs == []


def test_lazy_graphs_are_left_to_dask(tmp_path, dask_runs):
    result = _runner(tmp_path, eager=False).run(
        inputs={"__tracker__": 1}, targets=["memo"]
    )
    assert dask_runs == [["memo"]]
    assert result["memo"][0] == "memo"
