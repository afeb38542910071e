/* The hot path's common case in C: recording a small array whose site already knows its shape and dtype.
 *
 * nandoctor's recording hooks (recorder.py) are Python closures; on the 3-4-1 seed they run 26 times a
 * step and cost ~0.6 us each, as much as the training step itself. This module does exactly what their
 * fast path does -- a type test, a lookup of the site's (shape, dtype, nbytes), a dtype identity and a
 * shape comparison, a bytes copy of the data, and two list appends -- in ~0.1 us, and hands everything
 * else (first sightings, other shapes, scalars of other kinds, non-contiguous arrays, any error) to the
 * Python hook it was given, so behaviour is that of the Python code (coverage.py's CTracer/PyTracer split).
 *
 * No numpy headers: the module reads the public, ABI-stable head of numpy's array struct
 * (PyArrayObject_fields, unchanged from numpy 1.x to 2.x). Entries go where the Python hooks put them:
 * the bytes onto the end of the site's buffer (or, when they repeat its last row, only a flag saying
 * so), the code onto the log, None onto the payloads. `Hooks.__init__` checks that reading
 * against a probe array whose data address, shape, dtype and flags Python tells it, and refuses to
 * start (the Python hooks are used) if anything differs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

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

typedef struct {
    PyObject_HEAD
    PyObject *log;       /* list: entry codes */
    PyObject *payloads;  /* list: entry payloads */
    PyObject *fast;      /* dict: site -> (shape, dtype, nbytes, plain buffer, update buffer, update code,
                            plain flags, update flags) */
    PyTypeObject *ndarray;
    PyObject *k_scalar;  /* int added to a site for a Python float */
    PyObject *slow_rec;  /* the Python hooks, for everything else */
    PyObject *slow_args;
    PyObject *slow_upd;
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

/* The site's fast entry (borrowed) if `v` is a C-contiguous ndarray with the site's fast shape and
 * dtype, else NULL with no error set. The entry is (shape, dtype, nbytes, plain buffer, update buffer,
 * update code, plain flags, update flags); *nbytes receives nbytes. */
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
    if (!PyTuple_CheckExact(k) || PyTuple_GET_SIZE(k) != 8)
        return NULL;
    for (int i = 3; i < 8; i++)
        if (i != 5 && !PyByteArray_CheckExact(PyTuple_GET_ITEM(k, i)))
            return NULL;
    ArrayHead *a = (ArrayHead *)v;
    PyObject *shape = PyTuple_GET_ITEM(k, 0);
    if (a->descr != PyTuple_GET_ITEM(k, 1) || !(a->flags & C_CONTIGUOUS) || !PyTuple_CheckExact(shape)
            || a->nd != PyTuple_GET_SIZE(shape))
        return NULL;
    for (int i = 0; i < a->nd; i++) {
        Py_ssize_t d = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, i));
        if (d != a->dimensions[i]) {
            PyErr_Clear();  /* d == -1 may carry an error */
            return NULL;
        }
    }
    Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(k, 2));
    if (n < 0) {
        PyErr_Clear();
        return NULL;
    }
    *nbytes = n;
    return k;
}

/* Record one value the fast way; 1 if done, 0 if the slow path must take it. Never leaves an error set. */
static int
record(Hooks *self, PyObject *sid, PyObject *v)
{
    Py_ssize_t n;
    PyObject *k = fast_entry(self, sid, v, &n);
    if (k != NULL) {
        if (append_buffered(self, PyTuple_GET_ITEM(k, 3), PyTuple_GET_ITEM(k, 6), sid, ((ArrayHead *)v)->data, n,
                            NULL, 0) == 0)
            return 1;
        PyErr_Clear();
        return 0;
    }
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

static PyObject *
Hooks_rec(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2)
        return PyObject_Vectorcall(self->slow_rec, args, nargs, NULL);
    if (record(self, args[0], args[1]))
        return Py_NewRef(args[1]);
    return PyObject_Vectorcall(self->slow_rec, args, nargs, NULL);
}

static PyObject *
Hooks_args(Hooks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyTuple_CheckExact(args[0]) || !PyTuple_CheckExact(args[1])
            || PyTuple_GET_SIZE(args[0]) != PyTuple_GET_SIZE(args[1]))
        return PyObject_Vectorcall(self->slow_args, args, nargs, NULL);
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
            r = PyObject_Vectorcall(self->slow_args, call, 2, NULL);
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
        if (k != NULL && Py_TYPE(old) == self->ndarray) {
            ArrayHead *a = (ArrayHead *)new, *b = (ArrayHead *)old;
            int same = b->descr == a->descr && b->nd == a->nd && (b->flags & C_CONTIGUOUS);
            for (int i = 0; same && i < a->nd; i++)
                same = b->dimensions[i] == a->dimensions[i];
            if (same) {
                if (append_buffered(self, PyTuple_GET_ITEM(k, 4), PyTuple_GET_ITEM(k, 7), PyTuple_GET_ITEM(k, 5),
                                    a->data, n, b->data, n) == 0)
                    return Py_NewRef(new);
                PyErr_Clear();
            }
        }
    }
    return PyObject_Vectorcall(self->slow_upd, args, nargs, NULL);
}

static int
Hooks_init(Hooks *self, PyObject *args, PyObject *kwds)
{
    PyObject *log, *payloads, *fast, *ndarray, *k_scalar, *slow_rec, *slow_args, *slow_upd;
    PyObject *probe, *probe_descr;
    Py_ssize_t probe_addr, probe_n0;
    int probe_nd;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!OOOOnnOi", &PyList_Type, &log, &PyList_Type, &payloads,
                          &PyDict_Type, &fast, &PyType_Type, &ndarray,
                          &PyLong_Type, &k_scalar, &slow_rec, &slow_args, &slow_upd,
                          &probe, &probe_addr, &probe_n0, &probe_descr, &probe_nd))
        return -1;
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
    return 0;
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
    return 0;
}

static void
Hooks_dealloc(Hooks *self)
{
    PyObject_GC_UnTrack(self);
    Hooks_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Hooks_methods[] = {
    {"rec", (PyCFunction)(void (*)(void))Hooks_rec, METH_FASTCALL, "rec(site, value) -> value"},
    {"args", (PyCFunction)(void (*)(void))Hooks_args, METH_FASTCALL, "args(sites, values) -> None"},
    {"upd", (PyCFunction)(void (*)(void))Hooks_upd, METH_FASTCALL, "upd(site, old, new) -> new"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject HooksType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "nandoctor.trace._fasthooks.Hooks",
    .tp_basicsize = sizeof(Hooks),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Hooks(log, payloads, fast, ndarray, k_scalar, rec, args, upd, probe, addr, n, dtype, nd)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Hooks_init,
    .tp_dealloc = (destructor)Hooks_dealloc,
    .tp_traverse = (traverseproc)Hooks_traverse,
    .tp_clear = (inquiry)Hooks_clear,
    .tp_methods = Hooks_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fasthooks", "The recording hooks' common case in C (see recorder.py).", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__fasthooks(void)
{
    if (PyType_Ready(&HooksType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Hooks", (PyObject *)&HooksType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
