"""Scan results as Parquet: relevant crawl records with their provenance, for a later ingest.

A distributed scan (or ``redefection scan --parquet OUT``) writes here instead
of a database; ``redefection scan OUT.parquet --db URL`` later reads the rows
back as captures, runs the pipeline on them and stores them. A row holds the
record's bytes and provenance, so the documents are rebuilt by the code of the
day; the document columns (title, language, cues) are there for a quick look
in pandas or DuckDB. Needs pyarrow (the ``[dask]`` extra).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC
from typing import TYPE_CHECKING, Any

from ..errors import SourceError
from ..records import Capture, Document
from .files import InputFailure
from .warc import ReadStats, parse_source

if TYPE_CHECKING:
    import pyarrow

ROWS_PER_GROUP = 1000  # rows buffered before a row group is written: bounded memory, few small groups
COLUMNS = (
    "source", "archive", "record_id", "offset", "uri", "fetched_at", "content_type", "headers_json", "sha256",
    "data", "title", "language", "published", "relevance_cues",
)  # fmt: skip


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SourceError("parquet", "pyarrow is not installed: pip install 'redefection[dask]'") from exc
    return pyarrow


def schema() -> pyarrow.Schema:
    """The Parquet schema of scan results."""
    pa = _pyarrow()
    return pa.schema(
        [
            ("source", pa.string()),
            ("archive", pa.string()),
            ("record_id", pa.string()),
            ("offset", pa.int64()),
            ("uri", pa.string()),
            ("fetched_at", pa.timestamp("us", tz="UTC")),
            ("content_type", pa.string()),
            ("headers_json", pa.string()),
            ("sha256", pa.string()),
            ("data", pa.binary()),
            ("title", pa.string()),
            ("language", pa.string()),
            ("published", pa.date32()),
            ("relevance_cues", pa.list_(pa.string())),
        ]
    )


def row(capture: Capture, document: Document) -> dict[str, Any]:
    """One Parquet row for a relevant capture and its document."""
    archive, record_id, offset = parse_source(capture.source) or (capture.source, None, None)
    return {
        "source": capture.source,
        "archive": archive,
        "record_id": record_id,
        "offset": offset,
        "uri": capture.uri,
        "fetched_at": capture.fetched_at,
        "content_type": capture.content_type,
        "headers_json": json.dumps(capture.headers, ensure_ascii=False),
        "sha256": capture.sha256,
        "data": capture.data,
        "title": document.article.title,
        "language": document.language,
        "published": document.article.published,
        "relevance_cues": list(document.relevance_cues),
    }


class ParquetWriter:
    """Append rows to one Parquet file (a local path or an fsspec URL), a row group at a time."""

    def __init__(self, url: str) -> None:
        pa = _pyarrow()
        self.url = url
        self._rows: list[dict[str, Any]] = []
        self._schema = schema()
        try:
            import fsspec

            self._file: Any = fsspec.open(url, "wb").open()
            self._writer: Any = pa.parquet.ParquetWriter(self._file, self._schema)
        except (OSError, ValueError) as exc:
            raise SourceError(url, f"cannot write Parquet here: {exc}") from exc

    def write(self, capture: Capture, document: Document) -> None:
        """Add one relevant record."""
        self._rows.append(row(capture, document))
        if len(self._rows) >= ROWS_PER_GROUP:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as a row group."""
        if self._rows:
            pa = _pyarrow()
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def close(self) -> None:
        """Write what is left and close the file (an empty scan still leaves a valid, empty file)."""
        self.flush()
        self._writer.close()
        self._file.close()


def iter_parquet(url: str, stats: ReadStats | None = None) -> Iterator[Capture | InputFailure]:
    """Yield the captures stored in a scan-results Parquet file, a row group at a time."""
    pa = _pyarrow()
    try:
        import fsspec

        with fsspec.open(url, "rb") as handle:
            reader = pa.parquet.ParquetFile(handle)
            for group in range(reader.num_row_groups):
                for item in reader.read_row_group(group).to_pylist():
                    if stats is not None:
                        stats.records += 1
                        stats.bytes += len(item["data"] or b"")
                    yield _capture(item)
    except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
        yield InputFailure(url, SourceError(url, f"cannot read scan results: {exc}"))


def _capture(item: dict[str, Any]) -> Capture:
    fetched = item["fetched_at"]
    return Capture(
        source=item["source"],
        data=item["data"],
        content_type=item["content_type"],
        fetched_at=fetched.astimezone(UTC) if fetched is not None else None,
        headers=tuple((str(k), str(v)) for k, v in json.loads(item["headers_json"] or "[]")),
        uri=item["uri"],
    )


__all__ = ["COLUMNS", "ParquetWriter", "iter_parquet", "row", "schema"]
