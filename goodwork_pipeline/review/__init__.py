"""Review: the draft goes to the participant and comes back.

In: the sent draft and whatever the participant returns (a ``.docx`` edited in Word or
LibreOffice, a scanned PDF, paper answers). Out: a ``ReturnedDraft`` (their text, comments
and consent choices) and a ``ReviewDecision`` saying what may be taken from it.
``returned_document`` and ``tracked_changes`` read the document at the XML level, ``decision``
says what it means, ``answers`` what a doubtful answer leaves of consent, ``changes`` writes
the diff for staff, ``mail`` sends drafts, ``returned_pdf`` and ``paper_answers`` read paper.
``steps`` (a returned ``.docx``) and ``paper_steps`` (a returned PDF) are the review steps.
"""
