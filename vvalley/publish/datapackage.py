"""The data files described as a Frictionless Data Package, generated from schema.py."""

from __future__ import annotations

from vvalley.chain.schema import (CONFIDENCE_MEANING, EDGE_COLUMNS, EDGES_FILE, NODE_COLUMNS, NODES_FILE, RELATIONS,
                     YEAR_MAX, YEAR_MIN)


def _field(column) -> dict:
    field = {"name": column.name, "type": column.type, "description": column.description}
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.choices:
        constraints["enum"] = list(column.choices)
    if column.pattern:
        constraints["pattern"] = column.pattern
    if column.name in ("since", "until"):
        constraints.update(minimum=YEAR_MIN, maximum=YEAR_MAX)
    if column.name == "weight":
        constraints["minimum"] = 0
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(name: str, path: str, title: str, columns, extra: dict) -> dict:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "header": True},
        "schema": {"fields": [_field(c) for c in columns], "missingValues": [""], **extra},
    }


def describe() -> dict:
    """The datapackage.json content for data/."""
    relations = {name: f"{' | '.join(r.sources)} -> {' | '.join(r.targets)}: {r.meaning}"
                 for name, r in RELATIONS.items()}
    return {
        "profile": "tabular-data-package",
        "name": "vvalley-chain",
        "title": "Computer-vision industry chain of Xiaoshan (China V Valley, 中国视谷)",
        "description": (
            "The chain as two tables: nodes (segments, focus areas, enterprises, institutes, regions) "
            "and edges between them. Extra columns are allowed and kept as attributes. Enterprises, "
            "institutes and every edge stating a fact about them carry evidence and a confidence grade: "
            + "; ".join(f"{k} {v}" for k, v in CONFIDENCE_MEANING.items()) + ". Relations: "
            + "; ".join(f"{k} ({v})" for k, v in relations.items()) + "."
        ),
        "resources": [
            _resource("chain_nodes", NODES_FILE, "Nodes of the chain", NODE_COLUMNS, {"primaryKey": ["id"]}),
            _resource("chain_edges", EDGES_FILE, "Edges of the chain", EDGE_COLUMNS, {"foreignKeys": [
                {"fields": ["source"], "reference": {"resource": "chain_nodes", "fields": ["id"]}},
                {"fields": ["target"], "reference": {"resource": "chain_nodes", "fields": ["id"]}},
            ]}),
        ],
    }


if __name__ == "__main__":
    from vvalley.publish.files import dumps_json

    print(dumps_json(describe()), end="")
