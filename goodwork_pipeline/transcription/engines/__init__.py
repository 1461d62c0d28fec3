"""Optional transcription engines, imported only when the settings choose them.

``openai_whisper`` runs the reference implementation (needs ``pip install '.[openai]'``);
``ct2_to_openai`` derives its checkpoint from the bundled CTranslate2 model (numpy only).
"""
