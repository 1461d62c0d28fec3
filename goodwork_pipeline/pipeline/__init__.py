"""The pipeline: the stages composed, one method per step, for the flows and the CLI.

In: settings (and optionally a store, a transcriber, a clock, a renderer). Out: a
``StepResult`` per step. ``core`` is the ``Pipeline``, a composition of one object per stage
(most in their stage's package: ``intake.steps``, ``consent.steps``, ...); here are the
stages that need several packages: ``drafts``, ``sending`` and ``bookkeeping``; and what the
operator's commands show, as plain data: ``reports`` (in the shapes of ``report_lines``).
"""

from goodwork_pipeline.pipeline.core import Pipeline
from goodwork_pipeline.results import StepResult

__all__ = ["Pipeline", "StepResult"]
