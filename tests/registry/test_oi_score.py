"""Barzaghi's organ-involvement score on hand-made assessments (answers known in advance)."""

from __future__ import annotations

import pytest

from ipexpath.registry.oi import oi_score

ALL_ABSENT = dict.fromkeys(
    (
        "intractable_diarrhea",
        "malnutrition",
        "liver_dysfunction",
        "respiratory_impairment",
        "kidney_dysfunction",
    ),
    False,
)


def test_complete_scores_and_groups() -> None:
    assert oi_score(ALL_ABSENT).value == 0
    assert oi_score(ALL_ABSENT).group == "0-2"
    two = {**ALL_ABSENT, "intractable_diarrhea": True, "malnutrition": True}
    assert (oi_score(two).value, oi_score(two).group) == (2, "0-2")
    three = {**two, "kidney_dysfunction": True}
    assert (oi_score(three).value, oi_score(three).group) == (3, "3-5")
    assert oi_score(dict.fromkeys(ALL_ABSENT, True)).value == 5
    assert oi_score(three).text() == "3 of 5 (high, 3-5)"


def test_missing_items_stay_missing_and_get_no_group() -> None:
    partial = {"intractable_diarrhea": True, "malnutrition": True, "liver_dysfunction": None}
    score = oi_score(partial)
    assert score.value is None and score.group is None and not score.complete
    assert score.points == 2 and score.assessed == 2
    assert score.text() == "at least 2 (2 of 5 items assessed; no group)"


def test_unknown_item_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown OI score item"):
        oi_score({"fever": True})
