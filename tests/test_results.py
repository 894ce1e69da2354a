"""The shared results base: meta keys, JSON form."""
import json

import numpy as np
import pandas as pd
import pytest

from analysis.results import META_KEYS, input_sha256, jsonable, result_meta


def test_meta_has_the_common_keys_and_refuses_to_override_them():
    m = result_meta(options={"cost": "negbin"}, input_sha256=input_sha256([1, 2]), seed=np.random.SeedSequence(7),
                    n=2)
    assert list(m)[:4] == list(META_KEYS)
    assert m["seed"] == {"entropy": 7, "spawn_key": []}
    json.dumps(jsonable(m))
    with pytest.raises(ValueError):
        result_meta(options={}, input_sha256=None, seed=None, seed_extra=1, package_version="x")


def test_jsonable_handles_numpy_pandas_and_non_finite():
    x = {"a": np.float64("nan"), "b": np.int64(3), "c": pd.Period("2020-01", "M"), "d": np.array([1.0, np.inf]),
         "e": pd.NaT, "f": (np.bool_(True),)}
    assert jsonable(x) == {"a": None, "b": 3, "c": "2020-01", "d": [1.0, None], "e": None, "f": [True]}
    assert input_sha256([1.0, 2.0]) == input_sha256(np.array([1, 2]))


def test_cache_dir_follows_the_environment_and_the_version(tmp_path, monkeypatch):
    from analysis._cache import cache_dir
    from analysis.results import package_version

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    p = cache_dir("smuce")
    assert p == tmp_path / package_version() / "smuce" and p.is_dir()
