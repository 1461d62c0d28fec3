"""Test data and doubles: sample conversations spoken by espeak-ng, sample beelden, labelled
conversations for the draft benchmarks, and aligning a script to a transcript. Used by the
tests, ``bench/`` and ``goodwork demo``; no stage imports it.
"""
