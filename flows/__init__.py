"""Prefect flows that wire the engine (``goodwork_pipeline``) together, and the CLI.

One flow per file. Importing this package sets quiet, offline-friendly Prefect defaults
(analytics off, a longer start-up timeout for the embedded server) unless the operator set
them already.
"""

from ._prefect_env import configure_prefect

configure_prefect()
