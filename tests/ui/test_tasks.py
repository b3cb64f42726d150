"""The task runner delivers every result and error to the GUI thread, many times over.

Also a regression test for PySide6-Essentials 6.12.0 on Python 3.11, which over-released
True/None on each signal emitted from a worker thread and aborted the process after some
thousands of tasks (pyproject.toml pins below 6.12 for this)."""

from __future__ import annotations

import gc
import sys

from pytestqt.qtbot import QtBot

from hospital_client.ui.tasks import TaskRunner


def test_thousands_of_results_and_errors_reach_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    results: list[object] = []
    errors: list[BaseException] = []
    gc.collect()
    none_refs = sys.getrefcount(None)
    true_refs = sys.getrefcount(True)
    for i in range(6000):
        if i % 3 == 0:
            runner.run(lambda: None, results.append, errors.append)
        elif i % 3 == 1:
            runner.run(lambda i=i: i, results.append, errors.append)
        else:
            runner.run(lambda: 1 / 0, results.append, errors.append)
    qtbot.waitUntil(lambda: runner.running == 0, timeout=60_000)
    assert len(results) == 4000 and len(errors) == 2000
    assert all(isinstance(e, ZeroDivisionError) for e in errors)
    # No reference to None or True was lost on the way. The faulty build lost one per signal
    # (thousands here); objects of earlier tests freed meanwhile account for a few hundred.
    gc.collect()
    assert sys.getrefcount(None) >= none_refs - 1000
    assert sys.getrefcount(True) >= true_refs - 1000
