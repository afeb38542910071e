import numpy as np

# one forward pass of dot-product attention over a sequence of 12 token embeddings
rng = np.random.default_rng(64)
seq_len, d_model = 12, 64
tokens = rng.normal(0, 3.0, (seq_len, d_model))
Wq = rng.normal(0, 1.0, (d_model, d_model))
Wk = rng.normal(0, 1.0, (d_model, d_model))
Wv = rng.normal(0, 1.0 / np.sqrt(d_model), (d_model, d_model))

Q = tokens @ Wq
K = tokens @ Wk
V = tokens @ Wv
scores = Q @ K.T / np.sqrt(d_model)
weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
context = weights @ V

print("row sums of the attention weights:", weights.sum(axis=-1)[:4])
print("largest score:", scores.max())
print(f"final_loss={np.mean(context ** 2)}")
