"""``make bench``: the whole pipeline timed stage by stage, against the bare scan of its raw files.

Run ``python -m bench --help``. Results go to ``bench/results/<timestamp>-<calls>.json``
and are described in ``docs/benchmarks.md``.
"""
