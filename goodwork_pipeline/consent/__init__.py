"""Consent: what the participant agreed to, per channel, bound to the approved text.

In: a review decision (or consent recorded by staff). Out: the consent ledger
(``ledger``: default deny, a doubtful answer only shrinks consent), the consent snapshot
bound to the approved text (``snapshot``), and the consent steps of a story (``steps``).
The channel names and the Dutch wording are in ``goodwork_pipeline.consent_wording``.
"""
