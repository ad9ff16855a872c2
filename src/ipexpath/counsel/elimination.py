"""Exact marginals of a discrete Bayesian network by variable elimination on a clique (junction) tree.

Lauritzen & Sheehan, Statist Sci 2003;18:489-514 (doi:10.1214/ss/1081443232): a pedigree is a
Bayesian network; with a greedy min-fill elimination order the elimination cliques form a tree, and
one upward pass (ordinary variable elimination) plus one downward pass (Shafer-Shenoy messages)
give every marginal exactly, also on pedigrees with loops and consanguinity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Factor:
    """A non-negative table over the given variables (one axis per variable, in order)."""

    variables: tuple[int, ...]
    table: FloatArray


class ImpossibleEvidenceError(ValueError):
    """The evidence has probability zero under the model."""


def elimination_order(n_vars: int, cards: Sequence[int], scopes: Sequence[Sequence[int]]) -> list[int]:
    """Greedy min-fill order (ties: smallest clique weight, then lowest index)."""
    adj: list[set[int]] = [set() for _ in range(n_vars)]
    for scope in scopes:
        for u in scope:
            adj[u].update(v for v in scope if v != u)
    log_card = [math.log(c) for c in cards]

    def score(v: int) -> tuple[int, float, int]:
        nbrs = list(adj[v])
        fill = 0
        for i, a in enumerate(nbrs):
            adj_a = adj[a]
            for b in nbrs[i + 1 :]:
                if b not in adj_a:
                    fill += 1
        return (fill, log_card[v] + sum(log_card[u] for u in nbrs), v)

    scores = {v: score(v) for v in range(n_vars)}
    order: list[int] = []
    while scores:
        v = min(scores, key=scores.__getitem__)
        order.append(v)
        del scores[v]
        nbrs = adj[v]
        for a in nbrs:
            adj[a].discard(v)
            adj[a].update(b for b in nbrs if b != a)
        touched = set(nbrs)
        for a in nbrs:
            touched.update(adj[a])
        for u in touched:
            if u in scores:
                scores[u] = score(u)
        adj[v] = set()
    return order


@dataclass(frozen=True)
class CliqueTree:
    """The elimination cliques: clique i eliminates `order[i]` and sends its message to `parent[i]`."""

    order: tuple[int, ...]
    cliques: tuple[tuple[int, ...], ...]  # eliminated variable first, then the separator
    parent: tuple[int, ...]  # index of the parent clique, -1 for a root
    children: tuple[tuple[int, ...], ...]
    assigned: tuple[tuple[int, ...], ...]  # factor indices multiplied into each clique


def build_clique_tree(n_vars: int, cards: Sequence[int], scopes: Sequence[Sequence[int]]) -> CliqueTree:
    """Simulate elimination to get the cliques, their tree and where each factor goes."""
    order = elimination_order(n_vars, cards, scopes)
    position = {v: i for i, v in enumerate(order)}
    adj: list[set[int]] = [set() for _ in range(n_vars)]
    for scope in scopes:
        for u in scope:
            adj[u].update(v for v in scope if v != u)
    cliques: list[tuple[int, ...]] = []
    parent: list[int] = []
    for v in order:
        sep = tuple(sorted(adj[v], key=position.__getitem__))
        cliques.append((v, *sep))
        parent.append(position[sep[0]] if sep else -1)
        for a in adj[v]:
            adj[a].discard(v)
            adj[a].update(b for b in adj[v] if b != a)
        adj[v] = set()
    children: list[list[int]] = [[] for _ in order]
    for i, p in enumerate(parent):
        if p >= 0:
            children[p].append(i)
    assigned: list[list[int]] = [[] for _ in order]
    for f, scope in enumerate(scopes):
        if scope:
            assigned[min(position[v] for v in scope)].append(f)
    return CliqueTree(
        tuple(order),
        tuple(cliques),
        tuple(parent),
        tuple(tuple(c) for c in children),
        tuple(tuple(a) for a in assigned),
    )


def _contract(operands: list[tuple[FloatArray, tuple[int, ...]]], output: tuple[int, ...]) -> FloatArray:
    """Multiply tables (each with its variable tuple) and sum out all variables not in `output`."""
    labels: dict[int, int] = {}
    args: list[Any] = []
    for table, variables in operands:
        args.append(table)
        args.append([labels.setdefault(v, len(labels)) for v in variables])
    args.append([labels.setdefault(v, len(labels)) for v in output])
    result: FloatArray = np.einsum(*args)
    return result


def exact_marginals(
    cards: Sequence[int], factors: Sequence[Factor], tree: CliqueTree | None = None
) -> tuple[list[FloatArray], float]:
    """Normalised marginal of every variable and the log probability of the evidence."""
    n_vars = len(cards)
    scopes = [f.variables for f in factors]
    if tree is None:
        tree = build_clique_tree(n_vars, cards, scopes)
    n = len(tree.order)
    potentials: list[FloatArray] = []
    for i in range(n):
        clique = tree.cliques[i]
        ops = [(factors[f].table, factors[f].variables) for f in tree.assigned[i]]
        if ops:
            pot = _contract([*ops, (np.ones([cards[v] for v in clique]), clique)], clique)
        else:
            pot = np.ones([cards[v] for v in clique])
        potentials.append(pot)
    up: list[FloatArray] = [np.empty(0)] * n
    log_z = 0.0
    for i in range(n):
        clique = tree.cliques[i]
        ops = [(potentials[i], clique)] + [(up[c], tree.cliques[c][1:]) for c in tree.children[i]]
        msg = _contract(ops, clique[1:])
        total = float(msg.sum())
        if not total > 0.0 or not math.isfinite(total):
            raise ImpossibleEvidenceError(f"variable {tree.order[i]}")
        up[i] = msg / total
        log_z += math.log(total)
    down: list[FloatArray | None] = [None] * n
    marginals: list[FloatArray] = [np.empty(0)] * n_vars
    for i in reversed(range(n)):
        clique = tree.cliques[i]
        incoming = [(up[c], tree.cliques[c][1:]) for c in tree.children[i]]
        base = [(potentials[i], clique)]
        msg_down = down[i]
        if msg_down is not None:
            base.append((msg_down, clique[1:]))
        belief = _contract(base + incoming, (clique[0],))
        marginals[clique[0]] = belief / belief.sum()
        kids = tree.children[i]
        for k, c in enumerate(kids):
            others = incoming[:k] + incoming[k + 1 :]
            msg = _contract(base + others, tree.cliques[c][1:])
            s = float(msg.sum())
            down[c] = msg / s if s > 0 else msg
    return marginals, log_z
