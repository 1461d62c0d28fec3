"""The voice model: weights checked and read without PyTorch, and embeddings equal to
Resemblyzer's own ``VoiceEncoder`` (PyTorch) within 1e-4 on real and project-made speech."""

from __future__ import annotations

import importlib.util
import pickle
import sys
import types
import wave
from pathlib import Path

import numpy as np
import pytest

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.testing import samples
from goodwork_pipeline.transcription.torch_checkpoint import read_legacy_checkpoint
from goodwork_pipeline.transcription.voice_encoder import (
    VoiceEncoder,
    load_state,
    mel_spectrogram,
    partial_slices,
    weights_path,
)

SHARED_VOICES = Path(__file__).resolve().parents[1].parent / "shared" / "voices" / "audio"


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        assert clip.getframerate() == 16000 and clip.getnchannels() == 1
        return np.frombuffer(clip.readframes(clip.getnframes()), np.int16) / 32768.0


@pytest.fixture(scope="module")
def encoder() -> VoiceEncoder:
    return VoiceEncoder()


def espeak_clip(text: str, role: str) -> np.ndarray:
    """Speech the project makes itself (espeak-ng), at 16 kHz."""
    if not samples.espeak_available():
        pytest.skip("espeak-ng not installed")
    pcm, rate = samples.speak(text, role)
    t = np.arange(int(len(pcm) * 16000 / rate)) / 16000
    return np.interp(t, np.arange(len(pcm)) / rate, pcm / 32768.0).astype(np.float32)


def test_a_damaged_weights_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "pretrained.pt"
    data = bytearray(weights_path().read_bytes())
    data[len(data) // 2] ^= 1
    copy.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="failed its checksum"):
        load_state(copy)


def test_the_checkpoint_reader_runs_no_code(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self):
            return (print, ("owned",))

    path = tmp_path / "evil.pt"
    with path.open("wb") as out:
        for part in (0x1950A86A20F9469CFC6C, 1001, {}):
            pickle.dump(part, out, protocol=2)
        pickle.dump({"model_state": Evil()}, out, protocol=2)
    with pytest.raises(ModelError, match=r"print, which is not allowed"):
        read_legacy_checkpoint(path)


def test_project_made_speech_gets_a_stable_unit_voiceprint(encoder: VoiceEncoder) -> None:
    """Through the real model on audio the project makes (espeak-ng): plumbing, not quality."""
    wav = espeak_clip("Wat heb je toen gedaan, en waarom?", samples.INTERVIEWER)
    first, second = encoder.embed_utterance(wav), encoder.embed_utterance(wav)
    assert first.shape == (256,) and first.dtype == np.float32
    assert np.allclose(first, second) and abs(np.linalg.norm(first) - 1) < 1e-5
    assert (first >= 0).all()  # after the ReLU


def _reference_encoder(monkeypatch: pytest.MonkeyPatch):
    """Resemblyzer's own VoiceEncoder class (PyTorch), from the installed wheel's source.

    Its package __init__ imports librosa and webrtcvad for file loading and silence trimming,
    which embed_utterance does not use; when they are absent, the package is loaded without
    them and ``audio.wav_to_mel_spectrogram`` is ours (compared with librosa separately)."""
    pytest.importorskip("torch")
    folder = weights_path().parent
    if importlib.util.find_spec("librosa") is None or importlib.util.find_spec("webrtcvad") is None:
        package = types.ModuleType("resemblyzer")
        package.__path__ = [str(folder)]
        audio = types.ModuleType("resemblyzer.audio")
        audio.wav_to_mel_spectrogram = mel_spectrogram
        monkeypatch.setitem(sys.modules, "resemblyzer", package)
        monkeypatch.setitem(sys.modules, "resemblyzer.audio", audio)
        package.audio = audio
    for name in ("hparams", "voice_encoder"):
        spec = importlib.util.spec_from_file_location(f"resemblyzer.{name}", folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, f"resemblyzer.{name}", module)
        spec.loader.exec_module(module)
    return sys.modules["resemblyzer.voice_encoder"].VoiceEncoder(device="cpu", verbose=False)


def _real_clips() -> list[Path]:
    return sorted(SHARED_VOICES.glob("*.wav"))[:2] if SHARED_VOICES.is_dir() else []


@pytest.mark.openai
def test_embeddings_equal_resemblyzer_within_1e4(
    encoder: VoiceEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _reference_encoder(monkeypatch)
    wavs = [espeak_clip("Ik werk al twaalf jaar in de ouderenzorg.", samples.PARTICIPANT)]
    wavs += [read_wav(path).astype(np.float32) for path in _real_clips()]
    if len(wavs) == 1:
        print("real speech not found: only the project-made clip is compared")
    for wav in wavs:
        for piece in (wav, wav[: 16000 * 7 // 10]):  # whole, and a short 'ja'-sized piece
            ours = encoder.embed_utterance(piece)
            theirs = reference.embed_utterance(piece)
            assert np.abs(ours - theirs).max() < 1e-4


def test_partial_windows_as_resemblyzer() -> None:
    # 1.6 s windows every 0.77 s; the last kept only when 75 % of it is audio
    assert partial_slices(16000) == [(0, 160)]
    assert partial_slices(40000) == [(0, 160), (77, 237)]  # the third: 60 % audio
    assert partial_slices(16000 * 3) == [(0, 160), (77, 237), (154, 314)]


def test_front_end_equals_librosa() -> None:
    librosa = pytest.importorskip("librosa")
    rng = np.random.default_rng(3)
    wav = (rng.standard_normal(16000 * 2) * 0.1).astype(np.float32)
    theirs = librosa.feature.melspectrogram(y=wav, sr=16000, n_fft=400, hop_length=160, n_mels=40).T
    ours = mel_spectrogram(wav)
    assert ours.shape == theirs.shape
    assert np.allclose(ours, theirs, rtol=1e-4, atol=1e-6 * float(theirs.max()))
