/* open_many(n): n handles open at once, then closed. The reproducer of a
 * PyPy 7.3.19 debug-mode cost that tests/python/test_fuzz.py bounds
 * (PYPY_DEBUG_QUADRATIC there): the time grows faster than n there (n = 2000,
 * 8000, 16000: 0.023, 0.374, 1.139 s), and stays about 1 ms for 16000 in
 * PyPy's plain mode and in hpy.universal's debug mode on CPython 3.11.
 * Built by setup.py beside the other modules here; run
 *   HPY=debug pypy3 -c 'import time, open_many as m; t = time.time();
 *                       m.open_many(16000); print(time.time() - t)' */
#include <stdlib.h>
#include "hpy.h"

HPyDef_METH(open_many, "open_many", HPyFunc_O)
static HPy open_many_impl(HPyContext *ctx, HPy self, HPy arg)
{
    long n = HPyLong_AsLong(ctx, arg);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    HPy *hs = malloc(sizeof(HPy) * (n > 0 ? n : 1));
    for (long i = 0; i < n; i++)
        hs[i] = HPyLong_FromLong(ctx, i);
    for (long i = 0; i < n; i++)
        HPy_Close(ctx, hs[i]);
    free(hs);
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *defines[] = { &open_many, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(open_many, moduledef)
