"""Writes manifest.json from the table below: finds each training loop's line and assigns the split by hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"


def assign_splits(entries):
    """{group: 'dev' | 'test'}: groups in order of sha256(group name), alternating dev, test, dev, ...

    Groups holding a broken script alternate among themselves, healthy-only groups among themselves, so both
    halves get the same number of broken scripts (within one). Twins share a group, hence a split. The rule reads
    nothing but the file names, so it was fixed before any tuning.
    """
    broken_groups = sorted({group_of(e["file"]) for e in entries if e["status"] == "broken"}, key=_digest)
    healthy_groups = sorted({group_of(e["file"]) for e in entries} - set(broken_groups), key=_digest)
    splits = {}
    for ordered in (broken_groups, healthy_groups):
        for rank, group in enumerate(ordered):
            splits[group] = "dev" if rank % 2 == 0 else "test"
    return splits


def _digest(group):
    return hashlib.sha256(group.encode()).hexdigest()


def group_of(file_name):
    stem = Path(file_name).stem
    return stem[:-2] if stem[-2:] in ("_a", "_b") else stem


def loop_line(file_name, header):
    """1-based line of the line whose stripped text is `header` (exactly one such line)."""
    if header is None:
        return None
    lines = (SCRIPTS / file_name).read_text().splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if line.strip() == header]
    assert len(hits) == 1, (file_name, header, hits)
    return {"line": hits[0], "header": header}


ENTRIES = []


def pair(group, broken, cause, symptom, loop, params, description, style, *, secondary=(), failure=None,
         expect=None, twin_expect=None, twin=True, twin_loop="same", twin_description=None):
    """A broken script `group_<broken>.py` and, if twin, its fixed twin with the other suffix."""
    other = {"a": "b", "b": "a"}[broken]
    broken_file = f"{group}_{broken}.py" if twin else f"{group}.py"
    twin_file = f"{group}_{other}.py" if twin else None
    ENTRIES.append(dict(file=broken_file, status="broken", cause=cause, secondary=list(secondary), symptom=symptom,
                        failure=failure, loop=loop, params=params, description=description, style=style,
                        expect=expect or {}, twin=twin_file))
    if twin:
        ENTRIES.append(dict(file=twin_file, status="healthy", cause=None, secondary=[], symptom=None, failure=None,
                            loop=loop if twin_loop == "same" else twin_loop, params=params,
                            description=twin_description or f"fixed twin: {description}", style=style,
                            expect=twin_expect or {}, twin=broken_file))


def healthy(file_name, loop, params, description, style, expect=None):
    ENTRIES.append(dict(file=file_name, status="healthy", cause=None, secondary=[], symptom=None, failure=None,
                        loop=loop, params=params, description=description, style=style, expect=expect or {},
                        twin=None))


# ---------------------------------------------------------------------------------------------------------------
pair("house_prices_gd", "a", "unnormalized_inputs", "nan", "for epoch in range(epochs):",
     "w (array), b (float): module globals",
     "linear regression on raw square feet / bedrooms / age; lr 0.01 is fine for scaled inputs but not raw ones",
     ["functions", "full_batch", "samples_x_features", "bias_separate", "linear_regression"],
     secondary=["learning_rate_too_high"])
pair("linreg_class", "b", "learning_rate_too_high", "diverges", "for it in range(self.n_iter):",
     "self.w (array), self.b (float) on a LinearRegressor object",
     "standardized linear regression with lr=1.1 (> 1/lambda_max): overshoots and grows every step",
     ["class", "full_batch", "samples_x_features", "bias_separate", "linear_regression"])
pair("notebook_sales", "a", "gradient_sum_not_mean", "nan", "for i in range(iterations):",
     "theta (1x4 array, bias in a row of ones): notebook global",
     "features x samples (columns are weeks), gradient summed over 5000 columns instead of averaged",
     ["notebook", "full_batch", "features_x_samples", "bias_row_of_ones", "linear_regression"],
     secondary=["learning_rate_too_high"])
pair("pure_py_line", "b", "learning_rate_too_high", "nan", "for epoch in range(40):",
     "a, c (Python floats): module globals",
     "pure-Python per-sample SGD for y = a*x + c with x in [0, 10] and lr 0.05: overflows to inf then NaN",
     ["pure_python", "per_sample", "no_numpy", "bias_separate", "linear_regression"])

pair("perceptron_pure", "a", "missing_bias", "wrong_accuracy", "for epoch in range(500):",
     "weights (Python list of floats): module global",
     "pure-Python perceptron, classes split by s1 + s2 > 12: without a bias the boundary must pass through the origin",
     ["pure_python", "per_sample", "no_numpy", "bias_missing", "perceptron"],
     expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.95})
pair("logreg_offset", "b", "missing_bias", "wrong_accuracy", "for step in range(2000):",
     "w (array): module global",
     "logistic regression on features shifted to be positive, no intercept column: stays near chance",
     ["functions", "full_batch", "samples_x_features", "bias_missing", "logistic_regression"],
     expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.85})
pair("kmeans_blobs", "a", "inplace_mutation_aliasing", "wrong_accuracy", "for iteration in range(100):",
     "centroids (array): module global, updated row by row",
     "k-means: old_centroids = centroids is an alias, so the convergence test passes after one iteration",
     ["top_level", "no_gradient", "kmeans", "samples_x_features"],
     failure="iteration 1 (stops early)", expect={"accuracy_max": 0.8}, twin_expect={"accuracy_min": 0.95})
pair("pca_sensors", "b", "division_by_zero", "crash", None,
     "none (PCA, no parameters)",
     "PCA of standardized sensors; a constant channel has std 0, 0/0 gives NaN and eigh fails to converge",
     ["top_level", "no_loop", "pca", "samples_x_features"],
     secondary=["nan_in_input_data"], failure="standardization line", twin_expect={"explained_min": 0.9})
pair("softplus_margin", "a", "exp_overflow", "inf", None,
     "w (array), b (float): fixed, evaluation only",
     "single evaluation pass of a logistic loss written log(1 + exp(-margin)); wrong-label margins of -300 overflow",
     ["top_level", "no_loop", "forward_only", "logistic_regression", "samples_x_features"],
     twin_expect={"accuracy_min": 0.9})
pair("minmax_prep", "a", "division_by_zero", "nan", None,
     "none (data preparation)",
     "min-max scaling of a table with a constant column: (a - lo) / (hi - lo) divides 0 by 0",
     ["functions", "no_loop", "data_prep", "samples_x_features"])
pair("closed_form_rent", "b", "integer_dtype_truncation", "wrong_accuracy", None,
     "w (array), solved in closed form",
     "normal equations on an int design matrix: rescaling columns in place truncates area/100 to 0 or 1",
     ["top_level", "no_loop", "closed_form", "linear_regression", "bias_column_of_ones", "integer_dtype"],
     expect={"r2_max": 0.7}, twin_expect={"r2_min": 0.95})

pair("xor_sigmoid_fn", "a", "wrong_derivative_formula", "wrong_accuracy", "for epoch in range(5000):",
     "W1, b1, W2, b2 (arrays): module globals",
     "XOR with a 2-4-1 sigmoid net; sigmoid_derivative returns s*(1+s) instead of s*(1-s)",
     ["functions", "full_batch", "samples_x_features", "bias_separate", "mlp", "sigmoid"],
     expect={"accuracy_max": 0.8}, twin_expect={"accuracy_min": 1.0})
pair("moons_tanh_class", "b", "derivative_on_preactivation", "nan", "for epoch in range(1500):",
     "self.params dict ('W1', 'b1', 'W2', 'b2') on a TwoLayerNet",
     "tanh_grad(a) = 1 - a**2 expects the activation but is given z1; 1 - z**2 goes large and negative",
     ["class", "full_batch", "samples_x_features", "params_dict", "mlp", "tanh"],
     secondary=["wrong_derivative_formula"], twin_expect={"accuracy_min": 0.95})
pair("dense_layers_circle", "a", "weights_init_symmetric", "wrong_accuracy", "for epoch in range(3000):",
     "layer.W, layer.b on Dense layer objects in a list",
     "layer objects initialised with np.zeros: every hidden unit stays identical, the net predicts the majority",
     ["class", "layer_objects", "full_batch", "samples_x_features", "mlp", "sigmoid"],
     expect={"accuracy_max": 0.7}, twin_expect={"accuracy_min": 0.95})
pair("deep_tanh_list", "b", "weights_init_too_small", "stalls", "for epoch in range(600):",
     "self.weights[i], self.biases[i] (lists of arrays) on a DeepNet",
     "five-layer tanh regression net initialised with randn * 0.01: the signal and the gradient vanish",
     ["class", "params_list", "full_batch", "samples_x_features", "mlp", "tanh"],
     secondary=["vanishing_gradient"], twin_expect={"final_loss_max": 0.1})
pair("sigmoid_big_init", "a", "weights_init_too_large", "wrong_accuracy", "for it in range(2500):",
     "W1, b1, W2, b2 (arrays): module globals",
     "sigmoid MLP initialised with randn * 25: hidden units saturate at 0/1 and the first layer never learns",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "mlp", "sigmoid"],
     secondary=["vanishing_gradient"], expect={"accuracy_max": 0.75}, twin_expect={"accuracy_min": 0.95})

pair("relu_course_style", "a", "dead_relu", "wrong_accuracy", "for i in range(num_iterations):",
     "parameters dict ('W1', 'b1', 'W2', 'b2'), features x samples, returned by model()",
     "course-style relu net with b1 initialised to -6: every hidden relu is off for all inputs and never recovers",
     ["functions", "full_batch", "features_x_samples", "params_dict", "mlp", "relu"],
     expect={"accuracy_max": 0.7}, twin_expect={"accuracy_min": 0.95})
pair("deep_sigmoid", "b", "vanishing_gradient", "stalls", "for epoch in range(800):",
     "layers[i]['W'], layers[i]['b'] (list of dicts): module global",
     "eight sigmoid hidden layers: the gradient reaching the first layers is ~1e-5, the fit stays flat",
     ["top_level", "full_batch", "samples_x_features", "params_list_of_dicts", "mlp", "sigmoid"],
     twin_expect={"final_loss_max": 0.1},
     twin_description="fixed twin: the same depth with relu units and He initialisation")
pair("rnn_running_sum", "a", "exploding_gradient", "nan", "for it in range(1500):",
     "params dict ('Wxh', 'Whh', 'Why', 'bh', 'by'): module global",
     "vanilla RNN over 30 steps with Whh ~ N(0, 1) and no clipping: backprop through time blows up to inf/NaN",
     ["functions", "per_sample", "rnn", "params_dict", "features_x_samples"],
     secondary=["weights_init_too_large", "learning_rate_too_high"],
     twin_description="fixed twin: recurrent weights N(0, 0.2) and the gradient norm clipped at 1")
pair("tanh_output_bce", "b", "wrong_loss_for_activation", "nan", "for epoch in range(800):",
     "W1, b1, W2, b2 (arrays): module globals",
     "tanh output layer fed to binary cross-entropy: log of a negative output is NaN from the first step",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "mlp", "relu", "tanh"],
     failure="step 0", twin_expect={"accuracy_min": 0.95},
     twin_description="fixed twin: sigmoid output with the matching (p - y) gradient")
pair("mlp_minibatch_fxs", "b", "learning_rate_too_low", "stalls", "for epoch in range(300):",
     "W1, b1, W2, b2 (arrays, features x samples): module globals",
     "spiral classifier with minibatches, learning rate 1e-5: after 300 epochs the loss has barely moved",
     ["top_level", "minibatch", "features_x_samples", "bias_separate", "mlp", "relu", "softmax"],
     expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.95})
pair("trainer_default_lr", "a", "hyperparameter_defined_not_used", "stalls", "for epoch in range(epochs):",
     "params dict ('W1', 'b1', 'w2', 'b2'; b2 a Python float)",
     "learning_rate = 0.5 is defined at the top but train() is called without it and uses its default 1e-4",
     ["functions", "full_batch", "samples_x_features", "params_dict", "mlp", "tanh"],
     secondary=["learning_rate_too_low"], expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.9})
pair("shuffle_alias", "b", "inplace_mutation_aliasing", "wrong_accuracy", "for epoch in range(30):",
     "w (array), b (float): module globals",
     "X_shuffled = X_train is an alias; np.random.shuffle shuffles the features in place and not the labels",
     ["top_level", "minibatch", "samples_x_features", "bias_separate", "logistic_regression"],
     expect={"accuracy_max": 0.65}, twin_expect={"accuracy_min": 0.9})

pair("forward_once_logreg", "a", "forward_outside_loop", "diverges", "for i in range(2000):",
     "w (array), b (float): module globals",
     "p = sigmoid(X @ w + b) computed once before the loop: the logged cost never moves while the same gradient is "
     "applied 2000 times; w grows without end and the trained model's cost (2.4) ends above the start (0.69)",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "logistic_regression"],
     twin_expect={"accuracy_min": 0.8})
pair("regression_broadcast", "b", "shape_broadcasting_bug", "stalls", "for epoch in range(300):",
     "w (d x 1 column), b (float): module globals",
     "pred (n, 1) minus y (n,) broadcasts to (n, n); w silently becomes (3, 200) and the fit stays at the variance",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "linear_regression"],
     secondary=["parameter_shape_per_sample"], expect={"final_loss_min": 1.0}, twin_expect={"final_loss_max": 0.05})
pair("tabular_missing", "a", "nan_in_input_data", "nan", "for epoch in range(500):",
     "w (array), b (float): module globals",
     "patients table with 12 missing glucose readings (NaN); nanmean/nanstd scale it but the NaN rows stay",
     ["notebook", "full_batch", "samples_x_features", "bias_separate", "logistic_regression"],
     failure="step 0", twin_expect={"accuracy_min": 0.8})
pair("int_weights_sgd", "b", "integer_dtype_truncation", "stalls", "for epoch in range(20):",
     "w (int64 array, bias in a column of ones): module global, updated element by element",
     "w = np.array([0, 0, 0]) is an int array; w[j] -= 0.05 * ... truncates every update back to 0",
     ["top_level", "per_sample", "samples_x_features", "bias_column_of_ones", "logistic_regression",
      "integer_dtype"],
     twin_expect={"accuracy_min": 0.95})
pair("sigmoid_scores_0_10", "a", "targets_outside_activation_range", "wrong_accuracy", "for epoch in range(1500):",
     "W1, b1, W2, b2 (arrays): module globals",
     "sigmoid output asked to predict review scores between 0 and 10; it can never exceed 1",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "mlp", "tanh", "sigmoid"],
     expect={"r2_max": 0.0}, twin_expect={"r2_min": 0.9},
     twin_description="fixed twin: targets divided by 10 (and predictions scaled back), lr raised for the new scale")
pair("softmax_digits_like", "b", "softmax_overflow_no_max_subtraction", "nan", "for epoch in range(epochs):",
     "self.W, self.b on a SoftmaxClassifier object",
     "softmax as exp(z) / sum(exp(z)) on 0..16 pixel features with lr 1: logits pass 710 and exp overflows",
     ["class", "full_batch", "samples_x_features", "bias_separate", "softmax_regression"],
     secondary=["learning_rate_too_high", "unnormalized_inputs", "exp_overflow"], twin_expect={"accuracy_min": 0.95})
pair("separable_logreg", "a", "log_of_zero", "nan", "for epoch in range(epochs):",
     "theta (array, bias in a column of ones) local to train_logistic",
     "separable blobs: sigmoid reaches exactly 1.0, (1 - y) * log(1 - p) is 0 * -inf = NaN in the loss",
     ["functions", "full_batch", "samples_x_features", "bias_column_of_ones", "logistic_regression"],
     secondary=["learning_rate_too_high"], twin_expect={"accuracy_min": 1.0})
pair("batch_standardize_mb", "b", "division_by_zero", "nan", "for epoch in range(40):",
     "W (array), c (float): module globals",
     "per-minibatch standardization without epsilon; 1001 rows leave a last batch of one row with variance 0",
     ["functions", "minibatch", "samples_x_features", "bias_separate", "linear_regression"],
     failure="epoch 0, last minibatch (start=1000)")

pair("conv1d_pool", "b", "gradient_sign_wrong", "diverges", "for epoch in range(25):",
     "kernel, v (arrays), kb, vb (floats): module globals",
     "1-D conv -> relu -> max-pool -> sigmoid with hand-written window loops; the updates add the gradient",
     ["top_level", "per_sample", "conv", "window_loops", "bias_separate"],
     expect={"accuracy_max": 0.7}, twin_expect={"accuracy_min": 0.95})
pair("scalar_autograd", "b", "learning_rate_too_high", "diverges", "for k in range(60):",
     "Value objects (p.data) in Neuron.w / Neuron.b, reached through model.parameters()",
     "scalar autograd toy (Value graph, topological backward) trained with step 1.0: tanh units saturate",
     ["class", "pure_python", "no_numpy", "autograd", "full_batch", "mlp", "tanh"],
     expect={"accuracy_max": 0.8}, twin_expect={"accuracy_min": 1.0})
pair("layer_list_rebind", "a", "parameter_not_updated", "stalls", "for epoch in range(400):",
     "self.weights[i], self.biases[i] (lists of arrays) on an MLP object",
     "sgd_step does `for W, dW in zip(...): W = W - lr * dW`, rebinding the loop name: no weight ever changes",
     ["class", "params_list", "full_batch", "samples_x_features", "mlp", "relu"],
     twin_expect={"final_loss_max": 0.2})
pair("bias_per_sample", "b", "parameter_shape_per_sample", "crash", "for epoch in range(500):",
     "W1, b1, W2, b2 (arrays): module globals",
     "db = dZ without summing over the batch: b1 becomes (400, 10), and the test set of 100 rows cannot broadcast",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "mlp", "tanh"],
     secondary=["shape_broadcasting_bug"], failure="evaluation on X_test after training",
     twin_expect={"accuracy_min": 0.8})
pair("gradient_ascent_fxs", "a", "gradient_sign_wrong", "diverges", "for iteration in range(200):",
     "w (1x2), b (1x1) arrays, features x samples: notebook globals",
     "notebook cells, columns are houses; w = w + learning_rate * dw climbs the cost",
     ["notebook", "full_batch", "features_x_samples", "bias_separate", "linear_regression"])
pair("numpy_scalars_fit", "b", "learning_rate_too_high", "diverges", "for t in range(100):",
     "slope, intercept (numpy float64 scalars): module globals",
     "simple linear regression with numpy scalar parameters; x has std 3 so step 0.25 overshoots (factor ~3.5)",
     ["top_level", "full_batch", "numpy_scalars", "linear_regression"])
pair("pure_py_xor_net", "a", "weights_init_symmetric", "wrong_accuracy", "for epoch in range(4000):",
     "hidden_w (list of lists), hidden_b, out_w (lists), out_b (float): module globals",
     "pure-Python XOR net with every weight set to 0.5: the three hidden units stay identical",
     ["pure_python", "no_numpy", "per_sample", "mlp", "sigmoid", "bias_separate"],
     expect={"accuracy_max": 0.8}, twin_expect={"accuracy_min": 1.0})
pair("pure_py_copy_update", "b", "parameter_not_updated", "stalls", "for epoch in range(200):",
     "weights (Python list), bias (float): module globals",
     "pure-Python regression: `for w, g in zip(weights, grad_w): w -= lr * g` changes a copy; only the bias learns",
     ["pure_python", "no_numpy", "full_batch", "bias_separate", "linear_regression"],
     expect={"final_loss_min": 1.0}, twin_expect={"final_loss_max": 0.05})
pair("float32_credit", "a", "unnormalized_inputs", "stalls", "for epoch in range(500):",
     "w (float32 array), b (numpy float32 scalar): module globals",
     "float32 logistic regression on raw age / income / ratio; lr 1e-9 (larger blew up) leaves the model at chance",
     ["top_level", "full_batch", "samples_x_features", "float32", "bias_separate", "logistic_regression"],
     secondary=["learning_rate_too_low"], expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.9},
     twin_description="fixed twin: standardized features and lr 0.5")
pair("adam_dict_mlp", "b", "hyperparameter_defined_not_used", "stalls", "for step in range(600):",
     "params dict ('W1', 'b1', 'W2', 'b2'); Adam buffers in opt_state['m'], opt_state['v'] (not weights)",
     "Adam whose update uses a literal 1e-5 instead of config['lr'] (0.02): the net stays at chance",
     ["functions", "full_batch", "samples_x_features", "params_dict", "adam", "mlp", "relu"],
     secondary=["learning_rate_too_low"], expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.95})
pair("momentum_sum_grad", "b", "gradient_sum_not_mean", "nan", "for epoch in range(15):",
     "W1, b1, W2, b2 (arrays) held by a MomentumSGD object, velocity buffers in opt.velocity (not weights)",
     "momentum SGD with minibatches of 256 and the loss gradient summed over the batch: effective step x256",
     ["class", "minibatch", "samples_x_features", "momentum", "mlp", "tanh"],
     secondary=["learning_rate_too_high", "exploding_gradient"])
pair("deep_relu_forward", "a", "weights_init_too_large", "inf", None,
     "weights, biases (lists of arrays): fixed, forward pass only",
     "one forward pass of a 13-layer relu net initialised with randn (std 1): activations grow ~11x a layer",
     ["top_level", "no_loop", "forward_only", "params_list", "mlp", "relu", "softmax"],
     secondary=["log_of_zero", "exploding_gradient"], failure="the loss line (probabilities underflow to 0)",
     twin_description="fixed twin: He initialisation (std sqrt(2 / fan_in))")
healthy("leaky_relu_net.py", "for epoch in range(epochs):", "W1, b1, W2, b2 (arrays) local to train()",
        "healthy: four blobs, leaky relu (alpha 0.01) MLP with softmax, full batch",
        ["functions", "full_batch", "samples_x_features", "bias_separate", "mlp", "leaky_relu", "softmax"],
        expect={"accuracy_min": 0.95})

pair("sigmoid_prime_fxs", "a", "derivative_on_preactivation", "nan", "for epoch in range(3000):",
     "self.W1, self.b1, self.W2, self.b2 on a Network object, features x samples",
     "sigmoid_prime(s) = s * (1 - s) expects the activation but backprop passes z1 / z2; with eta 3 it goes NaN",
     ["class", "full_batch", "features_x_samples", "bias_separate", "mlp", "sigmoid"],
     secondary=["wrong_derivative_formula"], twin_expect={"accuracy_min": 0.95})
pair("pure_py_stale_preds", "b", "forward_outside_loop", "diverges", "for step in range(300):",
     "w, b (Python floats): module globals",
     "pure Python: the predictions list is built once before the loop, so the same gradient is applied 300 times",
     ["pure_python", "no_numpy", "full_batch", "bias_separate", "linear_regression"])
pair("sigmoid_exp_ratio", "a", "exp_overflow", "nan", "for epoch in range(200):",
     "w (float32 array), b (numpy float32 scalar): module globals",
     "float32 sigmoid written exp(z) / (1 + exp(z)): z passes 88 on well separated data, inf / inf = NaN",
     ["functions", "full_batch", "samples_x_features", "float32", "bias_separate", "logistic_regression"],
     failure="second step (first step makes |z| > 88)", twin_expect={"accuracy_min": 1.0},
     twin_description="fixed twin: sigmoid computed as 0.5 * (1 + tanh(z / 2))")
pair("energy_csv", "a", "nan_in_input_data", "nan", "for it in range(300):",
     "theta (array, intercept in a column of ones): module global",
     "CSV parsed with genfromtxt; two empty wind readings become NaN and poison the mean, the scaling and theta",
     ["notebook", "full_batch", "samples_x_features", "bias_column_of_ones", "linear_regression", "data_prep"],
     failure="step 0")
pair("class_ids_12", "b", "targets_outside_activation_range", "wrong_accuracy", "for epoch in range(1000):",
     "W1, b1, w2 (arrays), b2 (Python float): module globals",
     "class ids 1 and 2 used directly as targets of a sigmoid output: both push the output to 1",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "mlp", "tanh", "sigmoid"],
     expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.95})
pair("softmax_axis", "b", "shape_broadcasting_bug", "diverges", "for i in range(400):",
     "W (array), b (1 x C array): module globals",
     "softmax normalised with axis=0 on an (N, C) array: it broadcasts silently, each class column sums to 1; "
     "the loss grows from 5.7 to 62 while the argmax accuracy stays near 0.97",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "softmax_regression"],
     twin_expect={"accuracy_min": 0.95})
healthy("relu_abs_minibatch.py", "for epoch in range(200):", "W1, b1, W2, b2 (arrays): module globals",
        "healthy: relu net fitting |x| - 1 with shuffled minibatches of 64",
        ["top_level", "minibatch", "samples_x_features", "bias_separate", "mlp", "relu"],
        expect={"final_loss_max": 0.05})
healthy("float32_softmax_minibatch.py", "for epoch in range(30):", "W, b (float32 arrays): module globals",
        "healthy: float32 softmax regression, minibatches of 32, loss from a log-softmax",
        ["top_level", "minibatch", "samples_x_features", "float32", "bias_separate", "softmax_regression"],
        expect={"accuracy_min": 0.95})

pair("relu_everywhere", "a", "dead_relu", "stalls", "for epoch in range(500):",
     "Ws[i], bs[i] (lists of arrays): module globals",
     "relu applied to the output layer too, targets mostly below zero: the output relu is off for every row",
     ["top_level", "full_batch", "samples_x_features", "params_list", "mlp", "relu"],
     secondary=["targets_outside_activation_range"], twin_expect={"final_loss_max": 0.1},
     twin_description="fixed twin: linear output layer")
pair("pure_py_logit_slow", "b", "learning_rate_too_low", "stalls", "for epoch in range(60):",
     "w (Python list), bias (float): module globals",
     "pure-Python per-sample logistic regression with eta 1e-6: the log loss stays at 0.69",
     ["pure_python", "no_numpy", "per_sample", "bias_separate", "logistic_regression"],
     twin_expect={"accuracy_min": 0.95})
pair("naive_bayes_counts", "a", "log_of_zero", "wrong_accuracy", None,
     "log_prior, log_likelihood (arrays) estimated by counting",
     "multinomial naive Bayes without smoothing: words never seen in a class give log(0); 0 * -inf makes NaN scores",
     ["top_level", "no_loop", "no_gradient", "naive_bayes", "samples_x_features"],
     expect={"accuracy_max": 0.6}, twin_expect={"accuracy_min": 0.95},
     twin_description="fixed twin: Laplace (+1) smoothing of the word counts")
pair("attention_scores", "b", "softmax_overflow_no_max_subtraction", "nan", None,
     "Wq, Wk, Wv (arrays): fixed, forward pass only",
     "one dot-product attention pass; scores reach ~1200 and exp(scores) / sum overflows to inf / inf",
     ["top_level", "no_loop", "forward_only", "attention", "softmax"],
     secondary=["exp_overflow"])
pair("logits_bce", "b", "wrong_loss_for_activation", "nan", "for epoch in range(epochs):",
     "self.coef (array), self.intercept (float) on a LogisticModel object",
     "forward() returns raw logits (no sigmoid) and bce() takes their log: log of negative numbers is NaN",
     ["class", "full_batch", "samples_x_features", "bias_separate", "logistic_regression"],
     failure="step 0", twin_expect={"accuracy_min": 0.95})
pair("per_row_bias", "b", "parameter_shape_per_sample", "wrong_accuracy", "for epoch in range(400):",
     "w (array), b (array with one entry per training row): module globals",
     "bias of shape (n_train,) memorises each training row's residual; train MSE 1e-29, test R2 0.66",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "linear_regression"],
     expect={"r2_max": 0.8}, twin_expect={"r2_min": 0.9})
pair("deep_relu_train", "b", "weights_init_too_large", "nan", "for step in range(200):",
     "weights, biases (lists of arrays): module globals",
     "17-layer relu net initialised at 2.5x He scale: the first loss is 1e15 and the first updates overflow",
     ["top_level", "full_batch", "samples_x_features", "params_list", "mlp", "relu"],
     secondary=["exploding_gradient"], twin_description="fixed twin: He initialisation")

pair("spiral_relu", "b", "wrong_derivative_formula", "wrong_accuracy", "for i in range(2000):",
     "W, b, W2, b2 (arrays): module globals",
     "spiral softmax net: the relu backward mask is inverted (dhid[hid > 0] = 0 zeroes the active units)",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "mlp", "relu", "softmax"],
     expect={"accuracy_max": 0.7}, twin_expect={"accuracy_min": 0.95})
pair("tiny_init_fxs", "a", "weights_init_too_small", "stalls", "for it in range(1500):",
     "params dict ('W1'..'W4', 'b1'..'b4'), features x samples: module global",
     "four sigmoid layers initialised with randn * 0.001: every hidden unit is 0.5, gradients vanish, cost stays 0.693",
     ["top_level", "full_batch", "features_x_samples", "params_dict", "mlp", "sigmoid"],
     secondary=["vanishing_gradient", "weights_init_symmetric"], expect={"accuracy_max": 0.6},
     twin_expect={"accuracy_min": 0.85})
pair("intercept_fxs", "b", "missing_bias", "wrong_accuracy", "for epoch in range(500):",
     "W (1 x 2 array), features x samples: notebook global",
     "ice-cream sales around 200 a day fitted by W @ X with no intercept on centred features: R2 stays negative",
     ["notebook", "full_batch", "features_x_samples", "bias_missing", "linear_regression"],
     expect={"r2_max": 0.0}, twin_expect={"r2_min": 0.95})
pair("customer_kmeans", "b", "unnormalized_inputs", "wrong_accuracy", "for _ in range(n_iter):",
     "centers (array) local to kmeans()",
     "k-means on (age in years, income in euros): income's scale decides every distance, age is ignored",
     ["functions", "no_gradient", "kmeans", "samples_x_features"],
     expect={"accuracy_max": 0.7}, twin_expect={"accuracy_min": 0.85})
pair("perceptron_rows", "a", "gradient_sign_wrong", "wrong_accuracy", "for epoch in range(100):",
     "w (array, bias in a trailing column of ones): module global",
     "perceptron that subtracts t * x on a mistake instead of adding it: it moves away from every error",
     ["top_level", "per_sample", "samples_x_features", "bias_column_of_ones", "perceptron"],
     expect={"accuracy_max": 0.5}, twin_expect={"accuracy_min": 1.0})
pair("uint8_images", "b", "integer_dtype_truncation", "wrong_accuracy", "for epoch in range(300):",
     "w (array), b (float): module globals",
     "images[:] = images / 255.0 writes the scaled pixels back into a uint8 array: every pixel becomes 0",
     ["top_level", "full_batch", "samples_x_features", "bias_separate", "logistic_regression", "integer_dtype",
      "data_prep"],
     expect={"accuracy_max": 0.7}, twin_expect={"accuracy_min": 0.95})


def build():
    scripts = []
    splits = assign_splits(ENTRIES)
    measured_path = HERE / "failure_steps.json"
    measured = json.loads(measured_path.read_text()) if measured_path.exists() else {}
    for e in ENTRIES:
        group = group_of(e["file"])
        scripts.append({
            "file": f"scripts/{e['file']}",
            "group": group,
            "split": splits[group],
            "status": e["status"],
            "cause": e["cause"],
            "secondary": e["secondary"],
            "symptom": e["symptom"],
            "failure": e["failure"],
            "first_nonfinite_step": measured.get(f"scripts/{e['file']}"),
            "training_loop": loop_line(e["file"], e["loop"]),
            "parameters": e["params"],
            "description": e["description"],
            "style": e["style"],
            "expect": e["expect"],
            "twin": f"scripts/{e['twin']}" if e["twin"] else None,
        })
    return {"split_rule": "group = the file's stem without a trailing _a/_b (twins share a group); groups with a "
                          "broken script, sorted by sha256(group).hexdigest(), alternate dev, test, dev, ...; "
                          "healthy-only groups likewise, separately",
            "scripts": scripts}


def summary(scripts):
    """Markdown tables: scripts per split, broken scripts per label and split, scripts per style tag."""
    from collections import Counter

    lines = ["| split | broken | healthy | total |", "|---|---|---|---|"]
    by_split = Counter((s["split"], s["status"]) for s in scripts)
    for split in ("dev", "test"):
        b, h = by_split[split, "broken"], by_split[split, "healthy"]
        lines.append(f"| {split} | {b} | {h} | {b + h} |")
    lines += ["", "| primary cause | dev | test |", "|---|---|---|"]
    by_label = Counter((s["cause"], s["split"]) for s in scripts if s["cause"])
    for label in sorted({s["cause"] for s in scripts if s["cause"]}):
        lines.append(f"| `{label}` | {by_label[label, 'dev']} | {by_label[label, 'test']} |")
    lines += ["", "| style tag | scripts |", "|---|---|"]
    by_style = Counter(tag for s in scripts for tag in s["style"])
    for tag, count in sorted(by_style.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"| {tag} | {count} |")
    no_loop = sum(1 for s in scripts if s["training_loop"] is None)
    lines += ["", f"Scripts without a training loop: {no_loop}. Symptoms of the broken scripts: "
              + ", ".join(f"{k} {v}" for k, v in sorted(Counter(s["symptom"] for s in scripts if s["symptom"]).items()))
              + "."]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    manifest = build()
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(len(manifest["scripts"]), "scripts written to manifest.json")
    if "--summary" in sys.argv:
        print(summary(manifest["scripts"]))
