"""The pipeline: the stages composed, one method per step, for the flows and the CLI.

In: settings (and optionally a store, a transcriber, a clock, a renderer). Out: a
``StepResult`` per step. ``core`` is the ``Pipeline``; ``review_and_consent`` holds its
review, consent and sending steps; ``paper`` receives returned PDFs.
"""

from goodwork_pipeline.pipeline.core import Pipeline
from goodwork_pipeline.results import StepResult

__all__ = ["Pipeline", "StepResult"]
