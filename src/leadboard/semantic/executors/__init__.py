"""Executors run a tile's plan on a connection into a typed result (semantic/results.py).

`base.BaseExecutor` runs each query of the plan as it is (one query per tile, as BI tools do) and
finishes the figures in Python. A faster executor (rollups, a cache) plugs in behind the same
`Executor` interface without touching plans or callers.
"""

from leadboard.semantic.executors.base import BaseExecutor, Executor, compute_tile

__all__ = ["BaseExecutor", "Executor", "compute_tile"]
