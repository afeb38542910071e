"""The frame's column names, defined once for every stage."""

STEP = "step"
EPOCH = "epoch"
SEQ = "seq"
SITE = "site"
NAME = "name"
PHASE = "phase"
FUNCTION = "function"
LINE = "line"
SHAPE = "shape"
DTYPE = "dtype"
SIZE = "size"
N_NAN = "n_nan"
N_POSINF = "n_posinf"
N_NEGINF = "n_neginf"
MIN = "min"
MAX = "max"
MEAN = "mean"
STD = "std"
ABSMAX = "absmax"
L2 = "l2"
FRAC_ZERO = "frac_zero"
FRAC_SAT_EXACT = "frac_sat_exact"
FRAC_SAT_NEAR = "frac_sat_near"
# Norm of the change an update site made to its parameter (NaN elsewhere): the
# evidence for update/weight ratios without keeping every weight array.
UPDATE_L2 = "update_l2"

# Numeric statistics computed per observation, in storage order.
STATS = (
    SIZE, N_NAN, N_POSINF, N_NEGINF, MIN, MAX, MEAN, STD, ABSMAX, L2,
    FRAC_ZERO, FRAC_SAT_EXACT, FRAC_SAT_NEAR, UPDATE_L2,
)

# The frame's columns, in order.
ALL = (
    STEP, EPOCH, SEQ, SITE, NAME, PHASE, FUNCTION, LINE, SHAPE, DTYPE,
) + STATS

PHASES = ("forward", "loss", "backward", "update", "other")
