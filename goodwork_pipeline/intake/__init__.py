"""Intake: what comes into the inbox, and whether it can be used.

In: files in ``inbox/`` (recordings, meeting transcripts, returned drafts, sidecars).
Out: a decoded, checked recording (16 kHz mono samples and its speech spans), the sidecar's
facts about the conversation, or a clear refusal. ``inbox`` sorts what is there and waits for
files still being copied; ``watch`` follows the folder; ``audio`` and ``vad`` decode and check
the sound; ``transcript_files`` reads and writes transcripts (also a Teams ``.vtt``).
``door`` is the inbox's front door every file passes (and the one way one is refused);
``steps`` are the intake steps of a story (``Intake``).
"""
