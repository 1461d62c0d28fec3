"""Transcription: a recording becomes a transcript with words, times and speakers.

In: a checked recording and its speech spans (``intake``). Out: ``transcript.json`` (segments,
words with probabilities, the speaker of each word) and its readable copies. ``engine`` wraps
faster-whisper (``engines/`` the optional openai-whisper), ``whisper_model`` finds the model,
``chunking`` cuts long recordings, ``repetition`` catches Whisper looping, ``speakers`` with
``diarization``, ``voice_encoder`` and ``profiles`` tells interviewer and participant apart;
``stage`` runs it all for one story, resumable per chunk (``decoding`` one chunk's windows,
``segments`` by sentence and speaker, ``progress`` how far it is); ``steps`` are its steps in a
story's history (``Transcribing``).
"""
