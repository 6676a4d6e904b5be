"""The S3-compatible file store (AWS S3, MinIO, Ceph, ...): blobs are objects named by their
SHA-256 in one bucket. An upload streams to a temporary object part by part (a multipart upload:
one part in memory at a time), hashed on the way; once its kind is accepted it is copied under its
digest on the server side and the temporary object is deleted. A failed or refused upload aborts
its multipart upload: nothing is left behind. Credentials come from boto3's standard chain
(environment, shared files, instance or container role), never from Alliance's settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from alliance.files.storage import CHUNK, Incoming, Tally

# S3 parts are at least 5 MiB (the last aside); 8 MiB is boto3's own default part size.
PART_BYTES = 8 * 1024 * 1024


class S3BlobStore:
    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        path_style: bool = False,
        presign_seconds: int | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.presign_seconds = presign_seconds
        self.client = client or boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path" if path_style else "auto"}, retries={"mode": "standard"}),
        )

    def key(self, sha256: str) -> str:
        return f"{self.prefix}blobs/{sha256[:2]}/{sha256}"

    @contextmanager
    def receive(self, source: BinaryIO, *, max_bytes: int, head_bytes: int) -> Iterator[Incoming]:
        """Stream `source` to a temporary object, hashing as it goes; TooLarge past `max_bytes`
        (the upload is aborted, nothing kept). The temporary object is gone when the block ends."""
        tally = Tally(max_bytes=max_bytes, head_bytes=head_bytes)
        key = f"{self.prefix}incoming/{uuid.uuid4().hex}"
        try:
            self._upload(source, tally, key)
            yield tally.incoming(key)
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def _upload(self, source: BinaryIO, tally: Tally, key: str) -> None:
        part = _part(source, tally)
        if len(part) < PART_BYTES:  # the whole file fits in one part: one plain PUT
            self.client.put_object(Bucket=self.bucket, Key=key, Body=part)
            return
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            parts: list[dict[str, Any]] = []
            while part:
                number = len(parts) + 1
                answer = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=part)
                parts.append({"PartNumber": number, "ETag": answer["ETag"]})
                del part  # before the next is read: one part in memory, never two
                part = _part(source, tally)
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise

    def keep(self, incoming: Incoming) -> None:
        """Copy the received object under its digest (nothing to do when that content is stored);
        the copy happens in the store (multipart past 8 MiB), nothing passes through Alliance."""
        if self.exists(incoming.sha256):
            return
        self.client.copy(
            {"Bucket": self.bucket, "Key": incoming.location},
            self.bucket,
            self.key(incoming.sha256),
            ExtraArgs={"Metadata": {"sha256": incoming.sha256}},
        )

    def open(self, sha256: str) -> BinaryIO:
        return cast(BinaryIO, _Body(self.client, self.bucket, self.key(sha256)))

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def download_url(self, sha256: str, *, filename: str, content_type: str, disposition: str) -> str | None:
        """A presigned GET valid `presign_seconds`, whose answer carries the disposition, type
        and no-store caching given here (S3's response-* overrides); None when not configured."""
        if self.presign_seconds is None:
            return None
        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": self.key(sha256),
                    "ResponseContentDisposition": disposition,
                    "ResponseContentType": content_type,
                    "ResponseCacheControl": "private, no-store",
                },
                ExpiresIn=self.presign_seconds,
            )
        )


def _part(source: BinaryIO, tally: Tally) -> bytearray:
    """The next part of `source`, filled into one buffer allocated at its full size (growing it
    would briefly hold two)."""
    part = bytearray(PART_BYTES)
    filled = 0
    while filled < PART_BYTES and (chunk := tally.read(source, min(CHUNK, PART_BYTES - filled))):
        part[filled : filled + len(chunk)] = chunk
        filled += len(chunk)
    del part[filled:]
    return part


class _Body:
    """An object's content read as a file: the GET is sent on the first read (so a download answered
    with a presigned URL never fetches it) and its body streamed (never read whole)."""

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._stream: Any = None

    def read(self, size: int = -1) -> bytes:
        if self._stream is None:
            self._stream = self._client.get_object(Bucket=self._bucket, Key=self._key)["Body"]
        return bytes(self._stream.read(None if size < 0 else size))

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()

    def __enter__(self) -> _Body:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
