"""Where each person goes in a pedigree drawing: generation rows and left-to-right positions.

Generations are assigned by descent (a married-in partner joins their partner's row). Within a row
sibships stay together in file order (list siblings oldest first), married-in partners sit
next to their partner (male left where possible), and positions are relaxed so children centre
under their parents and parents over their children, with a minimum gap enforced exactly by
isotonic regression (pool-adjacent-violators).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ipexpath.counsel.pedigree import Pedigree, Person, Sex

SIB_GAP = 1.0  # between siblings and between partners (in symbol-spacing units)
GROUP_GAP = 1.3  # between different sibships


@dataclass(frozen=True)
class Layout:
    """Row (generation, 0 = top) and x position (in spacing units) of every person."""

    generation: dict[str, int]
    x: dict[str, float]
    rows: tuple[tuple[str, ...], ...]  # ids per generation, left to right

    def label(self, person_id: str) -> str:
        """Standard individual number such as 'II-3' (Roman generation, Arabic position)."""
        g = self.generation[person_id]
        return f"{roman(g + 1)}-{self.rows[g].index(person_id) + 1}"


def roman(n: int) -> str:
    """Roman numeral for a generation number."""
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def partners_of(pedigree: Pedigree) -> dict[str, list[str]]:
    """Everyone's reproductive partners (other parent of any of their children), in file order."""
    partners: dict[str, list[str]] = {p.id: [] for p in pedigree}
    for child in pedigree:
        if child.father and child.mother:
            if child.mother not in partners[child.father]:
                partners[child.father].append(child.mother)
            if child.father not in partners[child.mother]:
                partners[child.mother].append(child.father)
    return partners


def assign_generations(pedigree: Pedigree) -> dict[str, int]:
    """Row per person: children one below their lower parent; married-in founders level with a partner.

    A founder is lowered only to the row of a partner who is not their own descendant and not a founder,
    so unions across generations (a man with children by a woman and by her daughter) cannot push rows down
    without end; rows are then renumbered 0, 1, 2, … with none left empty.
    """
    partners = partners_of(pedigree)
    level = {p.id: 0 for p in pedigree}
    order = _descent_order(pedigree)
    for _ in range(3):  # founders follow their partners, children follow their parents; settles quickly
        for pid in order:
            p = pedigree.get(pid)
            if not p.is_founder:
                level[pid] = max(level[x] for x in (p.father, p.mother) if x is not None) + 1
        changed = False
        for p in pedigree:
            if not p.is_founder:
                continue
            mates = [q for q in partners[p.id] if not pedigree.get(q).is_founder]
            mates = [q for q in mates if p.id not in pedigree.ancestors(q)]
            new = max((level[q] for q in mates), default=0)
            if new != level[p.id]:
                level[p.id] = new
                changed = True
        if not changed:
            break
    for pid in order:  # final pass: every child strictly below both parents
        p = pedigree.get(pid)
        if not p.is_founder:
            level[pid] = max(level[x] for x in (p.father, p.mother) if x is not None) + 1
    used = sorted(set(level.values()))
    rank = {value: i for i, value in enumerate(used)}
    return {pid: rank[value] for pid, value in level.items()}


def _descent_order(pedigree: Pedigree) -> list[str]:
    """Ids with every parent before their children (the pedigree is validated to have no cycles)."""
    kids: dict[str, list[str]] = {p.id: [] for p in pedigree}
    waiting = {}
    for p in pedigree:
        parents = [x for x in (p.father, p.mother) if x is not None]
        waiting[p.id] = len(parents)
        for x in parents:
            kids[x].append(p.id)
    ready = [p.id for p in pedigree if waiting[p.id] == 0]
    order: list[str] = []
    while ready:
        pid = ready.pop()
        order.append(pid)
        for kid in kids[pid]:
            waiting[kid] -= 1
            if waiting[kid] == 0:
                ready.append(kid)
    return order


def _birth_key(pedigree: Pedigree, person: Person) -> int:
    """Siblings in file order: list them oldest first (ages at death do not give birth order)."""
    return pedigree.index(person.id)


def _order_rows(pedigree: Pedigree, level: dict[str, int], partners: dict[str, list[str]]) -> list[list[str]]:
    n_rows = max(level.values()) + 1
    married_in = {p.id for p in pedigree if p.is_founder and partners[p.id]}
    rows: list[list[str]] = [[] for _ in range(n_rows)]
    placed: set[str] = set()

    def place(row: list[str], pid: str) -> None:
        if pid in placed:
            return
        person = pedigree.get(pid)
        spouses = [s for s in partners[pid] if s in married_in and s not in placed and level[s] == level[pid]]
        left = [s for s in spouses if person.sex is Sex.FEMALE][:1]
        right = [s for s in spouses if s not in left]
        for s in [*left, pid, *right]:
            row.append(s)
            placed.add(s)

    # top row: founders in file order, partners adjacent
    for p in pedigree:
        if (
            level[p.id] == 0
            and p.is_founder
            and (p.id not in married_in or not _has_placed_partner(p, partners, placed))
        ):
            place(rows[0], p.id)
    for g in range(n_rows):
        if g > 0:
            for sibship in _sibships_below(pedigree, rows[g - 1], level, g):
                for child in sibship:
                    place(rows[g], child)
        for p in pedigree:  # anything not reached (e.g. generation-skipping unions)
            if level[p.id] == g and p.id not in placed:
                place(rows[g], p.id)
    return rows


def _has_placed_partner(person: Person, partners: dict[str, list[str]], placed: set[str]) -> bool:
    return any(q in placed for q in partners[person.id])


def _sibships_below(
    pedigree: Pedigree, parent_row: list[str], level: dict[str, int], g: int
) -> list[list[str]]:
    """Children in row g grouped by parent couple, couples ordered by their position in the row above."""
    pos = {pid: i for i, pid in enumerate(parent_row)}
    groups: dict[tuple[str | None, str | None], list[Person]] = {}
    for child in pedigree:
        if child.is_founder or level[child.id] != g:
            continue
        groups.setdefault((child.father, child.mother), []).append(child)

    def couple_pos(key: tuple[str | None, str | None]) -> float:
        xs = [pos[x] for x in key if x is not None and x in pos]
        return sum(xs) / len(xs) if xs else 1e9

    ordered = sorted(groups, key=couple_pos)
    own = {c.id: couple_pos(k) for k, kids in groups.items() for c in kids}
    partners = partners_of(pedigree)

    def pull(child: Person) -> int:
        """-1/+1 when the child's partner grew up in a sibship to the left/right: sit on that side."""
        for mate in partners[child.id]:
            if mate in own and own[mate] != own[child.id]:
                return -1 if own[mate] < own[child.id] else 1
        return 0

    def birth(child: Person) -> tuple[int, int]:
        """File order, a twin beside the co-twin (both drawn from one point, Bennett et al. 2008)."""
        own_index = _birth_key(pedigree, child)
        if child.twin is not None and child.twin in pedigree:
            return (min(own_index, pedigree.index(child.twin)), own_index)
        return (own_index, own_index)

    return [[c.id for c in sorted(groups[k], key=lambda c: (pull(c), birth(c)))] for k in ordered]


def _isotonic(values: list[float], weights: list[float]) -> list[float]:
    """Pool-adjacent-violators: the non-decreasing sequence closest to `values` (weighted least squares)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values, weights, strict=True):
        blocks.append([v, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    out: list[float] = []
    for mean, _w, count in blocks:
        out.extend([mean] * int(count))
    return out


def _spread(row: list[str], target: dict[str, float], gaps: list[float]) -> dict[str, float]:
    if not row:
        return {}
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    ys = _isotonic([target[pid] - off for pid, off in zip(row, offsets, strict=True)], [1.0] * len(row))
    return {pid: y + off for pid, y, off in zip(row, ys, offsets, strict=True)}


def layout_pedigree(pedigree: Pedigree, iterations: int = 12) -> Layout:
    """Compute generation rows and x positions for every person."""
    partners = partners_of(pedigree)
    level = assign_generations(pedigree)
    rows = _order_rows(pedigree, level, partners)
    children: dict[str, list[str]] = {p.id: [] for p in pedigree}
    for p in pedigree:
        for parent in (p.father, p.mother):
            if parent is not None:
                children[parent].append(p.id)

    def gaps_for(row: list[str]) -> list[float]:
        gaps = []
        for a, b in itertools.pairwise(row):
            pa, pb = pedigree.get(a), pedigree.get(b)
            same_sibship = not pa.is_founder and (pa.father, pa.mother) == (pb.father, pb.mother)
            gaps.append(SIB_GAP if same_sibship or b in partners[a] else GROUP_GAP)
        return gaps

    row_gaps = [gaps_for(r) for r in rows]
    x: dict[str, float] = {}
    for r, gaps in zip(rows, row_gaps, strict=True):
        pos = 0.0
        for i, pid in enumerate(r):
            pos += gaps[i - 1] if i else 0.0
            x[pid] = pos
    for _ in range(iterations):
        for g in range(1, len(rows)):  # down: children under their parents
            target = {}
            for pid in rows[g]:
                p = pedigree.get(pid)
                parents = [q for q in (p.father, p.mother) if q is not None]
                target[pid] = sum(x[q] for q in parents) / len(parents) if parents else x[pid]
            index = {pid: i for i, pid in enumerate(rows[g])}
            for pid in rows[g]:
                p = pedigree.get(pid)
                same_row = [m for m in partners[pid] if m in index]
                if p.is_founder and same_row:
                    mate = same_row[0]
                    side = -1.0 if index[pid] < index[mate] else 1.0
                    target[pid] = target.get(mate, x[mate]) + side * SIB_GAP
            x.update(_spread(rows[g], target, row_gaps[g]))
        for g in range(len(rows) - 2, -1, -1):  # up: parents over their children
            target = {}
            index = {pid: i for i, pid in enumerate(rows[g])}
            for pid in rows[g]:
                kids = children[pid]
                if not kids:
                    target[pid] = x[pid]
                    continue
                centre = sum(x[k] for k in kids) / len(kids)
                mates = [m for m in partners[pid] if level[m] == g]
                if mates:
                    side = -0.5 if index[pid] < index[mates[0]] else 0.5
                    target[pid] = centre + side * SIB_GAP
                else:
                    target[pid] = centre
            x.update(_spread(rows[g], target, row_gaps[g]))
    shift = min(x.values())
    return Layout(
        generation=level,
        x={k: v - shift for k, v in x.items()},
        rows=tuple(tuple(r) for r in rows),
    )
