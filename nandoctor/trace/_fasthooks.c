/* The hot path's common cases in C: recording the arrays whose site already knows their shape and dtype.
 *
 * nandoctor's recording hooks (recorder.py) are Python closures; on the 3-4-1 seed they run 26 times a
 * step and cost ~0.6 us each, as much as the training step itself. This module does exactly what
 * their common cases do, and hands everything else (first sightings, other shapes, scalars of other
 * kinds, non-contiguous arrays, any error) to the Python hook it was given, so behaviour is that of
 * the Python code (coverage.py's CTracer/PyTracer split). By size, for an array of its site's shape:
 *
 * - up to 256 elements (and other dtypes up to 8,192): a bytes copy onto the end of the site's buffer
 *   (or, when it repeats the site's last row, only a flag saying so), summarised later in batches;
 * - float64 arrays of 257 to 65,536 elements: their statistics row, computed now ("Statistics rows"
 *   below), bit for bit the row the batch would give;
 * - float64 arrays above 65,536 elements: screened, when the site's state says the observation may
 *   be (stats.BigArrays: the same decision, from the same state, which Python and C share), else the
 *   Python hook checks it.
 *
 * No numpy headers: the module reads the public, ABI-stable head of numpy's array struct
 * (PyArrayObject_fields, unchanged from numpy 1.x to 2.x). Entries go where the Python hooks put them:
 * bytes or rows onto the site's buffers, the code onto the log, None onto the payloads.
 * `Hooks.__init__` checks that reading against a probe array whose data address, shape, dtype and flags
 * Python tells it, and refuses to start (the Python hooks are used) if anything differs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pythread.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#endif

typedef struct {
    PyObject_HEAD
    char *data;
    int nd;
    Py_ssize_t *dimensions;
    Py_ssize_t *strides;
    PyObject *base;
    PyObject *descr;
    int flags;
} ArrayHead;

#define C_CONTIGUOUS 0x0001

/* A site's fast entry, recorder.FastEntry: a plain tuple whose items these name, in this order. The
 * names are exported as FAST_ENTRY_FIELDS and recorder.py refuses these hooks unless its own declaration
 * is the same, so the two sides share names, not positions. An entry ends after FE_ROW_CODE (a site
 * of small or mid-sized arrays) or after FE_CELL (a large float64 site, screened); an entry of
 * FE_ROW_BUF items (no statistics rows) is read too. */
enum { FE_SHAPE, FE_DTYPE, FE_NBYTES, FE_PLAIN_BUF, FE_UPDATE_BUF, FE_UPDATE_CODE, FE_PLAIN_FLAGS, FE_UPDATE_FLAGS,
       FE_ROW_BUF, FE_ROW_CODE, FE_CELL, FE_N };
static const char *const FAST_ENTRY_FIELDS[FE_N] = {
    "shape", "dtype", "nbytes", "plain_buf", "update_buf", "update_code", "plain_flags", "update_flags",
    "row_buf", "row_code", "cell",
};
#define FE_SMALL FE_CELL  /* items of a small or mid-sized site's entry */
#define FE_LARGE FE_N     /* items of a large site's entry */

/* The statistics a row computed here fills, by name (columns.STATS names). Exported as ROW_SLOTS:
 * recorder.row_layout maps each name to its column in the row (stats.IDX), so the row's storage order
 * is declared once, in columns.py. */
enum { R_SIZE, R_N_NAN, R_N_POSINF, R_N_NEGINF, R_MIN, R_MAX, R_MEAN, R_STD, R_ABSMAX, R_L2, R_FRAC_ZERO,
       R_FRAC_SAT_EXACT, R_FRAC_SAT_NEAR, R_UPDATE_L2, R_N };
static const char *const ROW_SLOTS[R_N] = {
    "size", "n_nan", "n_posinf", "n_neginf", "min", "max", "mean", "std", "absmax", "l2", "frac_zero",
    "frac_sat_exact", "frac_sat_near", "update_l2",
};

typedef struct {
    PyObject_HEAD
    PyObject *log;       /* list: entry codes */
    PyObject *payloads;  /* list: entry payloads */
    PyObject *fast;      /* dict: site -> its fast entry (FE_* items) */
    PyTypeObject *ndarray;
    PyObject *k_scalar;  /* int added to a site for a Python float */
    PyObject *slow_rec;  /* the Python hooks, for everything else */
    PyObject *slow_args;
    PyObject *slow_upd;
    /* Statistics rows computed at once (see "Statistics rows" below); row_max == 0 switches them off. */
    PyObject *f8;        /* numpy's float64 dtype: the only one summarised here */
    Py_ssize_t row_min, row_max;  /* element counts above row_min and up to row_max */
    Py_ssize_t copy_max;  /* a row refused (NaN, ...) is copied for the flush up to this many elements */
    int nstats;
    int ix[R_N];         /* ix[R_x]: the row's column of statistic R_x (ROW_SLOTS) */
    double tiny_sq, huge, cancel, sat_tol;
    /* Screening of large arrays (stats.BigArrays), once `arm` gave its state: the count of events that
     * force a full check (an int64 in a bytearray: non-finite values seen in the rows computed here and
     * by stats.BigArrays, and the opt-in trap's flags), then, for the opt-in trap only, numpy's
     * error-state context variable and {thread ident: the state the trap set} (NULL without the trap).
     * flag_buf NULL: every large array goes to the Python hook. */
    PyObject *flag_buf, *extvar, *extdict;
    /* The update hooks' Python halves and the recorder's pending deltas (site -> delta), or NULL. */
    PyObject *slow_delta, *slow_augrec, *pending;
    Py_ssize_t screen_blocks, screen_run;
    double screen_spike;
    /* The stash of the rewriter's old/keep hooks (see "Stash" below) and the Python hook that records an
     * attribute a statement bound (kept(site, name)); NULL until first used / attached. */
    struct StashEntry *stash;
    Py_ssize_t n_stash;
    PyObject *slow_kept;
} Hooks;

/* Resize bytearray `buf` to `size`, growing its allocation by half when it must grow: bytearray's own
 * policy adds an eighth, and every realloc that moves a large buffer copies all of it, so a buffer of
 * multi-KB arrays was copied some eight times over. Resizing up to 1.5 x size allocates exactly that;
 * resizing back down to size keeps the allocation (CPython shrinks it only below half). */
static int
grow(PyObject *buf, Py_ssize_t size)
{
    PyByteArrayObject *b = (PyByteArrayObject *)buf;
    Py_ssize_t room = b->ob_alloc - (b->ob_start - b->ob_bytes) - 1;
    if (size > room && size > 64 && PyByteArray_Resize(buf, size + size / 2) < 0)
        return -1;
    return PyByteArray_Resize(buf, size);
}

/* Record an entry of a buffered site: its n + m bytes (`data`, then `more` if m) and a flag byte. When
 * the bytes equal the buffer's last row (the site's previous observation: a constant input, an array
 * gone all-NaN), only the flag 1 is written; otherwise the flag 0 and the bytes. Then the entry
 * (code, None) is appended: data and flag first, so that an entry a flush counts is complete. On failure
 * the buffer, the flags and both lists are left as they were (the payloads' length counts entries). */
static int
append_buffered(Hooks *self, PyObject *buf, PyObject *flags, PyObject *code, const char *data, Py_ssize_t n,
                const char *more, Py_ssize_t m)
{
    Py_ssize_t len = PyByteArray_GET_SIZE(buf), nflags = PyByteArray_GET_SIZE(flags), w = n + m;
    const char *last = len >= w ? PyByteArray_AS_STRING(buf) + len - w : NULL;
    int same = w > 0 && last != NULL && memcmp(last, data, (size_t)n) == 0
               && (m == 0 || memcmp(last + n, more, (size_t)m) == 0);
    if (grow(flags, nflags + 1) < 0)
        return -1;
    PyByteArray_AS_STRING(flags)[nflags] = (char)same;
    if (!same) {
        if (grow(buf, len + w) < 0) {
            PyByteArray_Resize(flags, nflags);
            return -1;
        }
        char *p = PyByteArray_AS_STRING(buf) + len;
        memcpy(p, data, (size_t)n);
        if (m)
            memcpy(p + n, more, (size_t)m);
    }
    if (PyList_Append(self->log, code) < 0) {
        PyByteArray_Resize(buf, len);
        PyByteArray_Resize(flags, nflags);
        return -1;
    }
    if (PyList_Append(self->payloads, Py_None) < 0) {
        Py_ssize_t k = PyList_GET_SIZE(self->log);
        PyList_SetSlice(self->log, k - 1, k, NULL);
        PyByteArray_Resize(buf, len);
        PyByteArray_Resize(flags, nflags);
        return -1;
    }
    return 0;
}

/* Append (code, payload) for an entry with no buffer; on failure leave both lists as they were. */
static int
append_entry(Hooks *self, PyObject *code, PyObject *payload)
{
    if (PyList_Append(self->log, code) < 0)
        return -1;
    if (PyList_Append(self->payloads, payload) < 0) {
        Py_ssize_t n = PyList_GET_SIZE(self->log);
        PyList_SetSlice(self->log, n - 1, n, NULL);
        return -1;
    }
    return 0;
}


/* ---- Statistics rows ------------------------------------------------------------------------------
 *
 * A float64 array of a few hundred to a few thousand elements costs more to copy and summarise later
 * (its bytes written, page-faulted, read back cold, then a dozen numpy passes) than to summarise now in
 * one pass. `fill_row` computes the row `stats.stats_rows` would compute for it, bit for bit: sums are
 * numpy's pairwise summation (DOUBLE_pairwise_sum: blocks of at most 128 elements summed with eight
 * accumulators, halves split at multiples of 8), of the values for the mean and of their squares for
 * the norm (stats_rows takes both with np.add.reduce along the row, which runs exactly that code);
 * min, max and the counts are exact in any order. Rows that stats_rows treats specially (a NaN or an
 * infinity, squares that overflow or underflow, a variance lost to cancellation) are left to it: the
 * hook then records the bytes as before. Build with -ffp-contract=off: a fused multiply-add would round
 * a square differently from numpy's multiply.
 */
#define PW_BLOCK 128

typedef struct {
    double s, q, lo, hi;
    Py_ssize_t zeros;
} Pass;

/* numpy's pairwise sums (DOUBLE_pairwise_sum, contiguous) of x[i] and of x[i]^2, where x[i] is a[i], or
 * a[i] - b[i] when b is given (then only the squares are wanted). */
static void
pw_sums_sse2(const double *a, const double *b, Py_ssize_t n, double *s, double *q)
{
    if (n > PW_BLOCK) {
        Py_ssize_t n2 = n / 2;
        n2 -= n2 % 8;
        double s1, q1, s2, q2;
        pw_sums_sse2(a, b, n2, &s1, &q1);
        pw_sums_sse2(a + n2, b ? b + n2 : NULL, n - n2, &s2, &q2);
        *s = s1 + s2;
        *q = q1 + q2;
        return;
    }
    Py_ssize_t i = 0;
    if (n < 8) {
        double rs = -0.0, rq = -0.0;
        for (; i < n; i++) {
            double v = b ? a[i] - b[i] : a[i];
            rs += v;
            rq += v * v;
        }
        *s = rs;
        *q = rq;
        return;
    }
    /* Eight lanes, as numpy's: lane j sums elements j, j + 8, j + 16, ..., then the lanes are added as
     * ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)) and the rest one by one. */
    double r[8], u[8];
    Py_ssize_t end = n - (n % 8);
#if defined(__SSE2__) || defined(_M_X64)
    /* The lanes in SSE2 registers (every x86-64 has them), pairs (0, 1), (2, 3), (4, 5), (6, 7): the same
     * additions in the same order, two at a time. */
    __m128d r0, r1, r2, r3, u0, u1, u2, u3;
#define LOADX(k) (b ? _mm_sub_pd(_mm_loadu_pd(a + (k)), _mm_loadu_pd(b + (k))) : _mm_loadu_pd(a + (k)))
    {
        __m128d x0 = LOADX(0), x1 = LOADX(2), x2 = LOADX(4), x3 = LOADX(6);
        r0 = x0; r1 = x1; r2 = x2; r3 = x3;
        u0 = _mm_mul_pd(x0, x0); u1 = _mm_mul_pd(x1, x1); u2 = _mm_mul_pd(x2, x2); u3 = _mm_mul_pd(x3, x3);
    }
    for (i = 8; i < end; i += 8) {
        __m128d x0 = LOADX(i), x1 = LOADX(i + 2), x2 = LOADX(i + 4), x3 = LOADX(i + 6);
        r0 = _mm_add_pd(r0, x0); r1 = _mm_add_pd(r1, x1); r2 = _mm_add_pd(r2, x2); r3 = _mm_add_pd(r3, x3);
        u0 = _mm_add_pd(u0, _mm_mul_pd(x0, x0)); u1 = _mm_add_pd(u1, _mm_mul_pd(x1, x1));
        u2 = _mm_add_pd(u2, _mm_mul_pd(x2, x2)); u3 = _mm_add_pd(u3, _mm_mul_pd(x3, x3));
    }
#undef LOADX
    _mm_storeu_pd(r, r0); _mm_storeu_pd(r + 2, r1); _mm_storeu_pd(r + 4, r2); _mm_storeu_pd(r + 6, r3);
    _mm_storeu_pd(u, u0); _mm_storeu_pd(u + 2, u1); _mm_storeu_pd(u + 4, u2); _mm_storeu_pd(u + 6, u3);
#else
    for (int j = 0; j < 8; j++) {
        double v = b ? a[j] - b[j] : a[j];
        r[j] = v;
        u[j] = v * v;
    }
    for (i = 8; i < end; i += 8)
        for (int j = 0; j < 8; j++) {
            double v = b ? a[i + j] - b[i + j] : a[i + j];
            r[j] += v;
            u[j] += v * v;
        }
#endif
    double rs = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    double rq = ((u[0] + u[1]) + (u[2] + u[3])) + ((u[4] + u[5]) + (u[6] + u[7]));
    for (i = end; i < n; i++) {
        double v = b ? a[i] - b[i] : a[i];
        rs += v;
        rq += v * v;
    }
    *s = rs;
    *q = rq;
}

/* Min, max and the count of zeros of a[0..n), n > 0 (exact in any order: one flat pass). */
static void
min_max_zeros_sse2(const double *a, Py_ssize_t n, double *lo_, double *hi_, Py_ssize_t *zeros)
{
    Py_ssize_t i = 0, z = 0;
    double lo = a[0], hi = a[0];
#if defined(__SSE2__) || defined(_M_X64)
    if (n >= 8) {
        /* _mm_min_pd(x, l) is x < l ? x : l, as the scalar code below. */
        __m128d l0 = _mm_set1_pd(lo), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
        __m128d c0 = _mm_setzero_pd(), c1 = c0;
        const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
        Py_ssize_t end = n - (n % 8);
        for (; i < end; i += 8) {  /* four independent chains each: a min waits on the one before it */
            __m128d x0 = _mm_loadu_pd(a + i), x1 = _mm_loadu_pd(a + i + 2);
            __m128d x2 = _mm_loadu_pd(a + i + 4), x3 = _mm_loadu_pd(a + i + 6);
            l0 = _mm_min_pd(x0, l0); l1 = _mm_min_pd(x1, l1); l2 = _mm_min_pd(x2, l2); l3 = _mm_min_pd(x3, l3);
            h0 = _mm_max_pd(x0, h0); h1 = _mm_max_pd(x1, h1); h2 = _mm_max_pd(x2, h2); h3 = _mm_max_pd(x3, h3);
            c0 = _mm_add_pd(c0, _mm_add_pd(_mm_and_pd(_mm_cmpeq_pd(x0, zero), one), _mm_and_pd(_mm_cmpeq_pd(x2, zero), one)));
            c1 = _mm_add_pd(c1, _mm_add_pd(_mm_and_pd(_mm_cmpeq_pd(x1, zero), one), _mm_and_pd(_mm_cmpeq_pd(x3, zero), one)));
        }
        double l[8], h[8], c[4];
        _mm_storeu_pd(l, l0); _mm_storeu_pd(l + 2, l1); _mm_storeu_pd(l + 4, l2); _mm_storeu_pd(l + 6, l3);
        _mm_storeu_pd(h, h0); _mm_storeu_pd(h + 2, h1); _mm_storeu_pd(h + 4, h2); _mm_storeu_pd(h + 6, h3);
        _mm_storeu_pd(c, c0); _mm_storeu_pd(c + 2, c1);
        for (int j = 0; j < 8; j++) {
            lo = l[j] < lo ? l[j] : lo;
            hi = h[j] > hi ? h[j] : hi;
        }
        z = (Py_ssize_t)((c[0] + c[1]) + (c[2] + c[3]));
    }
#endif
    for (; i < n; i++) {
        double x = a[i];
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        z += x == 0.0;
    }
    *lo_ = lo;
    *hi_ = hi;
    *zeros = z;
}

/* Counts over a[0..n) of a == b and (a - b) < tol (when `low`), a == 1 and (1 - a) < tol (when `high`),
 * into c[0..4), in one pass: the saturation counts of stats._saturation, which computes each side
 * with exactly these operations. */
static void
sat_counts_sse2(const double *a, Py_ssize_t n, double b, double tol, int low, int high, Py_ssize_t *c)
{
    Py_ssize_t i = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
#if defined(__SSE2__) || defined(_M_X64)
    /* A true comparison is all ones, -1 as an integer: subtracting it counts. */
    __m128i k0 = _mm_setzero_si128(), k1 = k0, k2 = k0, k3 = k0;
    const __m128d vb = _mm_set1_pd(b), vt = _mm_set1_pd(tol), one = _mm_set1_pd(1.0);
    for (; i + 2 <= n; i += 2) {
        __m128d x = _mm_loadu_pd(a + i);
        if (low) {
            k0 = _mm_sub_epi64(k0, _mm_castpd_si128(_mm_cmpeq_pd(x, vb)));
            k1 = _mm_sub_epi64(k1, _mm_castpd_si128(_mm_cmplt_pd(_mm_sub_pd(x, vb), vt)));
        }
        if (high) {
            k2 = _mm_sub_epi64(k2, _mm_castpd_si128(_mm_cmpeq_pd(x, one)));
            k3 = _mm_sub_epi64(k3, _mm_castpd_si128(_mm_cmplt_pd(_mm_sub_pd(one, x), vt)));
        }
    }
    long long t[2];
    _mm_storeu_si128((__m128i *)t, k0); c0 = (Py_ssize_t)(t[0] + t[1]);
    _mm_storeu_si128((__m128i *)t, k1); c1 = (Py_ssize_t)(t[0] + t[1]);
    _mm_storeu_si128((__m128i *)t, k2); c2 = (Py_ssize_t)(t[0] + t[1]);
    _mm_storeu_si128((__m128i *)t, k3); c3 = (Py_ssize_t)(t[0] + t[1]);
#endif
    for (; i < n; i++) {
        c0 += low && a[i] == b;
        c1 += low && (a[i] - b) < tol;
        c2 += high && a[i] == 1.0;
        c3 += high && (1.0 - a[i]) < tol;
    }
    c[0] = c0;
    c[1] = c1;
    c[2] = c2;
    c[3] = c3;
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2_KERNELS 1
/* The same kernels in AVX2 (four lanes a register), chosen at import when the CPU has it: the same
 * additions in the same order, so the same results. */
#define LOADY(p, m, k) ((m) ? _mm256_sub_pd(_mm256_loadu_pd((p) + (k)), _mm256_loadu_pd((m) + (k))) \
                             : _mm256_loadu_pd((p) + (k)))
/* A leaf's lanes, folded as numpy folds them, plus its rest one by one. */
__attribute__((target("avx2"))) static void
leaf_fold(const double *a, const double *b, Py_ssize_t n, Py_ssize_t end, __m256d r0, __m256d r1, __m256d u0,
          __m256d u1, double *s, double *q)
{
    double r[8], u[8];
    _mm256_storeu_pd(r, r0); _mm256_storeu_pd(r + 4, r1);
    _mm256_storeu_pd(u, u0); _mm256_storeu_pd(u + 4, u1);
    double rs = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    double rq = ((u[0] + u[1]) + (u[2] + u[3])) + ((u[4] + u[5]) + (u[6] + u[7]));
    for (Py_ssize_t i = end; i < n; i++) {
        double v = b ? a[i] - b[i] : a[i];
        rs += v;
        rq += v * v;
    }
    *s = rs;
    *q = rq;
}

/* Two sibling leaves (8 <= na <= nc <= PW_BLOCK) summed together: each lane of each leaf adds its own
 * elements in their order, as numpy's single-leaf loop does, but the two leaves' additions are
 * independent, so they overlap instead of waiting on each other's latency. */
__attribute__((target("avx2"))) static void
leaf2_avx2(const double *a, const double *b, Py_ssize_t na, const double *c, const double *d, Py_ssize_t nc,
           double *sa, double *qa, double *sc, double *qc)
{
    Py_ssize_t ea = na - na % 8, ec = nc - nc % 8, e = ea < ec ? ea : ec, i;
    __m256d r0 = LOADY(a, b, 0), r1 = LOADY(a, b, 4), p0 = LOADY(c, d, 0), p1 = LOADY(c, d, 4);
    __m256d u0 = _mm256_mul_pd(r0, r0), u1 = _mm256_mul_pd(r1, r1);
    __m256d w0 = _mm256_mul_pd(p0, p0), w1 = _mm256_mul_pd(p1, p1);
    for (i = 8; i < e; i += 8) {
        __m256d x0 = LOADY(a, b, i), x1 = LOADY(a, b, i + 4), y0 = LOADY(c, d, i), y1 = LOADY(c, d, i + 4);
        r0 = _mm256_add_pd(r0, x0); r1 = _mm256_add_pd(r1, x1);
        p0 = _mm256_add_pd(p0, y0); p1 = _mm256_add_pd(p1, y1);
        u0 = _mm256_add_pd(u0, _mm256_mul_pd(x0, x0)); u1 = _mm256_add_pd(u1, _mm256_mul_pd(x1, x1));
        w0 = _mm256_add_pd(w0, _mm256_mul_pd(y0, y0)); w1 = _mm256_add_pd(w1, _mm256_mul_pd(y1, y1));
    }
    for (Py_ssize_t j = i; j < ea; j += 8) {
        __m256d x0 = LOADY(a, b, j), x1 = LOADY(a, b, j + 4);
        r0 = _mm256_add_pd(r0, x0); r1 = _mm256_add_pd(r1, x1);
        u0 = _mm256_add_pd(u0, _mm256_mul_pd(x0, x0)); u1 = _mm256_add_pd(u1, _mm256_mul_pd(x1, x1));
    }
    for (Py_ssize_t j = i; j < ec; j += 8) {
        __m256d y0 = LOADY(c, d, j), y1 = LOADY(c, d, j + 4);
        p0 = _mm256_add_pd(p0, y0); p1 = _mm256_add_pd(p1, y1);
        w0 = _mm256_add_pd(w0, _mm256_mul_pd(y0, y0)); w1 = _mm256_add_pd(w1, _mm256_mul_pd(y1, y1));
    }
    leaf_fold(a, b, na, ea, r0, r1, u0, u1, sa, qa);
    leaf_fold(c, d, nc, ec, p0, p1, w0, w1, sc, qc);
}

__attribute__((target("avx2"))) static void
pw_sums_avx2(const double *a, const double *b, Py_ssize_t n, double *s, double *q)
{
    if (n > PW_BLOCK) {
        Py_ssize_t n2 = n / 2;
        n2 -= n2 % 8;
        double s1, q1, s2, q2;
        if (n2 >= 8 && n - n2 <= PW_BLOCK) {  /* two leaves */
            leaf2_avx2(a, b, n2, a + n2, b ? b + n2 : NULL, n - n2, &s1, &q1, &s2, &q2);
            *s = s1 + s2;
            *q = q1 + q2;
            return;
        }
        pw_sums_avx2(a, b, n2, &s1, &q1);
        pw_sums_avx2(a + n2, b ? b + n2 : NULL, n - n2, &s2, &q2);
        *s = s1 + s2;
        *q = q1 + q2;
        return;
    }
    if (n < 8) {
        pw_sums_sse2(a, b, n, s, q);
        return;
    }
    Py_ssize_t i, end = n - (n % 8);
    __m256d r0 = LOADY(a, b, 0), r1 = LOADY(a, b, 4);
    __m256d u0 = _mm256_mul_pd(r0, r0), u1 = _mm256_mul_pd(r1, r1);
    for (i = 8; i < end; i += 8) {
        __m256d x0 = LOADY(a, b, i), x1 = LOADY(a, b, i + 4);
        r0 = _mm256_add_pd(r0, x0);
        r1 = _mm256_add_pd(r1, x1);
        u0 = _mm256_add_pd(u0, _mm256_mul_pd(x0, x0));
        u1 = _mm256_add_pd(u1, _mm256_mul_pd(x1, x1));
    }
    leaf_fold(a, b, n, end, r0, r1, u0, u1, s, q);
}
#undef LOADY

__attribute__((target("avx2"))) static void
min_max_zeros_avx2(const double *a, Py_ssize_t n, double *lo_, double *hi_, Py_ssize_t *zeros)
{
    Py_ssize_t i = 0, z = 0;
    double lo = a[0], hi = a[0];
    if (n >= 16) {
        __m256d l0 = _mm256_set1_pd(lo), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
        __m256d c0 = _mm256_setzero_pd(), c1 = c0;
        const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
        Py_ssize_t end = n - (n % 16);
        for (; i < end; i += 16) {
            __m256d x0 = _mm256_loadu_pd(a + i), x1 = _mm256_loadu_pd(a + i + 4);
            __m256d x2 = _mm256_loadu_pd(a + i + 8), x3 = _mm256_loadu_pd(a + i + 12);
            l0 = _mm256_min_pd(x0, l0); l1 = _mm256_min_pd(x1, l1); l2 = _mm256_min_pd(x2, l2); l3 = _mm256_min_pd(x3, l3);
            h0 = _mm256_max_pd(x0, h0); h1 = _mm256_max_pd(x1, h1); h2 = _mm256_max_pd(x2, h2); h3 = _mm256_max_pd(x3, h3);
            c0 = _mm256_add_pd(c0, _mm256_add_pd(_mm256_and_pd(_mm256_cmp_pd(x0, zero, _CMP_EQ_OQ), one),
                                                 _mm256_and_pd(_mm256_cmp_pd(x2, zero, _CMP_EQ_OQ), one)));
            c1 = _mm256_add_pd(c1, _mm256_add_pd(_mm256_and_pd(_mm256_cmp_pd(x1, zero, _CMP_EQ_OQ), one),
                                                 _mm256_and_pd(_mm256_cmp_pd(x3, zero, _CMP_EQ_OQ), one)));
        }
        double l[16], h[16], c[8];
        _mm256_storeu_pd(l, l0); _mm256_storeu_pd(l + 4, l1); _mm256_storeu_pd(l + 8, l2); _mm256_storeu_pd(l + 12, l3);
        _mm256_storeu_pd(h, h0); _mm256_storeu_pd(h + 4, h1); _mm256_storeu_pd(h + 8, h2); _mm256_storeu_pd(h + 12, h3);
        _mm256_storeu_pd(c, c0); _mm256_storeu_pd(c + 4, c1);
        for (int j = 0; j < 16; j++) {
            lo = l[j] < lo ? l[j] : lo;
            hi = h[j] > hi ? h[j] : hi;
        }
        z = (Py_ssize_t)(((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7])));
    }
    for (; i < n; i++) {
        double x = a[i];
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        z += x == 0.0;
    }
    *lo_ = lo;
    *hi_ = hi;
    *zeros = z;
}

__attribute__((target("avx2"))) static void
sat_counts_avx2(const double *a, Py_ssize_t n, double b, double tol, int low, int high, Py_ssize_t *c)
{
    Py_ssize_t i = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    __m256i k0 = _mm256_setzero_si256(), k1 = k0, k2 = k0, k3 = k0;
    const __m256d vb = _mm256_set1_pd(b), vt = _mm256_set1_pd(tol), one = _mm256_set1_pd(1.0);
    for (; i + 4 <= n; i += 4) {
        __m256d x = _mm256_loadu_pd(a + i);
        if (low) {
            k0 = _mm256_sub_epi64(k0, _mm256_castpd_si256(_mm256_cmp_pd(x, vb, _CMP_EQ_OQ)));
            k1 = _mm256_sub_epi64(k1, _mm256_castpd_si256(_mm256_cmp_pd(_mm256_sub_pd(x, vb), vt, _CMP_LT_OQ)));
        }
        if (high) {
            k2 = _mm256_sub_epi64(k2, _mm256_castpd_si256(_mm256_cmp_pd(x, one, _CMP_EQ_OQ)));
            k3 = _mm256_sub_epi64(k3, _mm256_castpd_si256(_mm256_cmp_pd(_mm256_sub_pd(one, x), vt, _CMP_LT_OQ)));
        }
    }
    long long t[4];
    _mm256_storeu_si256((__m256i *)t, k0); c0 = (Py_ssize_t)(t[0] + t[1] + t[2] + t[3]);
    _mm256_storeu_si256((__m256i *)t, k1); c1 = (Py_ssize_t)(t[0] + t[1] + t[2] + t[3]);
    _mm256_storeu_si256((__m256i *)t, k2); c2 = (Py_ssize_t)(t[0] + t[1] + t[2] + t[3]);
    _mm256_storeu_si256((__m256i *)t, k3); c3 = (Py_ssize_t)(t[0] + t[1] + t[2] + t[3]);
    for (; i < n; i++) {
        c0 += low && a[i] == b;
        c1 += low && (a[i] - b) < tol;
        c2 += high && a[i] == 1.0;
        c3 += high && (1.0 - a[i]) < tol;
    }
    c[0] = c0;
    c[1] = c1;
    c[2] = c2;
    c[3] = c3;
}
#endif

/* The kernels this CPU runs (set at import: AVX2 where it has it). */
static void (*pw_sums)(const double *, const double *, Py_ssize_t, double *, double *) = pw_sums_sse2;
static void (*min_max_zeros)(const double *, Py_ssize_t, double *, double *, Py_ssize_t *) = min_max_zeros_sse2;
static void (*sat_counts)(const double *, Py_ssize_t, double, double, int, int, Py_ssize_t *) = sat_counts_sse2;

static void
choose_kernels(void)
{
#ifdef HAVE_AVX2_KERNELS
    const char *want = getenv("NANDOCTOR_KERNELS");  /* "sse2": the baseline kernels (tests compare both) */
    __builtin_cpu_init();
    if ((want == NULL || strcmp(want, "sse2") != 0) && __builtin_cpu_supports("avx2")) {
        pw_sums = pw_sums_avx2;
        min_max_zeros = min_max_zeros_avx2;
        sat_counts = sat_counts_avx2;
    }
#endif
}

/* The sums, min, max and zeros of a[0..n), n > 0, in one pass over memory: the pairwise recursion of
 * pw_sums (split exactly as numpy splits), with the min, max and zeros of each piece of at most
 * PASS_CHUNK elements taken right after its sums, while it is still in cache. */
#define PASS_CHUNK 4096
static void
pw_pass(const double *a, Py_ssize_t n, Pass *p)
{
    if (n > PASS_CHUNK) {
        Py_ssize_t n2 = n / 2;
        n2 -= n2 % 8;
        Pass l, r;
        pw_pass(a, n2, &l);
        pw_pass(a + n2, n - n2, &r);
        p->s = l.s + r.s;
        p->q = l.q + r.q;
        p->lo = r.lo < l.lo ? r.lo : l.lo;
        p->hi = r.hi > l.hi ? r.hi : l.hi;
        p->zeros = l.zeros + r.zeros;
        return;
    }
    pw_sums(a, NULL, n, &p->s, &p->q);
    min_max_zeros(a, n, &p->lo, &p->hi, &p->zeros);
}

/* Pairwise sum of squares of a, or of (a - b) when b is given. */
static double
pw_sq(const double *a, const double *b, Py_ssize_t n)
{
    double s, q;
    pw_sums(a, b, n, &s, &q);
    return q;
}

/* The statistics row of the n > 0 float64 values a into out[nstats]; `d` the update's delta (or NULL),
 * or `old` the value before the update (delta = a - old), or neither. 1 if written, 0 if the row is one
 * stats_rows treats specially (then out is garbage). */
static int
fill_row(Hooks *h, const double *a, Py_ssize_t n, const double *d, const double *old, double *out)
{
    Pass p;
    pw_pass(a, n, &p);
    double size = (double)n;
    if (!isfinite(p.s) || !isfinite(p.q)) {
        /* A NaN or an infinity (or squares that overflowed): the masked or scaled path. One that holds a
         * NaN or an infinity, of more than copy_max elements (what the Python hooks summarise at once too),
         * forces the next observation of every screened array to a full check (stats.NonfiniteCount). */
        if (n > h->copy_max && (isnan(p.s) || isinf(p.lo) || isinf(p.hi)) && h->flag_buf != NULL
                && PyByteArray_GET_SIZE(h->flag_buf) >= (Py_ssize_t)sizeof(int64_t))
            ((int64_t *)PyByteArray_AS_STRING(h->flag_buf))[0] += 1;
        return 0;
    }
    double absmax = fabs(p.lo) > fabs(p.hi) ? fabs(p.lo) : fabs(p.hi);
    if (absmax > h->huge || (p.q < h->tiny_sq && absmax > 0))
        return 0;
    double mean = p.s / size, ex2 = p.q / size, var = ex2 - mean * mean;
    if (var < h->cancel * ex2 || !isfinite(var))
        return 0;
    double dsq = 0.0;
    int has_delta = d != NULL || old != NULL;
    if (has_delta) {
        dsq = d != NULL ? pw_sq(d, NULL, n) : pw_sq(a, old, n);
        if (!isfinite(dsq) || (dsq < h->tiny_sq && dsq > 0))
            return 0;
    }
    for (int k = 0; k < h->nstats; k++)
        out[k] = Py_NAN;
    const int *ix = h->ix;
    out[ix[R_SIZE]] = size;
    out[ix[R_N_NAN]] = out[ix[R_N_POSINF]] = out[ix[R_N_NEGINF]] = 0.0;
    out[ix[R_MIN]] = p.lo;
    out[ix[R_MAX]] = p.hi;
    out[ix[R_MEAN]] = mean;
    out[ix[R_STD]] = sqrt(var > 0.0 ? var : 0.0);
    out[ix[R_ABSMAX]] = absmax;
    out[ix[R_L2]] = sqrt(p.q);
    out[ix[R_FRAC_ZERO]] = (double)p.zeros / size;
    /* Saturation (stats._saturation): rows within [0, 1] or [-1, 1], counted on the sides min and max reach. */
    int unit = p.lo >= 0 && p.hi <= 1, sym = !unit && p.lo >= -1 && p.hi <= 1;
    if (unit || sym) {
        double b = unit ? 0.0 : -1.0, tol = h->sat_tol, exact = 0.0, near = 0.0;
        int low = p.lo - b < tol, high = 1.0 - p.hi < tol;
        if (low || high) {
            Py_ssize_t c[4];
            sat_counts(a, n, b, tol, low, high, c);
            if (low) {
                exact += (double)c[0];
                near += (double)c[1];
            }
            if (high) {
                exact += (double)c[2];
                near += (double)c[3];
            }
        }
        out[ix[R_FRAC_SAT_EXACT]] = exact / size;
        out[ix[R_FRAC_SAT_NEAR]] = near / size;
    }
    if (has_delta)
        out[ix[R_UPDATE_L2]] = sqrt(dsq);
    return 1;
}

/* Whether the hooks summarise `v` (an exact ndarray with its site's fast entry k) at once. */
static int
wants_row(Hooks *self, PyObject *k, PyObject *v, Py_ssize_t nbytes)
{
    Py_ssize_t n = nbytes / 8;
    return self->row_max > 0 && ((ArrayHead *)v)->descr == self->f8 && n > self->row_min && n <= self->row_max
           && PyTuple_GET_SIZE(k) == FE_SMALL && PyByteArray_CheckExact(PyTuple_GET_ITEM(k, FE_ROW_BUF));
}

/* Append the row of v (n float64 values; delta d, or a - old) onto the site's row buffer and the
 * entry (row code, None) onto the log; 1 if done, 0 if the row is not one for here or on failure
 * (nothing changed, no error set). */
static int
append_row(Hooks *self, PyObject *k, const double *a, Py_ssize_t n, const double *d, const double *old)
{
    PyObject *buf = PyTuple_GET_ITEM(k, FE_ROW_BUF);
    Py_ssize_t len = PyByteArray_GET_SIZE(buf), w = (Py_ssize_t)sizeof(double) * self->nstats;
    double row[32];
    if (self->nstats > 32 || !fill_row(self, a, n, d, old, row))
        return 0;
    if (grow(buf, len + w) < 0) {
        PyErr_Clear();
        return 0;
    }
    memcpy(PyByteArray_AS_STRING(buf) + len, row, (size_t)w);
    if (append_entry(self, PyTuple_GET_ITEM(k, FE_ROW_CODE), Py_None) < 0) {
        PyErr_Clear();
        PyByteArray_Resize(buf, len);
        return 0;
    }
    return 1;
}

/* The site's fast entry (borrowed) if `v` is a C-contiguous ndarray with the site's fast shape and
 * dtype, else NULL with no error set; *nbytes receives the entry's nbytes. */
static PyObject *
fast_entry(Hooks *self, PyObject *sid, PyObject *v, Py_ssize_t *nbytes)
{
    if (Py_TYPE(v) != self->ndarray)
        return NULL;
    PyObject *k = PyDict_GetItemWithError(self->fast, sid);
    if (k == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if (!PyTuple_CheckExact(k) || (PyTuple_GET_SIZE(k) != FE_ROW_BUF && PyTuple_GET_SIZE(k) != FE_SMALL
                                   && PyTuple_GET_SIZE(k) != FE_LARGE))
        return NULL;
    for (int i = FE_PLAIN_BUF; i <= FE_UPDATE_FLAGS; i++)
        if (i != FE_UPDATE_CODE && !PyByteArray_CheckExact(PyTuple_GET_ITEM(k, i)))
            return NULL;
    ArrayHead *a = (ArrayHead *)v;
    PyObject *shape = PyTuple_GET_ITEM(k, FE_SHAPE);
    if (a->descr != PyTuple_GET_ITEM(k, FE_DTYPE) || !(a->flags & C_CONTIGUOUS) || !PyTuple_CheckExact(shape)
            || a->nd != PyTuple_GET_SIZE(shape))
        return NULL;
    for (int i = 0; i < a->nd; i++) {
        Py_ssize_t d = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, i));
        if (d != a->dimensions[i]) {
            PyErr_Clear();  /* d == -1 may carry an error */
            return NULL;
        }
    }
    Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(k, FE_NBYTES));
    if (n < 0) {
        PyErr_Clear();
        return NULL;
    }
    *nbytes = n;
    return k;
}

/* Whether the count in flag_buf covers this thread: always for nandoctor's own count of non-finite values
 * (no context variable); with the opt-in trap, as FpTrap.in_force says: numpy's error state is the very
 * object the trap set. Never leaves an error set. */
static int
trap_in_force(Hooks *self)
{
    PyObject *cur = NULL;
    if (self->extvar == NULL)
        return self->flag_buf != NULL;
    if (PyContextVar_Get(self->extvar, NULL, &cur) < 0 || cur == NULL) {
        PyErr_Clear();
        return 0;
    }
    PyObject *ident = PyLong_FromUnsignedLong(PyThread_get_thread_ident());
    PyObject *ours = ident == NULL ? NULL : PyDict_GetItemWithError(self->extdict, ident);
    Py_XDECREF(ident);
    int same = ours != NULL && ours == cur;
    Py_DECREF(cur);
    PyErr_Clear();
    return same;
}

/* A large site's state cell (stats.BigArrays.cell): int64 fields, then doubles: the median of the recent
 * estimates of its updates' norms (NaN: none yet) and those estimates, a ring of CELL_RING. */
enum { C_SEEN, C_EVERY, C_FLAGS_AT, C_ARMED, C_SCREENING, C_TICKET, C_EST_COUNT, C_EST_LEN, C_EST_POS,
       C_EST_MED, C_RING, CELL_RING = 32, CELL_WORDS = C_RING + CELL_RING };

/* The state cell of a large site's fast entry (FE_LARGE items), or NULL. */
static int64_t *
cell_of(PyObject *k)
{
    if (PyTuple_GET_SIZE(k) != FE_LARGE)
        return NULL;
    PyObject *b = PyTuple_GET_ITEM(k, FE_CELL);
    if (!PyByteArray_CheckExact(b) || PyByteArray_GET_SIZE(b) < (Py_ssize_t)sizeof(int64_t) * CELL_WORDS)
        return NULL;
    return (int64_t *)PyByteArray_AS_STRING(b);
}

/* The estimate of the sum of squares of n float64 values from `blocks` evenly spaced runs of `run`
 * consecutive ones, scaled to all n (sample_sumsq; stats._sample_sumsq). */
static double
sample_est(const double *x, Py_ssize_t n, Py_ssize_t blocks, Py_ssize_t run)
{
    Py_ssize_t step = n / blocks, len = run < step ? run : step;
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    for (Py_ssize_t b = 0; b < blocks; b++) {
        const double *p = x + b * step;
        Py_ssize_t i = 0;
        for (; i + 4 <= len; i += 4)
            for (int j = 0; j < 4; j++)
                acc[j] += p[i + j] * p[i + j];
        for (; i < len; i++)
            acc[0] += p[i] * p[i];
    }
    double total = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    return total * ((double)n / (double)(len * blocks));
}

/* Judge an update's delta as stats.BigArrays.delta_seen does, into the cell's ticket: 1 if its sampled
 * norm is finite and within screen_spike times the median of the site's recent estimates (whose ring
 * and median it updates the same way), 0 if not. */
static void
judge_delta(Hooks *self, int64_t *c, const double *d, Py_ssize_t n)
{
    double *f = (double *)c;
    double est = sample_est(d, n, self->screen_blocks, self->screen_run);
    if (!isfinite(est)) {
        c[C_TICKET] = 0;
        return;
    }
    double e = sqrt(est), med = f[C_EST_MED];
    int64_t k = c[C_EST_COUNT], len = c[C_EST_LEN], pos = c[C_EST_POS];
    f[C_RING + pos] = e;
    c[C_EST_POS] = (pos + 1) % CELL_RING;
    c[C_EST_LEN] = len = len < CELL_RING ? len + 1 : CELL_RING;
    c[C_EST_COUNT] = k + 1;
    if (len >= 3 && (isnan(med) || k % 4 == 0)) {
        /* sorted(ring)[len // 2], by insertion sort of a copy */
        double v[CELL_RING];
        for (int64_t i = 0; i < len; i++) {
            double x = f[C_RING + i];
            int64_t j = i;
            for (; j > 0 && v[j - 1] > x; j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        f[C_EST_MED] = v[len / 2];
    }
    c[C_TICKET] = !isnan(med) && e <= self->screen_spike * med;
}

/* Screen a plain observation of a large array (a fast entry of FE_LARGE items: FE_CELL the site's state,
 * int64 [observations, exact_every, the flag_buf count at the last full check, armed]) as
 * stats.BigArrays.row would: when armed, not due a full check, the count unchanged since the last one
 * and in force, record the screened row (size, no non-finite value seen, NaN for the rest)
 * without reading the array. 1 if done, 0 if the Python hook must decide. Never leaves an error set. */
static int
screen(Hooks *self, PyObject *k, Py_ssize_t nbytes)
{
    int64_t *c = cell_of(k);
    if (c == NULL || self->flag_buf == NULL || self->nstats < 1 || !PyByteArray_CheckExact(PyTuple_GET_ITEM(k, FE_ROW_BUF))
            || PyByteArray_GET_SIZE(self->flag_buf) < 8)
        return 0;
    int64_t flags;
    memcpy(&flags, PyByteArray_AS_STRING(self->flag_buf), sizeof flags);
    if (!c[C_ARMED] || c[C_EVERY] <= 0 || c[C_SEEN] % c[C_EVERY] == 0 || flags != c[C_FLAGS_AT] || !trap_in_force(self))
        return 0;
    PyObject *buf = PyTuple_GET_ITEM(k, FE_ROW_BUF);
    Py_ssize_t len = PyByteArray_GET_SIZE(buf), w = (Py_ssize_t)sizeof(double) * self->nstats;
    if (grow(buf, len + w) < 0) {
        PyErr_Clear();
        return 0;
    }
    double *row = (double *)(PyByteArray_AS_STRING(buf) + len);
    for (int j = 0; j < self->nstats; j++)
        row[j] = Py_NAN;
    row[self->ix[R_SIZE]] = (double)(nbytes / 8);
    row[self->ix[R_N_NAN]] = row[self->ix[R_N_POSINF]] = row[self->ix[R_N_NEGINF]] = 0.0;
    if (append_entry(self, PyTuple_GET_ITEM(k, FE_ROW_CODE), Py_None) < 0) {
        PyErr_Clear();
        PyByteArray_Resize(buf, len);
        return 0;
    }
    c[C_SEEN] += 1;
    return 1;
}

/* Record one value the fast way; 1 if done, 0 if the slow path must take it. Never leaves an error set. */
static int
record(Hooks *self, PyObject *sid, PyObject *v)
{
    Py_ssize_t n;
    PyObject *k = fast_entry(self, sid, v, &n);
    if (k != NULL && PyTuple_GET_SIZE(k) == FE_LARGE)  /* a large array: screened, or the Python hook's */
        return screen(self, k, n);
    if (k != NULL) {
        if (wants_row(self, k, v, n)) {
            if (append_row(self, k, (const double *)((ArrayHead *)v)->data, n / 8, NULL, NULL))
                return 1;
            if (n / 8 > self->copy_max)
                return 0;  /* too large to copy: the Python hook summarises it now */
        }
        if (append_buffered(self, PyTuple_GET_ITEM(k, FE_PLAIN_BUF), PyTuple_GET_ITEM(k, FE_PLAIN_FLAGS), sid, ((ArrayHead *)v)->data, n,
                            NULL, 0) == 0)
            return 1;
        PyErr_Clear();
        return 0;
    }
    /* An int, a bool, a string or None holds no value the analysis reads (the Python hook drops them too): done
     * here, without a call into Python for each index, counter or hash of pure-Python code. */
    if (v == Py_None || PyLong_CheckExact(v) || PyBool_Check(v) || PyUnicode_CheckExact(v))
        return 1;
    if (PyFloat_CheckExact(v) && PyLong_CheckExact(sid)) {
        PyObject *code = PyNumber_Add(sid, self->k_scalar);
        int done = code != NULL && append_entry(self, code, v) == 0;
        Py_XDECREF(code);
        if (!done)
            PyErr_Clear();
        return done;
    }
    return 0;
}

/* Call a Python hook. At the script's recursion limit, entering the Python hook's frame raises
 * RecursionError before the hook can catch it: the hook is skipped instead (nothing recorded), so the
 * script overflows where it would under Python, at its own next call, not at this hook's. `passed` is
 * what the hook hands back (NULL: None). */
static PyObject *
call_slow(PyObject *slow, PyObject *const *args, Py_ssize_t nargs, PyObject *passed)
{
    PyObject *r = PyObject_Vectorcall(slow, args, nargs, NULL);
    if (r == NULL && PyErr_ExceptionMatches(PyExc_RecursionError)) {
        PyErr_Clear();
        return passed != NULL ? Py_NewRef(passed) : Py_NewRef(Py_None);
    }
    return r;
}

static PyObject *
Hooks_rec(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2)
        return call_slow(self->slow_rec, args, nargs, NULL);
    if (record(self, args[0], args[1]))
        return Py_NewRef(args[1]);
    return call_slow(self->slow_rec, args, nargs, args[1]);
}

static PyObject *
Hooks_args(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyTuple_CheckExact(args[0]) || !PyTuple_CheckExact(args[1])
            || PyTuple_GET_SIZE(args[0]) != PyTuple_GET_SIZE(args[1]))
        return call_slow(self->slow_args, args, nargs, NULL);
    Py_ssize_t m = PyTuple_GET_SIZE(args[0]);
    for (Py_ssize_t i = 0; i < m; i++) {
        PyObject *sid = PyTuple_GET_ITEM(args[0], i), *v = PyTuple_GET_ITEM(args[1], i);
        if (record(self, sid, v))
            continue;
        /* The slow hook for this one argument, with its own error handling. */
        PyObject *one_sid = PyTuple_Pack(1, sid), *one_v = PyTuple_Pack(1, v);
        PyObject *r = NULL;
        if (one_sid != NULL && one_v != NULL) {
            PyObject *call[2] = {one_sid, one_v};
            r = call_slow(self->slow_args, call, 2, NULL);
        }
        Py_XDECREF(one_sid);
        Py_XDECREF(one_v);
        if (r == NULL)
            return NULL;
        Py_DECREF(r);
    }
    Py_RETURN_NONE;
}

static PyObject *
Hooks_upd(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs == 3) {
        PyObject *old = args[1], *new = args[2];
        Py_ssize_t n;
        PyObject *k = fast_entry(self, args[0], new, &n);
        if (k != NULL && Py_TYPE(old) == self->ndarray && PyTuple_GET_SIZE(k) != FE_LARGE) {
            ArrayHead *a = (ArrayHead *)new, *b = (ArrayHead *)old;
            int same = b->descr == a->descr && b->nd == a->nd && (b->flags & C_CONTIGUOUS);
            for (int i = 0; same && i < a->nd; i++)
                same = b->dimensions[i] == a->dimensions[i];
            if (same) {
                if (wants_row(self, k, new, n)) {
                    if (append_row(self, k, (const double *)a->data, n / 8, NULL, (const double *)b->data))
                        return Py_NewRef(new);
                    if (n / 8 > self->copy_max)
                        return call_slow(self->slow_upd, args, nargs, args[2]);
                }
                if (append_buffered(self, PyTuple_GET_ITEM(k, FE_UPDATE_BUF), PyTuple_GET_ITEM(k, FE_UPDATE_FLAGS),
                                    PyTuple_GET_ITEM(k, FE_UPDATE_CODE),
                                    a->data, n, b->data, n) == 0)
                    return Py_NewRef(new);
                PyErr_Clear();
            }
        }
    }
    return call_slow(self->slow_upd, args, nargs, nargs == 3 ? args[2] : NULL);
}

/* row(site, value, delta) -> bool: record the statistics row of an augmented update's value with the
 * delta it was given (a copy taken before the update; None: a plain observation), if the site
 * summarises such values at once and the row is an ordinary one; False (nothing recorded) otherwise. */
static PyObject *
Hooks_row(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "row(site, value, delta)");
        return NULL;
    }
    Py_ssize_t n;
    PyObject *v = args[1], *d = args[2];
    PyObject *k = fast_entry(self, args[0], v, &n);
    if (k == NULL || !wants_row(self, k, v, n) || (d != Py_None && Py_TYPE(d) != self->ndarray))
        Py_RETURN_FALSE;
    if (d == Py_None) {  /* a plain observation (the site's first: the Python hook made its entry) */
        if (append_row(self, k, (const double *)((ArrayHead *)v)->data, n / 8, NULL, NULL))
            Py_RETURN_TRUE;
        Py_RETURN_FALSE;
    }
    ArrayHead *a = (ArrayHead *)v, *b = (ArrayHead *)d;
    int same = b->descr == a->descr && b->nd == a->nd && (b->flags & C_CONTIGUOUS);
    for (int i = 0; same && i < a->nd; i++)
        same = b->dimensions[i] == a->dimensions[i];
    if (same && append_row(self, k, (const double *)a->data, n / 8, (const double *)b->data, NULL))
        Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

/* The Python half of an update hook, called with the hook's arguments (`name` for the error if absent). */
static PyObject *
fall_back(PyObject *slow, const char *name, PyObject *const *args, Py_ssize_t nargs)
{
    if (slow == NULL) {
        PyErr_Format(PyExc_RuntimeError, "%s(): no Python hook to fall back to", name);
        return NULL;
    }
    return call_slow(slow, args, nargs, nargs == 2 ? args[1] : NULL);
}

/* delta(site, d) -> d: an augmented update's delta, before the update. For a large site (fast entry of
 * 11) and a delta of its value's shape and dtype: keep it as the update's pending delta and judge it
 * (judge_delta), as the Python hook does; anything else goes to the Python hook. */
static PyObject *
Hooks_delta(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs == 2 && self->pending != NULL) {
        Py_ssize_t n;
        PyObject *k = fast_entry(self, args[0], args[1], &n);
        int64_t *c = k == NULL ? NULL : cell_of(k);
        if (c != NULL && c[C_SCREENING] && self->screen_blocks > 0 && n / 8 >= self->screen_blocks) {
            if (PyDict_SetItem(self->pending, args[0], args[1]) == 0) {
                judge_delta(self, c, (const double *)((ArrayHead *)args[1])->data, n / 8);
                return Py_NewRef(args[1]);
            }
            PyErr_Clear();
        }
    }
    return fall_back(self->slow_delta, "delta", args, nargs);
}

/* augrec(site, value) -> None: the value an augmented update left. For a large site whose pending delta
 * was judged ordinary, screened as in `screen` (the delta is dropped unread); anything else goes to the
 * Python hook, which finds the delta still pending. */
static PyObject *
Hooks_augrec(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs == 2 && self->pending != NULL) {
        Py_ssize_t n;
        PyObject *k = fast_entry(self, args[0], args[1], &n);
        int64_t *c = k == NULL ? NULL : cell_of(k);
        if (c != NULL && c[C_TICKET] == 1) {
            PyObject *d = PyDict_GetItemWithError(self->pending, args[0]);  /* borrowed */
            if (d != NULL && Py_TYPE(d) == self->ndarray) {
                Py_INCREF(d);
                if (screen(self, k, n)) {
                    c[C_TICKET] = -1;
                    if (PyDict_DelItem(self->pending, args[0]) < 0)
                        PyErr_Clear();
                    Py_DECREF(d);
                    Py_RETURN_NONE;
                }
                Py_DECREF(d);
            }
            PyErr_Clear();
        }
    }
    return fall_back(self->slow_augrec, "augrec", args, nargs);
}

/* arm(state) with screening_state() (stats.NonfiniteCount's, or the opt-in FpTrap's): large arrays may
 * be screened here; arm(None): never. */
static PyObject *
Hooks_arm(Hooks *self, PyObject *state)
{
    PyObject *buf = NULL, *var = NULL, *d = NULL;
    if (state != Py_None) {
        if (!PyArg_ParseTuple(state, "O!OO", &PyByteArray_Type, &buf, &var, &d))
            return NULL;
        if (var == Py_None && d == Py_None)
            var = d = NULL;  /* nandoctor's own count: in force on every thread */
        else if (!PyContextVar_CheckExact(var) || !PyDict_CheckExact(d)) {
            PyErr_SetString(PyExc_TypeError, "arm(): not a context variable and a dict");
            return NULL;
        }
    }
    Py_XSETREF(self->flag_buf, Py_XNewRef(buf));
    Py_XSETREF(self->extvar, Py_XNewRef(var));
    Py_XSETREF(self->extdict, Py_XNewRef(d));
    Py_RETURN_NONE;
}

static int
Hooks_init(Hooks *self, PyObject *args, PyObject *kwds)
{
    PyObject *log, *payloads, *fast, *ndarray, *k_scalar, *slow_rec, *slow_args, *slow_upd;
    PyObject *probe, *probe_descr, *rows = NULL, *updates = NULL;
    Py_ssize_t probe_addr, probe_n0;
    int probe_nd;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!OOOOnnOi|O!O!", &PyList_Type, &log, &PyList_Type, &payloads,
                          &PyDict_Type, &fast, &PyType_Type, &ndarray,
                          &PyLong_Type, &k_scalar, &slow_rec, &slow_args, &slow_upd,
                          &probe, &probe_addr, &probe_n0, &probe_descr, &probe_nd, &PyTuple_Type, &rows,
                          &PyTuple_Type, &updates))
        return -1;
    /* updates: (Python delta hook, Python augrec hook, pending dict, screen blocks, screen run, screen spike) */
    PyObject *slow_delta = NULL, *slow_augrec = NULL, *pending = NULL;
    Py_ssize_t blocks = 0, run = 0;
    double spike = 0.0;
    if (updates != NULL && !PyArg_ParseTuple(updates, "OOO!nnd", &slow_delta, &slow_augrec, &PyDict_Type, &pending,
                                             &blocks, &run, &spike))
        return -1;
    /* rows: (float64 dtype, row_min, row_max, copy_max, nstats, (column of each ROW_SLOTS name), tiny_sq, huge,
     * cancel, sat_tol) */
    PyObject *f8 = NULL, *cols = NULL;
    Py_ssize_t row_min = 0, row_max = 0, copy_max = 0;
    int nstats = 0;
    double tiny_sq = 0, huge = 0, cancel = 0, sat_tol = 0;
    if (rows != NULL) {
        if (!PyArg_ParseTuple(rows, "OnnniO!dddd", &f8, &row_min, &row_max, &copy_max, &nstats, &PyTuple_Type, &cols,
                              &tiny_sq, &huge, &cancel, &sat_tol))
            return -1;
        if (nstats < 1 || nstats > 32 || PyTuple_GET_SIZE(cols) != R_N) {
            PyErr_SetString(PyExc_ValueError, "row layout: nstats in 1..32 and a column for each of ROW_SLOTS");
            return -1;
        }
        for (int i = 0; i < R_N; i++) {
            long c = PyLong_AsLong(PyTuple_GET_ITEM(cols, i));
            if (c < 0 || c >= nstats) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "row layout: a column index out of range");
                return -1;
            }
            self->ix[i] = (int)c;
        }
    }
    (void)kwds;
    /* The struct head must read as Python sees the probe: a C-contiguous 1-d array of probe_n0 elements. */
    if (Py_TYPE(probe) != (PyTypeObject *)ndarray) {
        PyErr_SetString(PyExc_TypeError, "the probe is not an exact ndarray");
        return -1;
    }
    ArrayHead *h = (ArrayHead *)probe;
    if ((Py_ssize_t)(intptr_t)h->data != probe_addr || h->nd != probe_nd || h->nd != 1
            || h->dimensions[0] != probe_n0 || h->descr != probe_descr || !(h->flags & C_CONTIGUOUS)) {
        PyErr_SetString(PyExc_RuntimeError, "numpy's array layout is not the one this module reads");
        return -1;
    }
    Py_XSETREF(self->log, Py_NewRef(log));
    Py_XSETREF(self->payloads, Py_NewRef(payloads));
    Py_XSETREF(self->fast, Py_NewRef(fast));
    Py_XSETREF(self->ndarray, (PyTypeObject *)Py_NewRef(ndarray));
    Py_XSETREF(self->k_scalar, Py_NewRef(k_scalar));
    Py_XSETREF(self->slow_rec, Py_NewRef(slow_rec));
    Py_XSETREF(self->slow_args, Py_NewRef(slow_args));
    Py_XSETREF(self->slow_upd, Py_NewRef(slow_upd));
    Py_XSETREF(self->f8, Py_XNewRef(f8));
    self->row_min = row_min;
    self->row_max = f8 != NULL ? row_max : 0;
    self->copy_max = copy_max;
    Py_XSETREF(self->slow_delta, Py_XNewRef(slow_delta));
    Py_XSETREF(self->slow_augrec, Py_XNewRef(slow_augrec));
    Py_XSETREF(self->pending, Py_XNewRef(pending));
    self->screen_blocks = blocks;
    self->screen_run = run;
    self->screen_spike = spike;
    self->nstats = nstats;
    self->tiny_sq = tiny_sq;
    self->huge = huge;
    self->cancel = cancel;
    self->sat_tol = sat_tol;
    return 0;
}

/* Stash: what an update statement read of its own target (old), or the container a subscript or
 * attribute statement writes to (keep), until the hook after it (updv, kept) takes it. Python evaluates
 * these once; the rewriter never reads them again (instrument.py). Entries are keyed by site and by the
 * caller's frame, so a recursive or interleaved (generator) run of the same statement keeps its own. A
 * statement an exception cut short leaves its entry: the next run of the site in the same frame
 * replaces it, begin() drops it, and past STASH_MAX entries the oldest goes. recorder.py keeps the
 * pure-Python equivalent. */
#define STASH_MAX 256

struct StashEntry {
    Py_ssize_t sid;
    const void *frame;
    PyObject *value;
};

/* The frame executing the hook's caller: a C function call pushes no frame of its own. */
static const void *
caller_frame(void)
{
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
    PyThreadState *ts = PyThreadState_Get();
    return ts->cframe != NULL ? (const void *)ts->cframe->current_frame : NULL;
#else
    return (const void *)PyEval_GetFrame();
#endif
}

static Py_ssize_t
stash_find(Hooks *self, Py_ssize_t sid, const void *frame)
{
    for (Py_ssize_t i = self->n_stash - 1; i >= 0; i--)
        if (self->stash[i].sid == sid && self->stash[i].frame == frame)
            return i;
    return -1;
}

/* Remove entry i; returns its value (a reference the caller owns). */
static PyObject *
stash_take(Hooks *self, Py_ssize_t i)
{
    PyObject *v = self->stash[i].value;
    memmove(self->stash + i, self->stash + i + 1, (size_t)(self->n_stash - i - 1) * sizeof(struct StashEntry));
    self->n_stash--;
    return v;
}

/* Stash v for (sid, frame). Values dropped are released only once the array is consistent again: a
 * release may run a finalizer, which may run instrumented code and so these very hooks. */
static void
stash_put(Hooks *self, Py_ssize_t sid, const void *frame, PyObject *v)
{
    if (self->stash == NULL) {
        self->stash = PyMem_Malloc(STASH_MAX * sizeof(struct StashEntry));
        if (self->stash == NULL)
            return;  /* nothing stashed: the hook after records a plain value */
        self->n_stash = 0;
    }
    PyObject *dropped = NULL;
    Py_ssize_t i = stash_find(self, sid, frame);
    if (i >= 0) {
        dropped = self->stash[i].value;
        self->stash[i].value = Py_NewRef(v);
    }
    else {
        if (self->n_stash == STASH_MAX)
            dropped = stash_take(self, 0);
        self->stash[self->n_stash].sid = sid;
        self->stash[self->n_stash].frame = frame;
        self->stash[self->n_stash].value = Py_NewRef(v);
        self->n_stash++;
    }
    Py_XDECREF(dropped);
}

static void
stash_clear(Hooks *self)
{
    while (self->stash != NULL && self->n_stash > 0) {
        PyObject *v = stash_take(self, self->n_stash - 1);
        Py_DECREF(v);
    }
}

/* The site number, or -1 (no error left set) for anything but an int. */
static Py_ssize_t
site_number(PyObject *sid)
{
    if (!PyLong_CheckExact(sid))
        return -1;
    Py_ssize_t n = PyLong_AsSsize_t(sid);
    if (n < 0) {
        PyErr_Clear();
        return -1;
    }
    return n;
}

/* old(site, value) -> value, and keep(site, container) -> container: stash it. */
static PyObject *
Hooks_old(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "old(site, value)");
        return NULL;
    }
    Py_ssize_t sid = site_number(args[0]);
    if (sid >= 0)
        stash_put(self, sid, caller_frame(), args[1]);
    return Py_NewRef(args[1]);
}

/* begin(site) -> site: drop what a cut-short run of this statement left, before one whose read may not run. */
static PyObject *
Hooks_begin(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "begin(site)");
        return NULL;
    }
    Py_ssize_t sid = site_number(args[0]);
    Py_ssize_t i = sid < 0 || self->stash == NULL ? -1 : stash_find(self, sid, caller_frame());
    if (i >= 0) {
        PyObject *v = stash_take(self, i);
        Py_DECREF(v);
    }
    return Py_NewRef(args[0]);
}

/* updv(site, new) -> new: an update's value, with the old one its right-hand side read (upd), or alone (rec). */
static PyObject *
Hooks_updv(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "updv(site, new)");
        return NULL;
    }
    Py_ssize_t sid = site_number(args[0]);
    Py_ssize_t i = sid < 0 || self->stash == NULL ? -1 : stash_find(self, sid, caller_frame());
    PyObject *r;
    if (i >= 0) {
        PyObject *old = stash_take(self, i);
        PyObject *call[3] = {args[0], old, args[1]};
        r = Hooks_upd(self, call, 3);
        Py_DECREF(old);
    }
    else
        r = Hooks_rec(self, args, 2);
    if (r == NULL)
        return NULL;
    Py_DECREF(r);
    return Py_NewRef(args[1]);
}

/* kept(site) -> None: the container keep() stashed, recorded after the statement wrote to it (with the
 * pending delta of an augmented update, if any). kept(site, name) -> None: the attribute the statement
 * bound on the kept object; the Python hook reads it, where that runs no user code. */
static PyObject *
Hooks_kept(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 1 && nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "kept(site[, attribute])");
        return NULL;
    }
    Py_ssize_t sid = site_number(args[0]);
    Py_ssize_t i = sid < 0 || self->stash == NULL ? -1 : stash_find(self, sid, caller_frame());
    PyObject *v = i >= 0 ? stash_take(self, i) : NULL;
    PyObject *r = NULL;
    if (nargs == 2 && PyTuple_CheckExact(args[1]) && PyTuple_GET_SIZE(args[1]) == 1) {
        /* kept(site, (index,)): a subscript target with a plain index. When the container is exactly a list
         * or a dict and the index exactly an int or a str, the element it now holds is the value (a parameter
         * kept in `weights[i]` or `params["W1"]`); reading it runs no user code. Else the container, as kept(site). */
        PyObject *key = PyTuple_GET_ITEM(args[1], 0);
        if (v != NULL) {
            PyObject *elem = NULL;
            if (PyList_CheckExact(v) && PyLong_CheckExact(key)) {
                Py_ssize_t k = PyLong_AsSsize_t(key);
                if (k == -1 && PyErr_Occurred())
                    PyErr_Clear();
                else {
                    if (k < 0)
                        k += PyList_GET_SIZE(v);
                    if (k >= 0 && k < PyList_GET_SIZE(v))
                        elem = Py_NewRef(PyList_GET_ITEM(v, k));
                }
            }
            else if (PyDict_CheckExact(v) && (PyUnicode_CheckExact(key) || PyLong_CheckExact(key))) {
                elem = PyDict_GetItemWithError(v, key);
                if (elem != NULL)
                    Py_INCREF(elem);
                else
                    PyErr_Clear();
            }
            if (elem != NULL) {
                Py_SETREF(v, elem);
            }
        }
        nargs = 1;
    }
    if (nargs == 2) {
        if (self->slow_kept == NULL) {
            Py_XDECREF(v);
            PyErr_SetString(PyExc_RuntimeError, "kept(): no Python hook attached");
            return NULL;
        }
        PyObject *call[3] = {args[0], args[1], v};
        r = call_slow(self->slow_kept, call, v != NULL ? 3 : 2, NULL);
    }
    else if (v == NULL) {  /* nothing kept: an augmented update's delta has no value to pair with */
        if (self->pending != NULL) {
            if (PyDict_DelItem(self->pending, args[0]) < 0)
                PyErr_Clear();
        }
        Py_RETURN_NONE;
    }
    else {
        int pending = self->pending != NULL ? PyDict_Contains(self->pending, args[0]) : 0;
        if (pending < 0) {
            PyErr_Clear();
            pending = 0;
        }
        PyObject *call[2] = {args[0], v};
        r = pending ? Hooks_augrec(self, call, 2) : Hooks_rec(self, call, 2);
    }
    Py_XDECREF(v);
    if (r == NULL)
        return NULL;
    Py_DECREF(r);
    Py_RETURN_NONE;
}

/* attach_kept(hook): the Python hook for kept(site, name): hook(site, name[, kept object]). */
static PyObject *
Hooks_attach_kept(Hooks *self, PyObject *hook)
{
    Py_XSETREF(self->slow_kept, Py_NewRef(hook));
    Py_RETURN_NONE;
}

/* clear_stash(): release every stashed value (the trace stops: they are the script's, not ours). */
static PyObject *
Hooks_clear_stash(Hooks *self, PyObject *unused)
{
    (void)unused;
    stash_clear(self);
    Py_RETURN_NONE;
}

static int
Hooks_traverse(Hooks *self, visitproc visit, void *arg)
{
    Py_VISIT(self->log);
    Py_VISIT(self->payloads);
    Py_VISIT(self->fast);
    Py_VISIT(self->ndarray);
    Py_VISIT(self->slow_rec);
    Py_VISIT(self->slow_args);
    Py_VISIT(self->slow_upd);
    Py_VISIT(self->f8);
    Py_VISIT(self->flag_buf);
    Py_VISIT(self->extvar);
    Py_VISIT(self->extdict);
    Py_VISIT(self->slow_delta);
    Py_VISIT(self->slow_augrec);
    Py_VISIT(self->pending);
    Py_VISIT(self->slow_kept);
    for (Py_ssize_t i = 0; self->stash != NULL && i < self->n_stash; i++)
        Py_VISIT(self->stash[i].value);
    return 0;
}

static int
Hooks_clear(Hooks *self)
{
    Py_CLEAR(self->log);
    Py_CLEAR(self->payloads);
    Py_CLEAR(self->fast);
    Py_CLEAR(self->ndarray);
    Py_CLEAR(self->k_scalar);
    Py_CLEAR(self->slow_rec);
    Py_CLEAR(self->slow_args);
    Py_CLEAR(self->slow_upd);
    Py_CLEAR(self->f8);
    Py_CLEAR(self->flag_buf);
    Py_CLEAR(self->extvar);
    Py_CLEAR(self->extdict);
    Py_CLEAR(self->slow_delta);
    Py_CLEAR(self->slow_augrec);
    Py_CLEAR(self->pending);
    Py_CLEAR(self->slow_kept);
    stash_clear(self);
    return 0;
}

static void
Hooks_dealloc(Hooks *self)
{
    PyObject_GC_UnTrack(self);
    Hooks_clear(self);
    PyMem_Free(self->stash);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Hooks_methods[] = {
    {"rec", (PyCFunction)(void (*)(void))Hooks_rec, METH_FASTCALL, "rec(site, value) -> value"},
    {"args", (PyCFunction)(void (*)(void))Hooks_args, METH_FASTCALL, "args(sites, values) -> None"},
    {"upd", (PyCFunction)(void (*)(void))Hooks_upd, METH_FASTCALL, "upd(site, old, new) -> new"},
    {"row", (PyCFunction)(void (*)(void))Hooks_row, METH_FASTCALL, "row(site, value, delta) -> recorded"},
    {"arm", (PyCFunction)Hooks_arm, METH_O, "arm(screening_state() or None)"},
    {"delta", (PyCFunction)(void (*)(void))Hooks_delta, METH_FASTCALL, "delta(site, d) -> d"},
    {"augrec", (PyCFunction)(void (*)(void))Hooks_augrec, METH_FASTCALL, "augrec(site, value) -> None"},
    {"old", (PyCFunction)(void (*)(void))Hooks_old, METH_FASTCALL, "old(site, value) -> value (also keep)"},
    {"begin", (PyCFunction)(void (*)(void))Hooks_begin, METH_FASTCALL, "begin(site) -> site"},
    {"updv", (PyCFunction)(void (*)(void))Hooks_updv, METH_FASTCALL, "updv(site, new) -> new"},
    {"kept", (PyCFunction)(void (*)(void))Hooks_kept, METH_FASTCALL, "kept(site[, attribute]) -> None"},
    {"attach_kept", (PyCFunction)Hooks_attach_kept, METH_O, "attach_kept(hook(site, name[, object]))"},
    {"clear_stash", (PyCFunction)Hooks_clear_stash, METH_NOARGS, "clear_stash() -> None"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject HooksType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "nandoctor.trace._fasthooks.Hooks",
    .tp_basicsize = sizeof(Hooks),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Hooks(log, payloads, fast, ndarray, k_scalar, rec, args, upd, probe, addr, n, dtype, nd[, rows])",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Hooks_init,
    .tp_dealloc = (destructor)Hooks_dealloc,
    .tp_traverse = (traverseproc)Hooks_traverse,
    .tp_clear = (inquiry)Hooks_clear,
    .tp_methods = Hooks_methods,
};

/* The element count of `arg`, a C-contiguous little-endian float64 numpy.ndarray of at least `min_n`
 * elements; -1 with an error naming `fn` if it is not one. */
static Py_ssize_t
f8_elements(PyObject *arg, Py_ssize_t min_n, const char *fn)
{
    if (strcmp(Py_TYPE(arg)->tp_name, "numpy.ndarray") != 0) {
        PyErr_Format(PyExc_TypeError, "%s() takes an exact numpy.ndarray", fn);
        return -1;
    }
    ArrayHead *a = (ArrayHead *)arg;
    Py_ssize_t n = 1;
    for (int i = 0; i < a->nd; i++)
        n *= a->dimensions[i];
    PyObject *kind = PyObject_GetAttrString(a->descr, "str");
    if (kind == NULL)
        return -1;
    int f8 = PyUnicode_CompareWithASCIIString(kind, "<f8") == 0;
    Py_DECREF(kind);
    if (!f8 || !(a->flags & C_CONTIGUOUS) || n < min_n) {
        PyErr_Format(PyExc_ValueError, "%s() takes a C-contiguous little-endian float64 array of at least %zd elements",
                     fn, min_n);
        return -1;
    }
    return n;
}

/* moments(array) -> (sum, sum of squares, min, max, zeros) of a C-contiguous float64 ndarray, in one pass:
 * the sums are numpy's pairwise sums (np.add.reduce of the values and of their squares), min and max
 * compare as numpy's do for finite values. For the full rows of large arrays (stats._lean_full), which
 * otherwise take five numpy passes. */
static PyObject *
moments(PyObject *mod, PyObject *arg)
{
    (void)mod;
    Py_ssize_t n = f8_elements(arg, 1, "moments");
    if (n < 0)
        return NULL;
    ArrayHead *a = (ArrayHead *)arg;
    Pass p;
    Py_BEGIN_ALLOW_THREADS
    pw_pass((const double *)a->data, n, &p);
    Py_END_ALLOW_THREADS
    return Py_BuildValue("ddddn", p.s, p.q, p.lo, p.hi, p.zeros);
}

/* kernels() -> "avx2" or "sse2": which statistics kernels this CPU runs (for tests and benchmarks). */
static PyObject *
kernels(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    return PyUnicode_FromString(pw_sums == pw_sums_sse2 ? "sse2" : "avx2");
}

/* sample_sumsq(array, blocks, run) -> the sum of squares of `blocks` evenly spaced runs of `run`
 * consecutive elements of a C-contiguous float64 array, scaled to the whole array: an estimate of its
 * sum of squares from a few KB (stats.BigArrays screens large updates with it). Runs, not a stride: an
 * array fresh from a product is out of cache, and every sampled element would cost a line of its own. */
static PyObject *
sample_sumsq(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
    (void)mod;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "sample_sumsq(array, blocks, run)");
        return NULL;
    }
    Py_ssize_t blocks = PyLong_AsSsize_t(args[1]), run = PyLong_AsSsize_t(args[2]);
    if (PyErr_Occurred())
        return NULL;
    if (blocks < 1 || run < 1) {
        PyErr_SetString(PyExc_ValueError, "sample_sumsq(): blocks and run must be positive");
        return NULL;
    }
    Py_ssize_t n = f8_elements(args[0], blocks, "sample_sumsq");
    if (n < 0)
        return NULL;
    ArrayHead *a = (ArrayHead *)args[0];
    return PyFloat_FromDouble(sample_est((const double *)a->data, n, blocks, run));
}

static PyMethodDef module_methods[] = {
    {"sample_sumsq", (PyCFunction)(void (*)(void))sample_sumsq, METH_FASTCALL,
     "sample_sumsq(array, blocks, run) -> estimated sum of squares"},
    {"moments", moments, METH_O, "moments(array) -> (sum, sum of squares, min, max, zeros)"},
    {"kernels", kernels, METH_NOARGS, "kernels() -> 'avx2' or 'sse2'"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fasthooks", "The recording hooks' common case in C (see recorder.py).", -1,
    module_methods, NULL, NULL, NULL, NULL,
};

/* Export a table of names as a tuple of str. */
static int
add_names(PyObject *m, const char *attr, const char *const *names, int n)
{
    PyObject *t = PyTuple_New(n);
    if (t == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        PyObject *name = PyUnicode_FromString(names[i]);
        if (name == NULL) {
            Py_DECREF(t);
            return -1;
        }
        PyTuple_SET_ITEM(t, i, name);
    }
    int rc = PyModule_AddObjectRef(m, attr, t);
    Py_DECREF(t);
    return rc;
}

PyMODINIT_FUNC
PyInit__fasthooks(void)
{
    choose_kernels();
    if (PyType_Ready(&HooksType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Hooks", (PyObject *)&HooksType) < 0 || add_names(m, "FAST_ENTRY_FIELDS", FAST_ENTRY_FIELDS, FE_N) < 0
            || add_names(m, "ROW_SLOTS", ROW_SLOTS, R_N) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
