"""WSGI entry point: gunicorn wsgi:app, or flask --app wsgi run."""

import gc

from audit_app import create_app
from audit_app.gc_pauses import freeze_when_warm

app = create_app()

# Everything loaded so far (libraries, the app, its framework) lives as long as the
# process: freezing it keeps the garbage collector's full passes from walking it.
# Without this, about one page in seventy paused ~130 ms in a full collection
# (bench/page_latency.py, ratings grid p99).
gc.freeze()
# And again once the worker is warm (audit_app/gc_pauses.py): what it keeps after its
# first requests is walked by full collections too.
freeze_when_warm(app)
