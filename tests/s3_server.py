"""A real S3-compatible server run locally: moto in server mode, in its own process (so what it
holds never counts as ours when memory is measured), on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# boto3's standard chain reads these; moto accepts any.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def moto_server(timeout: float = 60.0) -> Iterator[str]:
    """Start `moto_server` and yield its endpoint URL once it answers; stopped on exit."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **CREDENTIALS},
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start on port {port}") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class S3Target:
    endpoint_url: str
    bucket: str

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name="us-east-1")

    def settings(self, prefix: str, *, presigned: bool = False) -> dict[str, Any]:
        """Settings fields that select this bucket as the file store, under `prefix`."""
        return {
            "file_store": "s3",
            "file_store_s3_bucket": self.bucket,
            "file_store_s3_prefix": prefix,
            "file_store_s3_endpoint_url": self.endpoint_url,
            "file_store_s3_region": "us-east-1",
            "file_store_s3_path_style": True,
            "file_store_s3_presigned_downloads": presigned,
        }

    def keys(self, prefix: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return [item["Key"] for item in listed.get("Contents", [])]

    def open_uploads(self, prefix: str) -> list[str]:
        listed = self.client().list_multipart_uploads(Bucket=self.bucket, Prefix=prefix)
        return [item["Key"] for item in listed.get("Uploads", [])]
