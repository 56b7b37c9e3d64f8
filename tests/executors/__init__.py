"""Tests of ``scanlab.executors``, one module per module, plus one conformance suite run
against every executor. A package, so that its module names (``executors.test_worker``)
cannot clash with test modules elsewhere in ``tests/``."""
