"""The capstone recipe end to end (chapter 9): digits, split, gradient check, mini-batch
training to at least 95% test accuracy. (The chapter-9 exercises: tests/bank/test_bank_ch09.py.)"""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest


@pytest.fixture(scope="module")
def digits():
    datasets = pytest.importorskip("sklearn.datasets")
    d = datasets.load_digits()
    X_train, X_test, y_train, y_test = bp.data.train_test_split(
        d.data / 16.0, d.target, test_fraction=0.25, seed=0
    )
    return X_train, X_test, y_train, y_test


def test_the_split_the_chapter_uses(digits):
    X_train, X_test, y_train, y_test = digits
    assert (len(X_train), len(X_test)) == (1348, 449)
    assert X_train.shape[1] == 64 and 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert set(np.unique(y_test)) == set(range(10))


def test_gradient_check_on_a_slice(digits):
    X_train, _, y_train, _ = digits
    T = bp.data.one_hot(y_train[:10], 10)
    small = bp.Network.random([64, 8, 10], ["relu", "identity"], seed=1)
    assert bp.gradient_check(small, X_train[:10], T, "softmax_cross_entropy", eps=1e-5) < 1e-6


def test_training_reaches_95_percent_on_the_test_set(digits):
    X_train, X_test, y_train, y_test = digits
    T_train = bp.data.one_hot(y_train, 10)
    net = bp.Network.random([64, 32, 10], ["relu", "identity"], seed=0, init="he")
    assert net.loss(X_train, T_train, "softmax_cross_entropy") == pytest.approx(np.log(10), abs=0.3)
    test_acc = []
    history = bp.train(
        net,
        X_train,
        T_train,
        "softmax_cross_entropy",
        lr=0.1,
        epochs=60,
        batch_size=32,
        seed=0,
        on_epoch=lambda e, n, h: test_acc.append(bp.losses.accuracy(n.predict(X_test), y_test)),
    )
    assert len(history.loss) == 43 * 60 and len(test_acc) == 60
    assert test_acc[-1] >= 0.95
    assert history.epoch_loss[-1] < 0.1 * history.epoch_loss[0]
    # Other seeds train as well: the recipe does not hinge on one lucky start.
    for seed in (1, 2):
        other = bp.Network.random([64, 32, 10], ["relu", "identity"], seed=seed, init="he")
        bp.train(other, X_train, T_train, "softmax_cross_entropy", 0.1, 60, 32, seed=seed)
        assert bp.losses.accuracy(other.predict(X_test), y_test) >= 0.95
