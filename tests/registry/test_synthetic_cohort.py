"""The synthetic cohort is labelled as such; the analysis recovers the hazard ratio it was simulated with."""

from __future__ import annotations

from ipexpath.registry.synthetic import HR_OI_HIGH, N_HSCT, N_IS, CohortSpec, simulate


def test_demo_cohort_has_the_published_group_sizes_and_is_labelled() -> None:
    data = simulate()
    assert len(data["patient"]) == N_HSCT + N_IS == 92
    assert len({r["patient"] for r in data["hsct"]}) == N_HSCT
    assert all(r["synthetic"] == "yes" and r["pseudonym"].startswith("SYN-") for r in data["patient"])
    assert simulate() == data  # deterministic


def test_analysis_recovers_the_simulated_hazard_ratio(registry: str) -> None:
    from ipexpath.registry.analysis import analyse
    from ipexpath.registry.store import import_tables

    import_tables(simulate(CohortSpec(n_hsct=1200, n_is=0, seed=7, visits_per_patient=1)), detail="test")
    result = analyse("treatment").results["survival_by_oi_group"]["cox"]
    assert result["ci_low"] <= HR_OI_HIGH <= result["ci_high"]
    assert result["hazard_ratio"] > 1.5
