"""Where each story's private files live inside the workspace.

workspace/
  goodwork.sqlite                    the store (stories, events, consent ledger)
  stories/<id>/original/<sha256><ext>   the recording, byte for byte (+ .sha256)
  stories/<id>/transcript/           transcript.json .txt .srt .vtt
  stories/<id>/drafts/               v1.docx, v1.beeld.json, v2...
  stories/<id>/review-cache/         the recording decoded for the review page (if needed)
  stories/<id>/returned/             every returned document, by SHA-256
  stories/<id>/approved/             approved texts, by SHA-256
  transcription-cache/               finished chunks of transcriptions under way (resume)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goodwork_pipeline.files import atomic_copy, atomic_write_text


@dataclass(frozen=True)
class StoryFiles:
    root: Path

    @property
    def original_dir(self) -> Path:
        return self.root / "original"

    @property
    def transcript_dir(self) -> Path:
        return self.root / "transcript"

    @property
    def transcript_json(self) -> Path:
        return self.transcript_dir / "transcript.json"

    @property
    def drafts_dir(self) -> Path:
        return self.root / "drafts"

    def draft_docx(self, version: int) -> Path:
        return self.drafts_dir / f"v{version}.docx"

    def draft_beeld(self, version: int) -> Path:
        return self.drafts_dir / f"v{version}.beeld.json"

    @property
    def review_cache_dir(self) -> Path:
        """The recording decoded for the review page when a browser cannot play the original
        (a copy of the recording: retention deletes it with the original)."""
        return self.root / "review-cache"

    @property
    def returned_dir(self) -> Path:
        return self.root / "returned"

    @property
    def approved_dir(self) -> Path:
        return self.root / "approved"

    def approved_beeld(self, text_sha256: str) -> Path:
        return self.approved_dir / f"{text_sha256}.json"

    def original(self) -> Path | None:
        if not self.original_dir.is_dir():
            return None
        for path in sorted(self.original_dir.iterdir()):
            if not path.name.endswith(".sha256") and not path.name.startswith("."):
                return path
        return None


class Workspace:
    def __init__(self, root: Path):
        self.root = root

    def story(self, story_id: str) -> StoryFiles:
        return StoryFiles(self.root / "stories" / story_id)

    def archive_original(self, story_id: str, source: Path, sha256: str) -> Path:
        """Keep the original byte for byte, named by its checksum, with a checksum file."""
        files = self.story(story_id)
        target = files.original_dir / f"{sha256}{source.suffix.lower()}"
        if not target.exists():
            atomic_copy(source, target, expected_sha256=sha256)
            atomic_write_text(
                target.with_name(target.name + ".sha256"), f"{sha256}  {target.name}\n"
            )
        return target
