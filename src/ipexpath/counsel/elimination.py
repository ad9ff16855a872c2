"""Exact marginals of a discrete Bayesian network by variable elimination on a clique (junction) tree.

Lauritzen & Sheehan, Statist Sci 2003;18:489-514 (doi:10.1214/ss/1081443232): a pedigree is a
Bayesian network; with a greedy min-fill elimination order the elimination cliques form a tree, and
one upward pass (ordinary variable elimination) plus one downward pass (Shafer-Shenoy messages)
give every marginal exactly, also on pedigrees with loops and consanguinity.

Tables are multiplied two at a time (never one `einsum` over all of a clique's messages, which NumPy
limits to 64 operands and 52 labels), so a parent with thousands of children is cheap. What makes a
pedigree expensive is the largest clique: a K x K grid of matings between two families, or many marriage
loops, gives cliques whose table grows as 3^K. Beyond `MAX_CLIQUE_ENTRIES` values the computation is
refused up front with `TooComplexError` rather than running for hours or exhausting memory.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ipexpath.errors import InputError

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class Factor:
    """A non-negative table over the given variables (one axis per variable, in order)."""

    variables: tuple[int, ...]
    table: FloatArray


class ImpossibleEvidenceError(ValueError):
    """The evidence has probability zero under the model."""


# Largest clique table the exact engine builds: 2^23 float64 values = 64 MB per table (a handful are alive
# at once), and the total over all cliques, which sets the running time (about 0.4 s per million values on
# one core: an 18 x 18 grid of matings between two families, 15 million, takes ~6 s; 20 x 20, 66 million,
# would take ~30 s and is refused).
MAX_CLIQUE_ENTRIES = 1 << 23
MAX_TOTAL_ENTRIES = 25_000_000
# Above this degree the min-fill score is replaced by its upper bound deg*(deg-1)/2 (cheap to compute, and
# such a variable is eliminated late anyway); every order gives exact marginals, only speed differs.
_FILL_DEGREE_CAP = 40
# Up to this many tables are multiplied in one einsum call (NumPy allows 64 operands and 52 labels).
_ONE_EINSUM_OPERANDS = 8


class TooComplexError(InputError):
    """The pedigree's largest joint table exceeds MAX_CLIQUE_ENTRIES: too complex for exact computation."""


def clique_entries(tree: CliqueTree, cards: Sequence[int]) -> int:
    """Number of values in the largest clique table of `tree`."""
    return max((math.prod(cards[v] for v in clique) for clique in tree.cliques), default=1)


def total_entries(tree: CliqueTree, cards: Sequence[int]) -> int:
    """Number of values over all clique tables of `tree` (proportional to the running time)."""
    return sum(math.prod(cards[v] for v in clique) for clique in tree.cliques)


def check_complexity(
    tree: CliqueTree, cards: Sequence[int], limit: int = MAX_CLIQUE_ENTRIES, total: int = MAX_TOTAL_ENTRIES
) -> None:
    """Raise `TooComplexError` when the largest clique table or all tables together exceed the limits."""
    largest, overall = clique_entries(tree, cards), total_entries(tree, cards)
    if largest > limit or overall > total:
        raise TooComplexError(
            "This pedigree is too complex for exact computation: its marriage loops (for example many "
            f"unions between the same two families) need joint tables of {overall:,} values in all, the "
            f"largest {largest:,}; the limits are {total:,} and {limit:,}.",
            "Leave out relatives who add no information (no test result, no affected status), or "
            "split the family where the loops are; the risks of the remaining people stay exact.",
        )


def elimination_order(n_vars: int, cards: Sequence[int], scopes: Sequence[Sequence[int]]) -> list[int]:
    """Greedy min-fill order (ties: smallest clique weight, then lowest index)."""
    adj: list[set[int]] = [set() for _ in range(n_vars)]
    for scope in scopes:
        for u in scope:
            adj[u].update(v for v in scope if v != u)
    log_card = [math.log(c) for c in cards]

    def score(v: int) -> tuple[int, float, int]:
        nbrs = list(adj[v])
        if len(nbrs) > _FILL_DEGREE_CAP:
            fill = len(nbrs) * (len(nbrs) - 1) // 2
        else:
            fill = 0
            for i, a in enumerate(nbrs):
                adj_a = adj[a]
                for b in nbrs[i + 1 :]:
                    if b not in adj_a:
                        fill += 1
        return (fill, log_card[v] + sum(log_card[u] for u in nbrs), v)

    scores = {v: score(v) for v in range(n_vars)}
    heap = [(sc, v) for v, sc in scores.items()]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        sc, v = heapq.heappop(heap)
        if scores.get(v) != sc:
            continue  # a stale entry: v was re-scored or already eliminated
        order.append(v)
        del scores[v]
        nbrs = adj[v]
        added = False
        for a in nbrs:
            adj[a].discard(v)
            before = len(adj[a])
            adj[a].update(b for b in nbrs if b != a)
            added = added or len(adj[a]) != before
        touched = set(nbrs)
        if added:  # fill edges change the scores of the neighbours' neighbours too
            for a in nbrs:
                touched.update(adj[a])
        for u in touched:
            if u in scores:
                scores[u] = score(u)
                heapq.heappush(heap, (scores[u], u))
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
    """Multiply tables (each with its variable tuple) and sum out all variables not in `output`.

    The result is scaled by exp(-log_scale) of `_contract_scaled`: use it where only ratios matter.
    """
    return _contract_scaled(operands, output)[0]


def _contract_scaled(
    operands: list[tuple[FloatArray, tuple[int, ...]]], output: tuple[int, ...]
) -> tuple[FloatArray, float]:
    """Like `_contract`, returning (table / c, log c): two tables at a time, summing a variable out as soon
    as no remaining table needs it (the labels of each `einsum` are at most the union of two tables'
    variables, whatever the number of operands), rescaled after each product so that the product of
    thousands of messages (a sibship of 2,000) does not underflow."""
    if not operands:
        return np.ones(()), 0.0
    if len(operands) <= _ONE_EINSUM_OPERANDS:  # few tables: one einsum is faster and cannot underflow
        labels: dict[int, int] = {}
        args: list[Any] = []
        for table, variables in operands:
            args += [table, [labels.setdefault(v, len(labels)) for v in variables]]
        args.append([labels.setdefault(v, len(labels)) for v in output])
        if len(labels) <= 48:
            single: FloatArray = np.einsum(*args)
            return single, 0.0
    remaining = list(operands)
    table, variables = remaining.pop(0)
    log_scale = 0.0
    # needed_after[k]: the variables of `output` and of the operands after remaining[k]
    needed_after: list[frozenset[int]] = [frozenset(output)] * len(remaining)
    acc = frozenset(output)
    for k in range(len(remaining) - 1, -1, -1):
        needed_after[k] = acc
        acc = acc | frozenset(remaining[k][1])
    for k, (other, other_vars) in enumerate(remaining):
        later = needed_after[k]
        union = list(dict.fromkeys((*variables, *other_vars)))
        kept = tuple(v for v in union if v in later)
        table = _einsum_pair(table, variables, other, other_vars, kept)
        variables = kept
        peak = float(table.max()) if table.size else 0.0
        if peak > 0.0 and (peak < 1e-100 or peak > 1e100):
            table = table / peak
            log_scale += math.log(peak)
    final = {v: i for i, v in enumerate(dict.fromkeys((*variables, *output)))}
    last: list[Any] = [table, [final[v] for v in variables], [final[v] for v in output]]
    result: FloatArray = np.einsum(*last)
    return result, log_scale


def _einsum_pair(
    a: FloatArray, a_vars: tuple[int, ...], b: FloatArray, b_vars: tuple[int, ...], out: tuple[int, ...]
) -> FloatArray:
    labels = {v: i for i, v in enumerate(dict.fromkeys((*a_vars, *b_vars)))}
    args: list[Any] = [a, [labels[v] for v in a_vars], b, [labels[v] for v in b_vars]]
    result: FloatArray = np.einsum(*args, [labels[v] for v in out])
    return result


def exact_marginals(
    cards: Sequence[int], factors: Sequence[Factor], tree: CliqueTree | None = None
) -> tuple[list[FloatArray], float]:
    """Normalised marginal of every variable and the log probability of the evidence."""
    n_vars = len(cards)
    scopes = [f.variables for f in factors]
    if tree is None:
        tree = build_clique_tree(n_vars, cards, scopes)
    check_complexity(tree, cards)
    n = len(tree.order)
    potentials: list[FloatArray] = []
    log_z = 0.0
    for i in range(n):
        clique = tree.cliques[i]
        ops = [(factors[f].table, factors[f].variables) for f in tree.assigned[i]]
        if ops:
            pot, log_scale = _contract_scaled([*ops, (np.ones([cards[v] for v in clique]), clique)], clique)
            log_z += log_scale
        else:
            pot = np.ones([cards[v] for v in clique])
        potentials.append(pot)
    up: list[FloatArray] = [np.empty(0)] * n
    for i in range(n):
        clique = tree.cliques[i]
        ops = [(potentials[i], clique)] + [(up[c], tree.cliques[c][1:]) for c in tree.children[i]]
        msg, log_scale = _contract_scaled(ops, clique[1:])
        total = float(msg.sum())
        if not total > 0.0 or not math.isfinite(total):
            raise ImpossibleEvidenceError(f"variable {tree.order[i]}")
        up[i] = msg / total
        log_z += math.log(total) + log_scale
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
        # product of all incoming messages but child k's, via prefix and suffix products (linear in k)
        prefix: list[tuple[FloatArray, tuple[int, ...]] | None] = [None]
        for message in incoming[:-1]:
            prefix.append(_times(prefix[-1], message))
        suffix: tuple[FloatArray, tuple[int, ...]] | None = None
        for k in reversed(range(len(kids))):
            c = kids[k]
            ops = list(base)
            for part in (prefix[k], suffix):
                if part is not None:
                    ops.append(part)
            msg = _contract(ops, tree.cliques[c][1:])
            s = float(msg.sum())
            down[c] = msg / s if s > 0 else msg
            suffix = _times(suffix, incoming[k])
    return marginals, log_z


def _times(
    acc: tuple[FloatArray, tuple[int, ...]] | None, message: tuple[FloatArray, tuple[int, ...]]
) -> tuple[FloatArray, tuple[int, ...]]:
    """The product of `acc` (None for 1) and `message`, over the union of their variables, rescaled."""
    if acc is None:
        return message
    variables = tuple(dict.fromkeys((*acc[1], *message[1])))
    table = _contract([acc, message], variables)
    total = float(table.max())
    return (table / total if total > 0 else table), variables  # only ratios matter for the messages
