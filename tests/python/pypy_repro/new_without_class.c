/* issue 36: PyPy 7.3.19 calls a type's HPy_tp_new for `T.__new__(default=1)`
 * (keywords only, so no class) with nargs 0, no keywords and a class handle
 * that names no live object. This module's tp_new does what any tp_new does
 * first (HPy_New on its class) and PyPy crashes on it; CPython's
 * tp_new_wrapper raises "T.__new__(): not enough arguments" before tp_new
 * runs. `run.py` shows both. */
#include "hpy.h"

typedef struct { long x; } Point;
HPyType_HELPERS(Point)

HPyDef_SLOT(Point_new, HPy_tp_new)
static HPy Point_new_impl(HPyContext *ctx, HPy cls, const HPy *args,
                          HPy_ssize_t nargs, HPy kw)
{
    Point *p;
    HPy h = HPy_New(ctx, cls, &p);
    if (HPy_IsNull(h))
        return HPy_NULL;
    p->x = (long)nargs;
    return h;
}

static HPyDef *Point_defines[] = { &Point_new, NULL };
static HPyType_Spec Point_spec = {
    .name = "new_without_class.Point",
    .basicsize = sizeof(Point),
    .builtin_shape = SHAPE(Point),
    .defines = Point_defines,
};


HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy m)
{
    HPy t = HPyType_FromSpec(ctx, &Point_spec, NULL);
    if (HPy_IsNull(t))
        return -1;
    int r = HPy_SetAttr_s(ctx, m, "Point", t);
    HPy_Close(ctx, t);
    return r;
}

static HPyDef *module_defines[] = { &mod_exec, NULL };
static HPyModuleDef moduledef = {
    .doc = "issue 36: PyPy's tp_new without a class",
    .defines = module_defines,
};

HPy_MODINIT(new_without_class, moduledef)
