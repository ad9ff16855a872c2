"""Issue 18: legal pedigree shapes that broke the exact engine or the drawing, and the stated limit."""

from __future__ import annotations

import pytest

from ipexpath.counsel import Pedigree, compute_risks
from ipexpath.counsel.drawing import draw_pedigree_svg
from ipexpath.counsel.elimination import TooComplexError
from ipexpath.counsel.layout import layout_pedigree
from ipexpath.counsel.pedigree import Affection, Person, Sex
from ipexpath.report.html import inline_svg


def sibship(n: int) -> Pedigree:
    persons = [Person("F", Sex.MALE), Person("M", Sex.FEMALE)]
    persons += [
        Person(f"C{i}", Sex.MALE if i % 2 else Sex.FEMALE, father="F", mother="M",
               affected=Affection.AFFECTED if i == 1 else Affection.UNKNOWN, proband=i == 1)
        for i in range(n)
    ]  # fmt: skip
    return Pedigree("S", tuple(persons))


def grid(k: int) -> Pedigree:
    """k men x k women, one son per couple: a k x k mating grid (treewidth k)."""
    persons = [Person(f"M{i}", Sex.MALE) for i in range(k)] + [Person(f"W{j}", Sex.FEMALE) for j in range(k)]
    persons += [
        Person(f"C{i}_{j}", Sex.MALE, father=f"M{i}", mother=f"W{j}",
               affected=Affection.AFFECTED if i == j == 0 else Affection.UNKNOWN, proband=i == j == 0)
        for i in range(k) for j in range(k)
    ]  # fmt: skip
    return Pedigree("G", tuple(persons))


@pytest.mark.parametrize("n", [62, 100, 2000])
def test_large_sibships(n: int) -> None:
    result = compute_risks(sibship(n))
    risks = result.by_id()
    # the mother of an affected son (no test, no other information) is a carrier with the same
    # probability whatever the number of unaffected-unknown siblings; all brothers share one risk
    brothers = {round(risks[f"C{i}"].p_variant, 9) for i in range(3, n, 2)}
    assert len(brothers) == 1 and 0.0 < risks["M"].p_variant < 1.0


def test_mating_grid_16x16() -> None:
    result = compute_risks(grid(16))
    assert len(result.individuals) == 16 * 16 + 32


def test_too_complex_is_refused_quickly() -> None:
    with pytest.raises(TooComplexError, match="too complex for exact computation"):
        compute_risks(grid(22))


def test_union_across_generations_is_drawn() -> None:
    """A man with children by a woman and by her daughter (the audit's crash)."""
    persons = (
        Person("X", Sex.MALE),
        Person("W", Sex.FEMALE),
        Person("M", Sex.MALE),
        Person("D", Sex.FEMALE, father="X", mother="W"),
        Person("C1", Sex.MALE, father="M", mother="W", affected=Affection.AFFECTED, proband=True),
        Person("C2", Sex.MALE, father="M", mother="D"),
        Person("G", Sex.FEMALE, father="M", mother="D"),
        Person("GG", Sex.MALE, father="M", mother="G"),  # and by the daughter's daughter
    )
    pedigree = Pedigree("U", persons)
    layout = layout_pedigree(pedigree)
    assert set(layout.x) == {p.id for p in persons}
    assert all(layout.generation[c] > layout.generation[p] for c, p in [("D", "W"), ("C2", "D"), ("GG", "G")])
    assert "<svg" in draw_pedigree_svg(pedigree, compute_risks(pedigree))


def test_id_with_href_keeps_the_drawing() -> None:
    persons = (
        Person("dad href=x", Sex.MALE),
        Person("<script>mum</script>", Sex.FEMALE),
        Person("son\x1b[31m", Sex.MALE, father="dad href=x", mother="<script>mum</script>",
               affected=Affection.AFFECTED, proband=True),
    )  # fmt: skip
    svg = draw_pedigree_svg(Pedigree("H", persons))
    assert "left out" not in str(inline_svg(svg))
    assert "\x1b" not in svg
