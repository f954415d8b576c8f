"""Column operations that pandas runs slowly on Arrow string columns, done through pyarrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _arrow(values) -> pa.Array | None:
    raw = values.array if isinstance(values, (pd.Index, pd.Series)) else values
    if isinstance(raw, pd.arrays.ArrowStringArray):
        return pa.array(raw)
    return None


def strings(values) -> pa.Array:
    """A column (Series or Index) of strings as an Arrow string array: no copy when pandas holds it
    in Arrow, a categorical's dictionary decoded, anything else cast to strings."""
    array = pa.array(values.array if hasattr(values, "array") else values)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    return array.cast(pa.string())


def isin(column: pd.Series, values) -> np.ndarray:
    """`column.isin(values)` as a bool array; through Arrow for Arrow string columns, where
    pandas' own isin walks the values in Python (seconds for a million ids)."""
    data = _arrow(column)
    if data is None:
        return column.isin(values).to_numpy()
    value_set = _arrow(values)
    if value_set is None:
        raw = list(values) if isinstance(values, (set, frozenset)) else values
        value_set = pa.array(np.asarray(raw, dtype=object), type=pa.large_string())
    return pc.is_in(data, value_set=value_set.cast(data.type)).to_numpy(zero_copy_only=False)


def isin_series(column: pd.Series, values) -> pd.Series:
    """`isin` as a boolean Series aligned with `column`."""
    return pd.Series(isin(column, values), index=column.index)


def lookup(column: pd.Series, table: pd.Series) -> pd.Series:
    """`column.map(table)` for a table indexed by unique strings: a hash join in Arrow."""
    data, keys = _arrow(column), _arrow(table.index)
    if data is None or keys is None:
        return column.map(table)
    positions = pc.index_in(data, value_set=keys.cast(data.type)).to_numpy(zero_copy_only=False)
    found = ~np.isnan(positions)
    values = np.asarray(table.to_numpy(dtype=object))
    out = np.full(len(column), None, dtype=object)
    out[found] = values[positions[found].astype(np.int64)]
    return pd.Series(out, index=column.index, dtype=object)
