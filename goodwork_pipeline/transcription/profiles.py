"""Interviewer voice profiles: a voiceprint (never the audio) per interviewer, in the workspace.

``goodwork interviewer add NAME FILE`` embeds the speech in a recording of that interviewer
alone (Resemblyzer's voice model, ``voice_encoder.py``) and keeps the 256 numbers, the model's
checksum and how much speech they came from in ``workspace/voice-profiles/<name>.json``.
A profile is personal data: it stays in the workspace (never in outbox/) and ``goodwork
interviewer remove NAME`` deletes it.

In a mono recording, a profile decides which voice is the interviewer: the one the sidecar's
``interviewer:`` names (when its profile is like one of the voices at all), or any profile that
matches one voice clearly (``PROFILE_MATCH``, and clearly better than the other voices).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from goodwork_pipeline.errors import InputError, ProfileError
from goodwork_pipeline.files import atomic_write_text

FOLDER = "voice-profiles"
MIN_PROFILE_SPEECH_S = 8.0  # at least this much speech makes a steady voiceprint
ONE_VOICE = 0.65  # most windows of a one-person recording are this close to its mean
NAMED_MATCH = 0.55  # the sidecar names the interviewer: a voice this alike is theirs
PROFILE_MATCH = 0.80  # no name: a voice this alike, and
PROFILE_MARGIN = 0.10  # this much more alike than any other voice, is the interviewer


@dataclass(frozen=True)
class Profile:
    name: str
    embedding: np.ndarray
    speech_s: float
    model: str
    created: str

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "embedding": [round(float(x), 6) for x in self.embedding],
            "speech_s": round(self.speech_s, 1),
            "model": self.model,
            "created": self.created,
        }


def profiles_dir(workspace: Path) -> Path:
    return workspace / FOLDER


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if not slug:
        raise ProfileError(
            f"'{name}' cannot be used as an interviewer's name: give letters or digits.",
            nl=f"'{name}' kan niet als naam van een interviewer: gebruik letters of cijfers.",
        )
    return slug


def profile_path(workspace: Path, name: str) -> Path:
    return profiles_dir(workspace) / f"{_slug(name)}.json"


def make_profile(name: str, recording: Path, *, threads: int = 2) -> Profile:
    """A voiceprint of the one person speaking in ``recording``."""
    from goodwork_pipeline.intake.recording import load_audio
    from goodwork_pipeline.intake.vad import speech_spans
    from goodwork_pipeline.transcription.voice_encoder import WEIGHTS_SHA256, shared_encoder

    _slug(name)
    audio = load_audio(recording)
    spans = speech_spans(audio)
    speech = [audio.mono(span.start, span.end) for span in spans]
    seconds = sum(len(s) for s in speech) / 16000
    if seconds < MIN_PROFILE_SPEECH_S:
        raise InputError(
            f"{recording} holds {seconds:.1f} s of speech; a voice profile needs at least "
            f"{MIN_PROFILE_SPEECH_S:.0f} s of the interviewer speaking alone.",
            nl=f"{recording} bevat {seconds:.1f} s spraak; een stemprofiel heeft minstens "
            f"{MIN_PROFILE_SPEECH_S:.0f} s nodig waarin alleen de interviewer spreekt.",
            path=recording,
        )
    encoder = shared_encoder(threads)
    from goodwork_pipeline.transcription.voice_encoder import mel_spectrogram, partial_slices

    wav = np.concatenate(speech)
    mel = mel_spectrogram(wav)
    windows = [mel[a:b] for a, b in partial_slices(len(wav)) if b <= len(mel)]
    partials = encoder.embed_partials(windows)
    mean = partials.mean(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-12)
    if float(np.median(partials @ mean)) < ONE_VOICE:
        raise InputError(
            f"{recording} does not sound like one person speaking: record the interviewer "
            "alone (for example reading a page aloud for a minute).",
            nl=f"{recording} klinkt niet als één spreker: neem de interviewer alleen op "
            "(bijvoorbeeld een minuut voorlezen).",
            path=recording,
        )
    return Profile(
        name.strip(),
        mean,
        seconds,
        WEIGHTS_SHA256[:16],
        datetime.now(UTC).isoformat(timespec="seconds"),
    )


def save_profile(workspace: Path, profile: Profile) -> Path:
    path = profile_path(workspace, profile.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(profile.to_json(), indent=1) + "\n")
    return path


def load_profiles(workspace: Path) -> dict[str, Profile]:
    """Every stored profile made with this voice model (others are skipped: not comparable)."""
    from goodwork_pipeline.transcription.voice_encoder import WEIGHTS_SHA256

    profiles: dict[str, Profile] = {}
    folder = profiles_dir(workspace)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            embedding = np.asarray(data["embedding"], dtype=np.float32)
            profile = Profile(
                str(data["name"]),
                embedding / max(float(np.linalg.norm(embedding)), 1e-12),
                float(data.get("speech_s", 0.0)),
                str(data.get("model", "")),
                str(data.get("created", "")),
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(
                f"Voice profile {path} is damaged ({error}); remove it with 'goodwork "
                "interviewer remove' and add it again.",
                nl=f"Stemprofiel {path} is beschadigd; verwijder het en voeg het opnieuw toe.",
                path=path,
            ) from error
        if profile.model == WEIGHTS_SHA256[:16] and profile.embedding.shape == (256,):
            profiles[profile.name] = profile
    return profiles


def remove_profile(workspace: Path, name: str) -> Path:
    """Delete interviewer ``name``'s profile; a ``ProfileError`` when there is none."""
    path = profile_path(workspace, name)
    if not path.is_file():
        raise ProfileError(
            f"There is no voice profile named '{name}' (see: goodwork interviewer list).",
            nl=f"Er is geen stemprofiel met de naam '{name}' (zie: goodwork interviewer list).",
        )
    path.unlink()
    return path


def match_profile(
    centroids: np.ndarray, profiles: Mapping[str, np.ndarray], *, named: str | None = None
) -> tuple[int, str] | None:
    """(voice, profile name) of the interviewer, or None when no profile decides."""
    if not len(profiles) or len(centroids) < 2:
        return None
    if named:
        for name, embedding in profiles.items():
            if name.strip().lower() == named.strip().lower():
                similarity = centroids @ embedding
                best = int(np.argmax(similarity))
                if similarity[best] >= NAMED_MATCH:
                    return best, name
    best_match: tuple[float, int, str] | None = None
    for name, embedding in profiles.items():
        similarity = np.sort(centroids @ embedding)[::-1]
        voice = int(np.argmax(centroids @ embedding))
        clear = similarity[0] >= PROFILE_MATCH and similarity[0] - similarity[1] >= PROFILE_MARGIN
        if clear and (best_match is None or similarity[0] > best_match[0]):
            best_match = (float(similarity[0]), voice, name)
    return (best_match[1], best_match[2]) if best_match else None
