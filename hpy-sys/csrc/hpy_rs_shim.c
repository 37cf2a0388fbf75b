/* hpy-sys: exposes HPy's CPython-ABI global context to Rust.
   Compiled by build.rs with -DHPY_ABI_CPYTHON against the installed headers. */
#include "hpy.h"

HPyContext *hpy_rs_cpython_context(void)
{
    return _HPyGetContext();
}
