# tiny autoencoder: 8 sensor readings -> 3 sigmoid codes -> 8, squared error
import numpy as np


def make_data(rng, n=240):
    latent = rng.normal(size=(n, 3))
    mixing = rng.normal(size=(3, 8))
    readings = latent @ mixing + 0.05 * rng.normal(size=(n, 8))
    return (readings - readings.mean(axis=0)) / readings.std(axis=0)


def init(rng):
    enc = rng.normal(size=(8, 3)) * 6.0
    dec = rng.normal(size=(3, 8)) * 6.0
    return enc, np.zeros(3), dec, np.zeros(8)


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def train_step(readings, enc, enc_bias, dec, dec_bias, speed):
    code = sigmoid(readings @ enc + enc_bias)
    recon = code @ dec + dec_bias
    resid = recon - readings
    err = np.mean(np.sum(resid ** 2, axis=1))
    d_recon = 2 * resid / len(readings)
    d_dec = code.T @ d_recon
    d_dec_bias = d_recon.sum(axis=0)
    d_pre = (d_recon @ dec.T) * code * (1 - code)
    d_enc = readings.T @ d_pre
    d_enc_bias = d_pre.sum(axis=0)
    return (err, enc - speed * d_enc, enc_bias - speed * d_enc_bias,
            dec - speed * d_dec, dec_bias - speed * d_dec_bias)


rng = np.random.default_rng(21)
readings = make_data(rng)
enc, enc_bias, dec, dec_bias = init(rng)
for sweep in range(500):
    err, enc, enc_bias, dec, dec_bias = train_step(readings, enc, enc_bias, dec, dec_bias, 0.05)
    if sweep == 0:
        print(f"first_loss={err:.4f}")
    if sweep % 100 == 0:
        print(f"sweep={sweep} recon_err={err:.4f}")
print(f"final_loss={err:.4f}")
