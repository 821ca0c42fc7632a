"""A kind of data held by an engine, in the shape the finishing layer takes a loaded dataset in.

``analyze`` and the drill-downs are handed a dict of kind → dataset. For files loaded by :mod:`workbench.io`
those are :class:`workbench.io.Dataset` (rows in memory, reduced by polars); for any other engine they are
:class:`EngineDataset`, whose reductions, latest time and drill-downs run in the engine (see
:func:`workbench.metrics.aggregates.reduce_dataset`).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.metrics.engines.base import Engine


@dataclass(frozen=True)
class EngineDataset:
    kind: str
    engine: Engine

    @property
    def has_revenue(self) -> bool:
        return self.engine.has_revenue(self.kind)

    def lazy(self):
        raise TypeError(f"the {self.kind} rows stay in the {self.engine.name} engine; ask the engine instead")


def engine_datasets(engine: Engine) -> dict[str, EngineDataset]:
    """kind → :class:`EngineDataset` for every kind the engine's source holds."""
    return {kind: EngineDataset(kind, engine) for kind in engine.kinds()}
