"""Publishing: the approved beeld becomes the outputs for exactly the consented channels.

In: an approved beeld, its consent snapshot and the participant's name choice. Out: files in
``outbox/``: the PDF and web page (``render``, with ``fonts``), quote cards (``cards``),
platform texts (``platform_texts``), the outbox layout and manifest (``publish``), the
overview page (``overview``) and group booklets (``booklet``); the publishing and booklet
steps of a story (``steps``, ``booklet_steps``).
"""
