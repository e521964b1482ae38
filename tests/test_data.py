"""Tests of backprop.data: one-hot targets, the seeded train/test split, standardisation."""

from __future__ import annotations

import numpy as np
import pytest
from backprop import data
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

SETTINGS = settings(max_examples=40, deadline=None)


def test_one_hot_known_rows():
    np.testing.assert_array_equal(data.one_hot([2, 0, 1], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    # n_classes defaults to the largest label + 1.
    assert data.one_hot([0, 4]).shape == (2, 5)
    assert data.one_hot(np.array([1.0, 0.0])).dtype == np.float64


@given(labels=hnp.arrays(np.intp, st.integers(0, 20), elements=st.integers(0, 9)))
@SETTINGS
def test_one_hot_rows_sum_to_one_and_argmax_gives_the_label_back(labels):
    T = data.one_hot(labels, 10)
    assert T.shape == (labels.size, 10)
    np.testing.assert_array_equal(T.sum(axis=1), np.ones(labels.size))
    np.testing.assert_array_equal(T.argmax(axis=1), labels)


@pytest.mark.parametrize(
    ("labels", "n_classes", "message"),
    [
        ([0, 3], 3, "does not fit"),
        ([0.5, 1], None, "whole numbers"),
        ([-1, 0], None, "whole numbers"),
        ([[0, 1]], None, "1-D"),
        ([], None, "at least one class"),
    ],
)
def test_one_hot_errors(labels, n_classes, message):
    with pytest.raises(ValueError, match=message):
        data.one_hot(labels, n_classes)


def test_split_sizes_disjointness_and_determinism():
    X = np.arange(40.0).reshape(20, 2)  # row r is (2r, 2r + 1), so rows are identifiable
    labels = np.arange(20) % 3
    Xtr, Xte, ytr, yte = data.train_test_split(X, labels, test_fraction=0.25, seed=4)
    assert Xtr.shape == (15, 2) and Xte.shape == (5, 2)
    rows_tr, rows_te = (Xtr[:, 0] // 2).astype(int), (Xte[:, 0] // 2).astype(int)
    assert set(rows_tr).isdisjoint(rows_te)
    assert sorted([*rows_tr, *rows_te]) == list(range(20))
    # Labels travel with their rows.
    np.testing.assert_array_equal(ytr, rows_tr % 3)
    np.testing.assert_array_equal(yte, rows_te % 3)
    again = data.train_test_split(X, labels, test_fraction=0.25, seed=4)
    for a, b in zip((Xtr, Xte, ytr, yte), again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = data.train_test_split(X, labels, test_fraction=0.25, seed=5)
    assert not np.array_equal(other[1], Xte)


@given(n=st.integers(2, 200), frac=st.floats(0.05, 0.95), seed=st.integers(0, 10))
@SETTINGS
def test_split_test_size_is_the_rounded_fraction(n, frac, seed):
    if not 1 <= round(frac * n) <= n - 1:
        with pytest.raises(ValueError, match="empty train or test"):
            data.train_test_split(np.zeros((n, 1)), np.zeros(n), frac, seed)
        return
    Xtr, Xte, ytr, yte = data.train_test_split(np.zeros((n, 1)), np.zeros(n), frac, seed)
    assert len(Xte) == len(yte) == round(frac * n)
    assert len(Xtr) + len(Xte) == n


def test_split_errors():
    with pytest.raises(ValueError, match="10 samples but labels has 9"):
        data.train_test_split(np.zeros((10, 2)), np.zeros(9))
    with pytest.raises(ValueError, match="between 0 and 1"):
        data.train_test_split(np.zeros((10, 2)), np.zeros(10), test_fraction=1.0)
    with pytest.raises(ValueError, match="2-D"):
        data.train_test_split(np.zeros(10), np.zeros(10))


def test_standardize_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    Xtr = rng.normal(3.0, 2.0, size=(50, 3))
    Xtr[:, 2] = 7.0  # a constant feature
    Xte = rng.normal(3.0, 2.0, size=(10, 3))
    Str, Ste = data.standardize(Xtr, Xte)
    np.testing.assert_allclose(Str[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Str[:, :2].std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(Str[:, 2], 0.0)  # constant: centred, not divided by 0
    mu, s = Xtr.mean(axis=0), Xtr.std(axis=0)
    np.testing.assert_allclose(Ste[:, :2], (Xte[:, :2] - mu[:2]) / s[:2], rtol=1e-12)
    (only,) = data.standardize(Xtr)
    np.testing.assert_array_equal(only, Str)
    with pytest.raises(ValueError, match="4 features but X_train has 3"):
        data.standardize(Xtr, np.zeros((2, 4)))
