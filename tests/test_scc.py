"""The feeds cycles of the template: our strongly connected groups are networkx's, on random graphs and a long chain."""

import random

import networkx as nx

from vvalley.analysis.coverage import strongly_connected


def test_the_groups_are_networkx_groups_on_random_graphs():
    rng = random.Random(12)
    for _ in range(500):
        nodes = [f"s{i}" for i in range(rng.randint(1, 25))]
        p = rng.random() * 0.3
        successors = {a: [b for b in nodes if rng.random() < p] for a in nodes}
        graph = nx.DiGraph()
        graph.add_nodes_from(nodes)
        graph.add_edges_from((a, b) for a in nodes for b in successors[a])
        assert ({frozenset(g) for g in strongly_connected(nodes, successors)}
                == {frozenset(g) for g in nx.strongly_connected_components(graph)})


def test_a_long_cycle_is_one_group_without_recursion():
    nodes = list(range(50_000))
    successors = {i: [(i + 1) % len(nodes)] for i in nodes}
    assert [sorted(g) for g in strongly_connected(nodes, successors)] == [nodes]
