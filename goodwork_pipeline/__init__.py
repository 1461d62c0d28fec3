"""goodwork-pipeline: from a recorded conversation to a consented 'beeld van goed werk'.

The engine, stage by stage: intake -> transcribe -> draft -> review -> consent -> render ->
publish. It never imports Prefect; the flows in ``flows/`` wire these stages together.
"""

__version__ = "0.1.0"
