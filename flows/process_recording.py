"""Flow: one recording from the inbox to a draft (received, transcribed, drafted).

What ``goodwork watch`` starts for each recording that lands, in-process or as a run of the
``process-recording/goodwork`` deployment on a worker. The steps are the same tasks as in
'process-inbox' (transcription carries the ``goodwork-transcription`` tag and its limit).
"""

from __future__ import annotations

from prefect import flow
from prefect.states import State

from flows._artifacts import story_artifacts
from flows._prefect_env import flow_settings
from flows._states import end_state
from flows._steps import inbox_path, receive_recording, receive_transcript, story_steps, value
from goodwork_pipeline import TRANSCRIPT_SUFFIXES, Pipeline


@flow(name="process-recording")
def process_recording(path: str, folder: str | None = None) -> State:
    """Process the recording ``path`` (relative to the inbox, or absolute) of ``folder``.

    A meeting transcript (.vtt, .srt, .txt) takes the same path, from the draft step on.
    """
    settings = flow_settings(folder)
    pipeline = Pipeline(settings, source="flow:process-recording")
    recording = inbox_path(settings.inbox_dir, path)
    receive = (
        receive_transcript if recording.suffix.lower() in TRANSCRIPT_SUFFIXES else receive_recording
    )
    received = value(receive(pipeline, recording, return_state=True))
    results = [received]
    if received.ok and received.story_id:
        results.extend(story_steps(pipeline, received.story_id))
    story_artifacts(pipeline, [r.story_id for r in results])
    return end_state(results, hide=[recording])
