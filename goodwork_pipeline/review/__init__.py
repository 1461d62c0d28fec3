"""Review: the draft goes to the participant and comes back.

In: the sent draft and whatever the participant returns (a ``.docx`` edited in Word or
LibreOffice, a scanned PDF, paper answers). Out: a ``ReturnedDraft`` (their text, comments
and consent choices) and a ``ReviewDecision`` saying what may be taken from it.
``returned_document`` reads the document at the XML level: ``returned_package`` opens it
safely, ``returned_text`` and ``returned_paragraphs`` read the body with tracked changes
accepted, ``returned_checkboxes`` the consent boxes, ``returned_comments`` the comments and
``returned_ids`` which draft it is (``tracked_changes`` writes the demo participant's edits
as tracked changes). ``decision`` says what it means: ``returned_parts`` finds its parts
and the beeld, ``choices`` the consent choices, ``fixed_parts`` what changed in the fixed
text, all compared by ``matching``. ``answers`` says what a doubtful answer leaves of
consent, ``changes`` writes the diff for staff, ``mail`` sends drafts, ``returned_pdf`` and
``paper_answers`` read paper. ``steps`` (a returned ``.docx``) and ``paper_steps`` (a
returned PDF) are the review steps.
"""
