"""The store: every story's record, its history and the workspace folders.

In: events from every stage (a story received, transcribed, drafted, sent, answered,
consented, published). Out: stories, their states and events (``repository``; inbox outcomes
in ``inputs``, consent records in ``consents``, the tables and the connection, SQLite or
PostgreSQL, in ``database``), the folder of each story (``workspace``, its texts: ``texts``)
and what retention may remove; ``context`` is what every step shares (the story lock, the
failure guard). Every stage may read and write here; nothing here knows about the stages.
"""
