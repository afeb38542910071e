"""Drives mattnedrich/GradientDescentExample (a line y = m x + b fitted to data.csv by gradient descent written with
per-point Python loops over numpy scalars) by its run(); knob: the learning rate."""

import contextlib
import os
import runpy
import sys

import _common

PROJECT = "gradient_descent_line"
REPO = "mattnedrich/GradientDescentExample"
COMMIT = "a13134d5ba83bc47d33629315071afc8d32fe072"
# healthy: the example's rate (error 5565 -> 113 in 1,000 iterations); broken: ten times larger, the first thing a
# user tries when b has barely moved: x runs up to 70, so each step overshoots m further and the error reaches
# inf, then m and b nan
LEARNING_RATE = {"healthy": "0.0001", "broken": "0.001"}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"gradient_descent_example.py": [
        ("learning_rate = 0.0001", f"learning_rate = {LEARNING_RATE[args.knob]}"),
        # the file is Python 2: its three print statements become calls, on the same lines
        ('print "Starting gradient descent at b = {0}, m = {1}, error = {2}".format(initial_b, initial_m, '
         'compute_error_for_line_given_points(initial_b, initial_m, points))',
         'print("Starting gradient descent at b = {0}, m = {1}, error = {2}".format(initial_b, initial_m, '
         'compute_error_for_line_given_points(initial_b, initial_m, points)))'),
        ('print "Running..."', 'print("Running...")'),
        ('print "After {0} iterations b = {1}, m = {2}, error = {3}".format(num_iterations, b, m, '
         'compute_error_for_line_given_points(b, m, points))',
         'print("After {0} iterations b = {1}, m = {2}, error = {3}".format(num_iterations, b, m, '
         'compute_error_for_line_given_points(b, m, points)))'),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {"gradient_descent_example.py": "gradient_descent_example.py",
                                                      "data.csv": "data.csv"}, patches)
    os.chdir(src)  # run() reads data.csv from the working folder
    # runs the file as `python gradient_descent_example.py` does; the copy of its output kept here is scored
    tee = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        runpy.run_path(os.path.join(src, "gradient_descent_example.py"), run_name="__main__")
    last = tee.kept.getvalue().splitlines()[-1]  # "After 1000 iterations b = ..., m = ..., error = ..."
    fitted = dict(part.split(" = ") for part in last.split(" iterations ")[1].split(", "))
    _common.result(project=PROJECT, knob=args.knob, b=float(fitted["b"]), m=float(fitted["m"]),
                   error=float(fitted["error"]))


if __name__ == "__main__":
    main()
