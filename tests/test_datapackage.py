"""data/datapackage.json agrees with the schema the code enforces."""

import csv
import json
from pathlib import Path

from vvalley.publish.datapackage import describe
from vvalley.chain.schema import EDGE_COLUMN_NAMES, KINDS, NODE_COLUMN_NAMES, RELATIONS

DATA = Path(__file__).resolve().parent.parent / "data"


def package():
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def test_file_is_what_the_schema_generates():
    # Regenerate with: python -m vvalley.publish.datapackage > data/datapackage.json
    assert package() == describe()


def fields(resource_name):
    resource = next(r for r in package()["resources"] if r["name"] == resource_name)
    return {f["name"]: f for f in resource["schema"]["fields"]}, resource


def test_node_fields_and_key():
    node_fields, resource = fields("chain_nodes")
    assert tuple(node_fields) == NODE_COLUMN_NAMES
    assert node_fields["kind"]["constraints"]["enum"] == list(KINDS)
    assert node_fields["id"]["constraints"]["required"] is True
    assert node_fields["since"]["type"] == "integer"
    assert resource["schema"]["primaryKey"] == ["id"]


def test_edge_fields_and_foreign_keys():
    edge_fields, resource = fields("chain_edges")
    assert tuple(edge_fields) == EDGE_COLUMN_NAMES
    assert edge_fields["relation"]["constraints"]["enum"] == list(RELATIONS)
    assert edge_fields["weight"]["type"] == "number"
    keys = {fk["fields"][0]: fk["reference"] for fk in resource["schema"]["foreignKeys"]}
    assert keys == {"source": {"resource": "chain_nodes", "fields": ["id"]},
                    "target": {"resource": "chain_nodes", "fields": ["id"]}}


def test_shipped_files_have_the_described_columns():
    for resource in package()["resources"]:
        with open(DATA / resource["path"], encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        described = [f["name"] for f in resource["schema"]["fields"]]
        assert header[: len(described)] == described
