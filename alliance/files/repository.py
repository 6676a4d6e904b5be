from __future__ import annotations

from alliance.files.models import StoredFile
from alliance.kit.repository import Repository


class FileRepository(Repository[StoredFile]):
    model = StoredFile
