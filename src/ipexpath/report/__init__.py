"""Report: render an `Assessment` (see `ipexpath.conclusions`) — it computes nothing itself.

`write_outputs` renders the professional report (report.html), the family leaflet (leaflet.html) and
assessment.json (with a Phenopacket v2) into a folder, all or nothing; `summary_text` is the one-screen
terminal summary; `example_inputs()` names the bundled fictional example family. `run_assessment` and
`Assessment` are re-exported from `ipexpath.conclusions` for callers of the report API.
"""

from ipexpath.conclusions import DECISION_SUPPORT, Assessment, IpexStatus, run_assessment
from ipexpath.report.example import ExampleInputs, example_inputs
from ipexpath.report.html import render_leaflet, render_report
from ipexpath.report.output import Outputs, assessment_json, write_outputs
from ipexpath.report.phenopacket_export import to_phenopacket
from ipexpath.report.summary import summary_text

__all__ = [
    "DECISION_SUPPORT",
    "Assessment",
    "ExampleInputs",
    "IpexStatus",
    "Outputs",
    "assessment_json",
    "example_inputs",
    "render_leaflet",
    "render_report",
    "run_assessment",
    "summary_text",
    "to_phenopacket",
    "write_outputs",
]
