/* PyEval_CallObject for durable_rules 2.0.28 on Python >= 3.13, which removed it from the C API.
 *
 * durable_rules_engine calls it (in callbacks expert never registers), so without this symbol
 * the extension does not even load.  Built by setup.py only on Python >= 3.13 and loaded
 * globally by expert/inference/engine.py before durable_rules_engine is imported; see the
 * comment there for when both can go.  Same meaning as the removed 3.12 macro:
 * PyEval_CallObjectWithKeywords(callable, args, NULL), i.e. PyObject_CallObject. */
#include <Python.h>

PyObject *PyEval_CallObject(PyObject *callable, PyObject *args)
{
    return PyObject_CallObject(callable, args);
}
