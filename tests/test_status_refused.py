"""'goodwork status' lists the inbox files that could not be used while they are there: a
refused file that staff removed or renamed is not waiting for anyone any more."""

from __future__ import annotations

import os
import time

from goodwork_pipeline import Pipeline, status_rows


def test_a_refused_file_is_listed_while_it_lies_in_the_inbox(pipeline: Pipeline) -> None:
    inbox = pipeline.settings.inbox_dir
    inbox.mkdir(parents=True, exist_ok=True)
    bad = inbox / "gesprek-kapot.wav"
    bad.write_bytes(b"RIFF" + os.urandom(2000))  # not a recording
    past = time.time() - 60
    os.utime(bad, (past, past))
    assert not pipeline.receive(bad).ok

    def refused() -> list[str]:
        return [item.name for item in status_rows(pipeline.store, pipeline.settings)[1]]

    assert refused() == ["gesprek-kapot.wav"]
    bad.rename(inbox / "gesprek-kapot.wav.bak")  # staff put it aside under another name
    assert refused() == []
    (inbox / "gesprek-kapot.wav.bak").rename(bad)  # and back: refused before, listed again
    assert refused() == ["gesprek-kapot.wav"]
    bad.unlink()
    assert refused() == []
