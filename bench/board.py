"""The realistic workload: a double pendulum integrated with classic RK4.

The state is a 4-element piconumpy array (theta1, theta2, omega1, omega2).
The derivative reads the four floats, does a few dozen float operations with
sin and cos, and builds a new array; each RK4 step combines arrays with
``array * float``, ``float * array``, ``array + array`` and ``array / float``.
Only the array type changes between implementations.
"""

from math import cos, sin

G = 9.81
L1, L2 = 1.0, 0.7
M1, M2 = 1.0, 0.5
DT = 0.005


def make_derivative(pn):
    array = pn.array

    def derivative(x):
        th1 = x[0]
        th2 = x[1]
        w1 = x[2]
        w2 = x[3]
        delta = th1 - th2
        s = sin(delta)
        c = cos(delta)
        den = 2.0 * M1 + M2 - M2 * cos(2.0 * delta)
        a1 = (
            -G * (2.0 * M1 + M2) * sin(th1)
            - M2 * G * sin(th1 - 2.0 * th2)
            - 2.0 * s * M2 * (w2 * w2 * L2 + w1 * w1 * L1 * c)
        ) / (L1 * den)
        a2 = (
            2.0
            * s
            * (w1 * w1 * L1 * (M1 + M2) + G * (M1 + M2) * cos(th1) + w2 * w2 * L2 * M2 * c)
        ) / (L2 * den)
        return array([w1, w2, a1, a2])

    return derivative


def make_step(pn, dt=DT):
    """A function x -> x after one RK4 step of length dt."""
    f = make_derivative(pn)
    half = dt / 2.0

    def step(x):
        k1 = f(x)
        k2 = f(x + k1 * half)
        k3 = f(x + k2 * half)
        k4 = f(x + k3 * dt)
        return x + (k1 + 2.0 * k2 + 2.0 * k3 + k4) * dt / 6.0

    return step


def initial_state(pn):
    return pn.array([2.0, 1.0, 0.0, 0.0])


def energy(x):
    """Total energy, to check that the integration is sane."""
    th1, th2, w1, w2 = x[0], x[1], x[2], x[3]
    v1sq = (L1 * w1) ** 2
    v2sq = v1sq + (L2 * w2) ** 2 + 2.0 * L1 * L2 * w1 * w2 * cos(th1 - th2)
    kinetic = 0.5 * M1 * v1sq + 0.5 * M2 * v2sq
    potential = -(M1 + M2) * G * L1 * cos(th1) - M2 * G * L2 * cos(th2)
    return kinetic + potential
