"""The texts of a story kept in its workspace folder: each draft version's beeld and the
approved texts, each stored under the checksum of its text."""

from __future__ import annotations

import json

from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.models import Beeld
from goodwork_pipeline.store.workspace import Workspace


def draft_beeld(workspace: Workspace, story_id: str, version: int) -> Beeld:
    path = workspace.story(story_id).draft_beeld(version)
    return Beeld.from_json(json.loads(path.read_text(encoding="utf-8")))


def save_approved(workspace: Workspace, story_id: str, beeld: Beeld) -> str:
    text_sha = beeld.text_sha256()
    path = workspace.story(story_id).approved_beeld(text_sha)
    if not path.exists():
        atomic_write_text(path, json.dumps(beeld.to_json(), ensure_ascii=False, indent=1))
    return text_sha


def approved_beeld(workspace: Workspace, story_id: str, text_sha256: str) -> Beeld | None:
    path = workspace.story(story_id).approved_beeld(text_sha256)
    if not path.is_file():
        return None
    beeld = Beeld.from_json(json.loads(path.read_text(encoding="utf-8")))
    return beeld if beeld.text_sha256() == text_sha256 else None
