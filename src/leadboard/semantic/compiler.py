"""The names of the compiler before issue 9 split it into spec.py and plan.py.

Kept so that tests written against them (the criteria property tests) keep working; new code
imports from `semantic.plan` and `semantic.spec`. `compile_tile` is `plan.plan`.
"""

from leadboard.semantic.plan import LIST_LIMIT, Plan, plan, records_query, where_clause
from leadboard.semantic.spec import QuickFilters

__all__ = ["LIST_LIMIT", "CompiledTile", "QuickFilters", "compile_tile", "records_query", "scope"]

CompiledTile = Plan
compile_tile = plan
scope = where_clause
