"""The course notebook's training loop, written the way it was: the reference for both the
network (``nnsimple.model``) and training with a history (``nnsimple_lab.training.train``)."""

import numpy as np


def course_costs(seed=2, iterations=1000, learning_rate=0.3):
    """The course notebook, written the way it was: global seed, np.dot, a plain loop.

    Returns the cost printed before each update i = 0 .. iterations (the cost after i updates)
    and the parameters after ``iterations + 1`` updates, as the course's loop makes.
    """
    saved = np.random.get_state()
    try:
        np.random.seed(seed)
        X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])
        Y = np.array([[0, 1, 1, 0]])
        m = X.shape[1]
        n_x, n_h, n_y = 2, 2, 1
        W1 = np.random.randn(n_h, n_x)
        b1 = np.zeros((n_h, 1))
        W2 = np.random.randn(n_y, n_h)
        b2 = np.zeros((n_y, 1))
        costs = []
        for _ in range(0, iterations + 1):
            Z1 = np.dot(W1, X) + b1
            A1 = np.tanh(Z1)
            Z2 = np.dot(W2, A1) + b2
            A2 = 1 / (1 + np.exp(-Z2))
            logprobs = np.multiply(np.log(A2), Y) + np.multiply((1 - Y), np.log(1 - A2))
            costs.append(float(np.squeeze(-np.sum(logprobs) / m)))
            dZ2 = A2 - Y
            dW2 = np.dot(dZ2, A1.T) / m
            db2 = np.sum(dZ2, axis=1, keepdims=True) / m
            dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
            dW1 = np.dot(dZ1, X.T) / m
            db1 = np.sum(dZ1, axis=1, keepdims=True) / m
            W1 = W1 - learning_rate * dW1
            b1 = b1 - learning_rate * db1
            W2 = W2 - learning_rate * dW2
            b2 = b2 - learning_rate * db2
        return np.array(costs), {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    finally:
        np.random.set_state(saved)
