# Attention pooling over word vectors (float32), one forward pass: no training here, just scoring sentences.
import numpy as np

gen = np.random.default_rng(17)
dim = 64
n_sent, n_tok = 12, 9
emb = gen.normal(0.0, 1.0, (n_sent, n_tok, dim)).astype(np.float32)
query = gen.normal(0.0, 1.0, dim).astype(np.float32)
emb[:, 0, :] += 3.0 * query              # first token of each sentence is the topic word

scores = emb @ query                      # (n_sent, n_tok)
weights = np.exp(scores)
weights = weights / weights.sum(axis=1, keepdims=True)
pooled = np.einsum("st,std->sd", weights, emb)

topic_share = float(weights[:, 0].mean())
entropy = float(-np.sum(weights * np.log(weights + 1e-12), axis=1).mean())
print(f"topic_share={topic_share:.3f}")
print(f"entropy={entropy:.4f}")
print(f"pooled_norm={float(np.linalg.norm(pooled, axis=1).mean()):.3f}")
