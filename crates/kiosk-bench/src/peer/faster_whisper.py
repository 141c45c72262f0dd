# The faster-whisper side of `kiosk bench asr` (see peer.rs). JSON lines:
# the first line in is the set-up {"model_dir", "compute_type", "threads",
# "beam_size"}, answered by {"version", "ctranslate2", "load_seconds"};
# then each line in is {"path", "lang"} (lang may be null), answered by
# {"seconds", "text", "lang"} for one timed transcription. Ends at EOF.
import json
import os
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"
import ctranslate2  # noqa: E402
import faster_whisper  # noqa: E402
from faster_whisper import WhisperModel  # noqa: E402
from faster_whisper.audio import decode_audio  # noqa: E402


def answer(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


setup = json.loads(sys.stdin.readline())
started = time.perf_counter()
model = WhisperModel(
    setup["model_dir"],
    device="cpu",
    compute_type=setup["compute_type"],
    cpu_threads=setup["threads"],
    num_workers=1,
    local_files_only=True,
)
answer(
    {
        "version": faster_whisper.__version__,
        "ctranslate2": ctranslate2.__version__,
        "load_seconds": time.perf_counter() - started,
    }
)
audio_cache = {}
for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    path = request["path"]
    if path not in audio_cache:
        audio_cache[path] = decode_audio(path, sampling_rate=16000)
    t = time.perf_counter()
    segments, info = model.transcribe(
        audio_cache[path], language=request.get("lang"), beam_size=setup["beam_size"]
    )
    text = "".join(s.text for s in segments).strip()
    answer({"seconds": time.perf_counter() - t, "text": text, "lang": info.language})
