"""The store: every story's record, its history and the workspace folders.

In: events from every stage (a story received, transcribed, drafted, sent, answered,
consented, published). Out: stories, their states and events (``repository``: SQLite or
PostgreSQL), the folder of each story (``workspace``) and what retention may remove.
Every stage may read and write here; nothing here knows about the stages.
"""
