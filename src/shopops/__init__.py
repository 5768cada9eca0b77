"""shopops: an operations cockpit for online shops.

The package follows the data's way: ``ingest`` (formats → normalise → validate → stage) → ``warehouse``
(workspace, schema, merge) → ``metrics`` → ``diagnose`` → ``act`` → ``report`` / ``web`` / ``cli``.
Imports only flow that way; ``schema`` and ``errors`` are shared by all stages.
"""

__version__ = "0.1.0"
