"""Drafting: a transcript becomes a draft beeld and the ``.docx`` sent to the participant.

In: a transcript with speakers, the sidecar and the programme's guide. Out: a ``Beeld`` (its
sections, each sentence traced to the recording) as ``beeld.json`` and the draft ``.docx``.
``guide`` reads the guide, ``cleanup`` tidies spoken text, ``questions``, ``answer_kinds`` and
``placement_evidence`` weigh what speaks for each section and ``placement`` decides which
section an answer belongs to, ``selection`` keeps the best sentences within the budget,
``draft`` builds the beeld, ``draft_document`` (with ``draft_consent_form`` and
``draft_properties``) and ``draft_template`` write the Word document; ``interviewer_check``
marks a draft checked.
"""
