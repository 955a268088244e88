"""Crawl scanning: find the relevant records in crawl archives (WARC, WARC.gz, scan-results Parquet).

The flow: ``tasks.plan`` cuts each archive into byte-range tasks; a worker (a
process per core, or a Dask cluster) reads its range, keeps the records whose
raw bytes pass the ``prefilter`` (defector + return words in several encodings),
runs the pipeline over them, and hands the relevant ones to a sink (``sinks``:
the store, or a Parquet file). `redefection scan` reaches it through
``app.scanning.scan_paths``.

Modules (nothing is re-exported here, so loading one part never loads the others):

- ``tasks``: ``scan``, ``plan``, ``scan_task``, ``ScanTask``, ``ScanReport``, ``ScanSink``, ``Executor``;
- ``prefilter``: ``build_prefilter`` (Hyperscan or Aho-Corasick over ``data/lexicon/prefilter.toml``);
- ``sinks``: ``StoreSink``, ``ParquetSink``;
- ``dask_executor``: ``dask_executor(address)``, the [dask] extra.
"""
