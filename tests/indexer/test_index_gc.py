"""An index run leaves the loaded vocabularies out of garbage collection while it works (workers fork with
them frozen) and gives the collector back its settings when it ends, also when the run fails."""

import gc
import shutil

import pytest

import indexer.build as build
from archive import Archive


def test_the_heap_is_frozen_during_a_run_and_restored_after(sample_archive, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    before = gc.get_threshold()
    seen = []
    real = build._Run._rounds

    def rounds(self, *args):
        seen.append((gc.get_freeze_count(), gc.get_threshold()[0]))
        return real(self, *args)

    monkeypatch.setattr(build._Run, "_rounds", rounds)
    with Archive(data) as archive:
        report = build.build_index(archive, rebuild=True, workers=0)
    assert report.tagged > 0
    frozen, threshold = seen[0]
    assert frozen > 10_000  # the gazetteer, quote patterns and lexicon loaded before the freeze
    assert threshold == build.GC_THRESHOLD
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failed_run_restores_the_collector(sample_archive, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    before = gc.get_threshold()

    def fail(*args):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(build._Run, "_rounds", fail)
    with Archive(data) as archive, pytest.raises(RuntimeError):
        build.build_index(archive, rebuild=True, workers=0)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
