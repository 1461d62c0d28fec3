"""The openai-whisper engine on the derived checkpoint: it is the bundled model, exactly.

Both engines get the same log-Mel features (openai-whisper's), the same prompt and greedy
decoding at float32. They must produce the same tokens, and the decoder's logits for the
same encoder input and token prefix must agree within 1e-3 at every step. (Beam search is
not compared token for token: the two libraries implement it differently, e.g. when a beam
counts as finished, so equal weights need not give equal beams.)
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import ctranslate2
import numpy as np
import pytest
from helpers import IN_CI, SHARED_SPEECH, require_tool

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.intake.recording import load_audio
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.testing.samples import SAMPLE_CONVERSATION, Turn, synthesize
from goodwork_pipeline.transcription.engine import TranscribeOptions, make_transcriber
from goodwork_pipeline.transcription.engines.ct2_to_openai import (
    checkpoint_path,
    derived_checkpoint,
)
from goodwork_pipeline.transcription.whisper_model import BUNDLED_SHA256, bundled_model_dir

pytestmark = [pytest.mark.openai, pytest.mark.slow]

# CI installs the extra: there its absence is a failure, not a skip. (Look, do not import:
# PyTorch must first be loaded the engine's way.)
if importlib.util.find_spec("whisper") is None and not IN_CI:
    pytest.skip("the extra: pip install torch==2.13.0 '.[openai]'", allow_module_level=True)

from goodwork_pipeline.transcription.engines.openai_whisper import (  # noqa: E402
    OpenAICheckpoint,
    OpenAIWhisperTranscriber,
    import_torch,
    load_openai_model,
    resolve_checkpoint,
)

torch = import_torch()  # as the engine loads it: OpenMP threads that do not spin
import whisper  # noqa: E402

LOGIT_TOLERANCE = 1e-3
SUPPRESSED = -1e30  # CTranslate2 reports suppressed tokens as the lowest float


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Turn]]:
    """The first four turns of the sample interview (about 38 s), spoken by espeak-ng."""
    require_tool("espeak-ng")
    path = tmp_path_factory.mktemp("openai") / "begin.wav"
    return path, synthesize(SAMPLE_CONVERSATION[:4], path)


@pytest.fixture(scope="module")
def short_conversation(spoken: tuple[Path, list[Turn]]) -> Path:
    return spoken[0]


@pytest.fixture(scope="module")
def engines(model_cache: Path) -> tuple:
    """openai-whisper on the derived checkpoint, and CTranslate2 on the source, at float32."""
    folder = bundled_model_dir(model_cache)
    checkpoint = derived_checkpoint(folder, model_cache, source_sha256=BUNDLED_SHA256)
    torch.set_num_threads(2)
    reference = load_openai_model(OpenAICheckpoint(checkpoint, label="base"))
    ct2 = ctranslate2.models.Whisper(
        str(folder), device="cpu", compute_type="float32", intra_threads=2
    )
    return reference, ct2


def _windows(path: Path) -> list[np.ndarray]:
    """30-second log-Mel windows, as openai-whisper computes them."""
    audio = load_audio(path, min_duration=0).mono().astype(np.float32)
    starts = range(0, max(1, len(audio) - 16000 * 5), 16000 * 30)
    return [
        whisper.log_mel_spectrogram(whisper.pad_or_trim(audio[s : s + 16000 * 30])).numpy()
        for s in starts
    ]


def _compare(engines: tuple, mel: np.ndarray, *, timestamps: bool) -> tuple[list, list, float]:
    reference, ct2 = engines
    tokenizer = whisper.tokenizer.get_tokenizer(True, language="nl", task="transcribe")
    prompt = list(
        tokenizer.sot_sequence if timestamps else tokenizer.sot_sequence_including_notimestamps
    )
    features = ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None]))
    result = ct2.generate(features, [prompt], beam_size=1, return_logits_vocab=True)[0]
    ct2_tokens = list(result.sequences_ids[0])
    ct2_logits = np.concatenate([np.array(s).reshape(-1) for s in result.logits])
    ct2_logits = ct2_logits.reshape(-1, reference.dims.n_vocab)

    options = whisper.DecodingOptions(
        language="nl", without_timestamps=not timestamps, fp16=False, temperature=0.0
    )
    with torch.inference_mode():
        decoded = whisper.decode(reference, torch.from_numpy(mel), options)
        audio_features = reference.embed_audio(torch.from_numpy(mel[None]))
        # The logits for the same encoder input and token prefix, every step at once.
        sequence = torch.tensor([prompt + ct2_tokens])
        logits = reference.logits(sequence, audio_features)[0, len(prompt) - 1 :].numpy()
    assert ct2_logits.shape == logits.shape  # one row per generated token, and the end
    allowed = ct2_logits > SUPPRESSED
    difference = float(np.abs(ct2_logits - logits)[allowed].max())
    return ct2_tokens, decoded.tokens, difference


def _speech_clip() -> Path:
    clip = SHARED_SPEECH / "audio" / "nl_nathalie_01.wav"
    if not clip.is_file():
        pytest.skip(f"real Dutch speech not found at {SHARED_SPEECH} (optional)")
    return clip


@pytest.mark.parametrize("timestamps", [False, True], ids=["text", "timestamps"])
def test_same_tokens_and_logits_as_ctranslate2_on_espeak(
    engines: tuple, short_conversation: Path, timestamps: bool
) -> None:
    windows = _windows(short_conversation)
    assert len(windows) == 2
    for mel in windows:
        ct2_tokens, openai_tokens, difference = _compare(engines, mel, timestamps=timestamps)
        assert len(ct2_tokens) > 5
        assert openai_tokens == ct2_tokens
        assert difference < LOGIT_TOLERANCE


def test_same_tokens_and_logits_as_ctranslate2_on_real_speech(engines: tuple) -> None:
    (mel,) = _windows(_speech_clip())
    ct2_tokens, openai_tokens, difference = _compare(engines, mel, timestamps=True)
    assert len(ct2_tokens) > 40
    assert openai_tokens == ct2_tokens
    assert difference < LOGIT_TOLERANCE


def test_same_encoder_output(engines: tuple, short_conversation: Path) -> None:
    reference, ct2 = engines
    mel = _windows(short_conversation)[0]
    features = ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None]))
    ct2_out = np.array(ct2.encode(features, to_cpu=True))
    with torch.inference_mode():
        openai_out = reference.embed_audio(torch.from_numpy(mel[None])).numpy()
    # Activations reach ~20 here; float32 summation order differs between the libraries.
    np.testing.assert_allclose(ct2_out, openai_out, atol=2e-3, rtol=0)


def test_the_tokenizers_agree(model_cache: Path) -> None:
    """CTranslate2's vocabulary (GPT-2 byte symbols) spells every id as tiktoken does."""
    text = (bundled_model_dir(model_cache) / "vocabulary.txt").read_text(encoding="utf-8")
    vocabulary = text.removesuffix("\n").split("\n")
    encoding = whisper.tokenizer.get_tokenizer(True).encoding
    assert len(vocabulary) == encoding.n_vocab == 51865
    specials = {token_id: name for name, token_id in encoding._special_tokens.items()}
    renamed = {"<|nocaptions|>": "<|nospeech|>"}  # openai-whisper's later name, same id
    table = _gpt2_symbols()
    for token_id, symbol in enumerate(vocabulary):
        if token_id in specials:
            assert renamed.get(symbol, symbol) == specials[token_id]
        else:
            spelled = bytes(table[ch] for ch in symbol)
            assert spelled == encoding.decode_single_token_bytes(token_id), token_id


def _gpt2_symbols() -> dict[str, int]:
    """GPT-2's byte-to-symbol table, inverted (a token may hold part of a UTF-8 sequence)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    table, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            table[chr(byte)] = byte
        else:
            table[chr(256 + extra)] = byte
            extra += 1
    return table


def test_the_engine_transcribes_a_conversation_with_word_timings(
    settings: Settings, spoken: tuple[Path, list[Turn]]
) -> None:
    engine = make_transcriber(settings.model_copy(update={"engine": "openai-whisper"}))
    assert isinstance(engine, OpenAIWhisperTranscriber)
    assert engine.engine == "openai-whisper" and engine.model == "base (bundled)"
    path, turns = spoken
    question, answer = turns[0], turns[1]  # the first question and the first answer
    samples = load_audio(path).mono()[: int((answer.end + 0.5) * 16000)]
    segments = engine.transcribe(samples, TranscribeOptions(language="nl", beam_size=5))
    text = " ".join(s.text for s in segments).lower()
    assert "goedemiddag" in text and "werk" in text
    words = [w for s in segments for w in s.words]
    assert len(words) >= 12
    assert all(0 <= w.start <= w.end <= answer.end + 0.6 for w in words)
    assert [w.start for w in words] == sorted(w.start for w in words)
    # Times are the recording's: the answer's words start after the question has ended,
    # across the pause that voice activity detection cut out.
    assert any(w.start >= question.end for w in words)
    assert words[0].start < question.start + 1.5


def test_the_derived_checkpoint_is_cached_and_a_damaged_one_rebuilt(
    tmp_path: Path, model_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = bundled_model_dir(model_cache)
    first = derived_checkpoint(folder, tmp_path, source_sha256=BUNDLED_SHA256)
    assert first == checkpoint_path(tmp_path, BUNDLED_SHA256)
    stamp = first.stat().st_mtime_ns
    assert derived_checkpoint(folder, tmp_path) == first  # hashes model.bin itself
    assert first.stat().st_mtime_ns == stamp  # not converted again
    with first.open("r+b") as handle:
        handle.seek(first.stat().st_size // 2)
        handle.write(b"bitrot")
    rebuilt = derived_checkpoint(folder, tmp_path, source_sha256=BUNDLED_SHA256)
    assert "damaged" in caplog.text
    assert load_openai_model(OpenAICheckpoint(rebuilt, label="base")).dims.n_vocab == 51865
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".goodwork-tmp-")]


def test_official_names_are_used_only_from_the_local_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(ModelError, match=r"not in its cache.*does not download"):
        resolve_checkpoint("tiny", base_dir=tmp_path, cache_dir=tmp_path)
    (tmp_path / "whisper").mkdir()
    (tmp_path / "whisper" / "tiny.pt").write_bytes(b"not the real checkpoint")
    with pytest.raises(ModelError, match="does not match the published SHA-256"):
        resolve_checkpoint("tiny", base_dir=tmp_path, cache_dir=tmp_path)
    with pytest.raises(ModelError, match="Unknown Whisper model 'tiniest'"):
        resolve_checkpoint("tiniest", base_dir=tmp_path, cache_dir=tmp_path)
    with pytest.raises(ModelError, match="neither an openai-whisper checkpoint"):
        resolve_checkpoint("./nothing-here", base_dir=tmp_path, cache_dir=tmp_path)


def test_a_ctranslate2_folder_or_a_checkpoint_path_loads(tmp_path: Path, model_cache: Path) -> None:
    folder = bundled_model_dir(model_cache)
    from_folder = resolve_checkpoint(str(folder), base_dir=tmp_path, cache_dir=tmp_path)
    assert from_folder.path == checkpoint_path(tmp_path, BUNDLED_SHA256)
    from_file = resolve_checkpoint(str(from_folder.path), base_dir=tmp_path, cache_dir=tmp_path)
    assert from_file.path == from_folder.path


def test_without_the_extra_the_message_says_how_to_install(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "whisper", None)  # as if openai-whisper were absent
    with pytest.raises(ModelError, match=r"pip install torch==2\.13\.0"):
        make_transcriber(settings.model_copy(update={"engine": "openai-whisper"}))


@pytest.mark.parametrize("preset", [None, "ACTIVE"])
def test_pytorch_threads_wait_passively_unless_the_operator_says_otherwise(
    preset: str | None,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if preset:
        env["OMP_WAIT_POLICY"] = preset
    code = (
        "import os; "
        "from goodwork_pipeline.transcription.engines.openai_whisper import import_torch; "
        "import_torch(); print(os.environ['OMP_WAIT_POLICY'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == (preset or "PASSIVE")
