"""Privacy: names that must not be published.

In: the beeld's text, the sidecar (the participant's name choice, names to replace).
Out: the names found in the text (``third_parties``: persons, places and institutions, with
deduce, cleaned up by the Dutch cues in ``name_cues``), one story's found and cleared names
(``story_names``, with the participant's answers in the margin) and the text with them
replaced by pseudonyms or roles (``pseudonymise``); the name steps of a story (``steps``:
staff marking or clearing names). Both lists staff keep in a story's folder (names to
replace, names cleared) are read by ``name_lists``.
"""
