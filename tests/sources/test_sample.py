"""The offline samples: real data read from the packages that ship it."""

from __future__ import annotations

from importlib import import_module

import pandas as pd
import pytest

from convex.sources.sample import SAMPLES, _arch_frame, load_sample

from .helpers import assert_contract

ARCH = sorted({spec.dataset for spec in SAMPLES.values() if spec.package == "arch"})


@pytest.mark.parametrize("dataset", ARCH)
def test_arch_files_read_exactly_as_arch_itself_loads_them(dataset):
    pd.testing.assert_frame_equal(_arch_frame(dataset), import_module(dataset).load(), check_freq=False)


@pytest.mark.parametrize("metric_id", sorted(SAMPLES))
def test_every_sample_keeps_the_source_contract_and_names_its_package(metric_id):
    sample = load_sample(metric_id)
    assert_contract(sample.series)
    assert sample.detail.startswith(SAMPLES[metric_id].package + " ")
    assert sample.frequency == SAMPLES[metric_id].frequency
