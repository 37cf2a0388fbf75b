/* What the C HPy twins of bench/c/ (objects/, kiwi/, rpds/) share: adding
   a type made from its spec to the module and keeping it in a global.
   Included after "hpy.h"; static, so each module has its own copy. */

#ifndef HPY_TWIN_H
#define HPY_TWIN_H

/* Creates the type of `spec`, keeps it in `global` and sets it on `module`
   as `name`; -1 with an exception set on failure. */
static int add_type(HPyContext *ctx, HPy module, HPyType_Spec *spec, const char *name,
                    HPyGlobal *global)
{
    HPy t = HPyType_FromSpec(ctx, spec, NULL);
    if (HPy_IsNull(t))
        return -1;
    HPyGlobal_Store(ctx, global, t);
    int r = HPy_SetAttr_s(ctx, module, name, t);
    HPy_Close(ctx, t);
    return r;
}

#endif
