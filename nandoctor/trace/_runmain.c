/* Run the traced script's module code as the interpreter runs a `__main__`: with no frame below it.
 *
 * `nandoctor run` executes the script from its own Python code, so without help the script would see
 * nandoctor's frames under its module frame (inspect.stack(), sys._getframe(n), warnings' stacklevel)
 * and would start its recursion budget several frames deep. run_code() cuts the thread's frame link
 * and counts the recursion depth from zero for the duration of one PyEval_EvalCode call, and puts
 * both back afterwards, whether the code returned or raised.
 *
 * Only CPython 3.11 exposes the fields this needs (PyThreadState.cframe->current_frame and
 * recursion_remaining/recursion_limit); elsewhere `supported` is False and nandoctor/trace/runner.py
 * falls back to a plain exec(), documented in README "Known limits".
 *
 * run_call() calls a function (the script's sys.excepthook) the same way. parent_death_signal(sig)
 * is Linux prctl(PR_SET_PDEATHSIG), so the traced child dies when the `nandoctor run` process that
 * waits for it is killed (SIGKILL cannot be passed on); Python has no API for it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000 && !defined(Py_LIMITED_API)
#define ND_CUT_FRAMES 1
#else
#define ND_CUT_FRAMES 0
#endif

/* Call `callable(*args)` (code == NULL) or evaluate `code` in `globals`, detached from our frames. */
static PyObject *
detached(PyObject *code, PyObject *globals, PyObject *callable, PyObject *args)
{
#if ND_CUT_FRAMES
    PyThreadState *tstate = PyThreadState_Get();
    _PyCFrame *cframe = tstate->cframe;
    struct _PyInterpreterFrame *saved_frame = cframe->current_frame;
    int depth = tstate->recursion_limit - tstate->recursion_remaining;
    cframe->current_frame = NULL;
    tstate->recursion_remaining = tstate->recursion_limit;
#endif
    PyObject *result = code != NULL ? PyEval_EvalCode(code, globals, globals) : PyObject_Call(callable, args, NULL);
#if ND_CUT_FRAMES
    /* The script may have changed the limit: keep its limit, give back our depth. */
    tstate = PyThreadState_Get();
    tstate->cframe->current_frame = saved_frame;
    tstate->recursion_remaining = tstate->recursion_limit - depth;
#endif
    return result;
}

static PyObject *
run_code(PyObject *self, PyObject *args)
{
    PyObject *code, *globals;
    if (!PyArg_ParseTuple(args, "O!O!:run_code", &PyCode_Type, &code, &PyDict_Type, &globals)) {
        return NULL;
    }
    return detached(code, globals, NULL, NULL);
}

static PyObject *
run_call(PyObject *self, PyObject *args)
{
    PyObject *callable, *call_args;
    if (!PyArg_ParseTuple(args, "OO!:run_call", &callable, &PyTuple_Type, &call_args)) {
        return NULL;
    }
    return detached(NULL, NULL, callable, call_args);
}

static PyObject *
parent_death_signal(PyObject *self, PyObject *args)
{
    int sig;
    if (!PyArg_ParseTuple(args, "i:parent_death_signal", &sig)) {
        return NULL;
    }
#if defined(__linux__)
    if (prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0) == 0) {
        Py_RETURN_TRUE;
    }
#endif
    Py_RETURN_FALSE;
}

static PyMethodDef methods[] = {
    {"run_code", run_code, METH_VARARGS,
     "run_code(code, globals): exec the code with no frame below it and the recursion depth from zero."},
    {"run_call", run_call, METH_VARARGS,
     "run_call(callable, args): call it as the interpreter calls sys.excepthook, with no frame below it."},
    {"parent_death_signal", parent_death_signal, METH_VARARGS,
     "parent_death_signal(sig): Linux PR_SET_PDEATHSIG; False if unavailable."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_runmain", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__runmain(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_AddObject(m, "supported", PyBool_FromLong(ND_CUT_FRAMES)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
