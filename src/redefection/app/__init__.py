"""The analysts' use cases, shared by the command line (``cli/``) and the web app (``web/``).

Each module is one use case over the pipeline and the store; the CLI and the
web app parse, call one of these, and present the result:

- ``ingest``: ``ingest_paths``, ``ingest_captures``, ``extract_paths``, ``IngestReport``;
- ``syndication``: ``assign_syndication``, ``list_duplicates`` (clusters of copies);
- ``scanning``: ``scan_paths`` (crawl archives through ``redefection.scan``);
- ``cases``: ``resolve_cases``, ``decide_cases`` (people's merges and splits);
- ``rebuild``: ``CaseRebuilder`` (coalesced case rebuilds for long-running processes);
- ``review``: fact edits, re-extraction, merge and split with an audit trail;
- ``browse``: the read queries of the pages and the API, and the public view;
- ``dashboard``: the dashboard's figures and charts;
- ``accounts``: users, passwords, sessions, API tokens;
- ``redaction``, ``redaction_names``: what the public may see of a case;
- ``export``, ``public_export``: ``export_data`` and its JSON / CSV writers, full and public;
- ``evaluate``: the extraction scored against what editors reviewed.

Nothing is re-exported here: the store and NumPy load only with the use cases that need them.
"""
