"""Memory of a large upload and download through the file store, on both backends.

    .venv/bin/python bench/files_memory.py [--gigabytes 1] [--backends local,s3]

For each backend (the local directory; an S3 bucket on moto in server mode, its own process), a
file of `--gigabytes` is uploaded (`receive` + `keep`, what `files.service.upload` does, from a
source that makes its bytes as they are read) and then downloaded (`open` + `verified_chunks`, what
the download routes stream, SHA-256 checked), each in a fresh child process. The figure is the
child's peak RSS (`ru_maxrss` of that child alone), beside an idle child that only imported the
same modules, and the same with a file a tenth the size: flat memory means the peaks do not grow
with the file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import hashlib, json, sys, time
from pathlib import Path
from alliance.files.storage import CHUNK, LocalBlobStore, verified_chunks
from alliance.files.s3 import S3BlobStore

spec = json.loads(sys.argv[1])
if spec["backend"] == "local":
    store = LocalBlobStore(Path(spec["root"]))
else:
    import boto3
    from botocore.config import Config

    # moto assembles a completed multipart upload in its own time: a long read timeout.
    client = boto3.client("s3", endpoint_url=spec["endpoint"], region_name="us-east-1", config=Config(read_timeout=900, s3={"addressing_style": "path"}))
    store = S3BlobStore(bucket=spec["bucket"], client=client)


class Generated:
    # The file's bytes made as they are read: the source itself holds no more than a chunk.
    def __init__(self, size):
        self.left = size
        self.block = b"%PDF-1.7\n" + bytes(range(256)) * (CHUNK // 256)

    def read(self, size=-1):
        chunk = self.block[: min(size, self.left)]
        self.left -= len(chunk)
        return chunk


started = time.perf_counter()
sha256 = spec.get("sha256")
if spec["phase"] == "upload":
    with store.receive(Generated(spec["size"]), max_bytes=spec["size"], head_bytes=64 * 1024) as incoming:
        store.keep(incoming)
    sha256 = incoming.sha256
elif spec["phase"] == "download":
    total = 0
    for chunk in verified_chunks(store.open(sha256), sha256):
        total += len(chunk)
    assert total == spec["size"], total
print(json.dumps({"sha256": sha256, "seconds": time.perf_counter() - started}))
"""


def child(spec: dict[str, object]) -> tuple[dict[str, object], float]:
    """Run one phase in a fresh interpreter; its answer and its peak RSS in MiB."""
    process = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(spec)], stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"child failed ({status}): {spec}")
    return json.loads(output), usage.ru_maxrss / 1024


def measure(backend: str, size: int, base: dict[str, object]) -> dict[str, float]:
    spec = {**base, "backend": backend, "size": size}
    _, idle_rss = child({**spec, "phase": "idle"})
    uploaded, upload_rss = child({**spec, "phase": "upload"})
    downloaded, download_rss = child({**spec, "phase": "download", "sha256": uploaded["sha256"]})
    return {
        "idle_mib": idle_rss,
        "upload_mib": upload_rss,
        "download_mib": download_rss,
        "upload_s": float(uploaded["seconds"]),  # type: ignore[arg-type]
        "download_s": float(downloaded["seconds"]),  # type: ignore[arg-type]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--backends", default="local,s3")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from tests.s3_server import CREDENTIALS, moto_server

    os.environ.update(CREDENTIALS)
    size = int(args.gigabytes * 1024**3)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="alliance-files-bench-") as tmp, moto_server() as endpoint:
        import boto3

        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="alliance-bench")
        base = {"root": tmp, "bucket": "alliance-bench", "endpoint": endpoint}
        for backend in args.backends.split(","):
            for label, bytes_ in ((f"{args.gigabytes / 10:g} GB", size // 10), (f"{args.gigabytes:g} GB", size)):
                started = time.perf_counter()
                figures = measure(backend, bytes_, base)
                results[f"{backend} {label}"] = figures
                print(
                    f"{backend:5} {label:>7}: peak RSS idle {figures['idle_mib']:6.1f} MiB, upload {figures['upload_mib']:6.1f} MiB "
                    f"({figures['upload_s']:5.1f} s, {bytes_ / 2**20 / figures['upload_s']:6.1f} MiB/s), download {figures['download_mib']:6.1f} MiB "
                    f"({figures['download_s']:5.1f} s, SHA-256 verified) — {time.perf_counter() - started:.0f} s in all",
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
