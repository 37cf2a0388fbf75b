#!/usr/bin/env python3
"""Generate the trace context's function table of hpy_rs_universal.

Run with a Python that has ``hpy==0.9.0`` installed::

    python hpy-universal/generate/trace_gen.py          # (re)write the output
    python hpy-universal/generate/trace_gen.py --check  # diff against the repo

Output (committed; never edit it by hand): ``src/trace/generated.rs``: the
name of every function of the universal ``HPyContext`` (``NAMES``, indexed as
the counters are), one wrapper per function that counts the call, times it
and runs the Python trace functions around it while the plain universal
context's function does the work with the same handles, and ``table()``,
which fills a whole trace context (the handle constants and
``ctx_CallRealFunctionFromTrampoline`` are the universal context's own, as
in HPy's trace mode, so the trampoline is never counted). The wrappers and
``table()`` are generic over ``TracedCall`` (declared there too): what a
traced call does before and after the universal function is the trace
state's (``src/trace/mod.rs``'s ``Call``), so the output names nothing of
the module that uses it.

Exit status as debug_gen.py's.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import debug_gen as D  # noqa: E402  (its model, header and --check driver)

G = D.G
SCRIPT = 'hpy-universal/generate/trace_gen.py'
OUTPUT = 'src/trace/generated.rs'
NOT_TRACED = {'ctx_CallRealFunctionFromTrampoline'}


def wrapper(fl, index):
    fn = fl.fn
    ret = G.rust_type(fn.ret)
    sig = ['tctx: *mut Ctx']
    args = ['u']
    for p in fn.params[1:]:
        name = G.param_ident(p.name)
        sig.append('%s: %s' % (name, G.rust_type(p.ctype)))
        args.append(name)
    call = '((*u).%s)(%s)' % (fl.name, ', '.join(args))
    if ret:
        body = ('        let result = %s;\n'
                '        call.exit();\n'
                '        result\n' % call)
    else:
        body = ('        %s;\n'
                '        call.exit();\n' % call)
    return ('\n/// Trace `%s`: counted, timed, then the universal one.\n'
            'unsafe extern "C" fn %s<C: TracedCall>(%s)%s {\n'
            '    // SAFETY: `tctx` is the trace context (extensions call with the context\n'
            '    // they were given), whose universal context is live; the arguments are\n'
            '    // passed on unchanged (both contexts share their handles).\n'
            '    unsafe {\n'
            '        let call = C::enter(tctx, %d);\n'
            '        let u = call.universal();\n'
            '%s'
            '    }\n'
            '}\n' % (fl.name, fl.name, ', '.join(sig), ' -> %s' % ret if ret else '',
                     index, body))


def emit(M):
    traced = [fl for fl in M.ctx_fns if fl.name not in NOT_TRACED]
    out = [D.header().replace(D.SCRIPT, SCRIPT)]
    out.append('''
//! The trace context's function table: a counting, timing wrapper for each
//! of the %d traced context functions, their names, and [`table`]. The
//! wrappers are generic over what a traced call does around the universal
//! function ([`TracedCall`]: the trace state's counting, timing and trace
//! functions), which is not here.

#![allow(non_snake_case)] // named after the context fields

use core::ffi::{c_char, c_int, c_void};

use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::*;

/// The names of the traced context functions (as `hpy.trace` reports them),
/// in the order of the counters.
pub(super) const NAMES: [&str; %d] = [
''' % (len(traced), len(traced)))
    for fl in traced:
        out.append('    "%s",\n' % fl.name)
    out.append('];\n')
    out.append('''
/// A traced call in progress, from [`TracedCall::enter`] to
/// [`TracedCall::exit`]: what each wrapper does around the universal
/// context's function (count, time, run the trace functions).
pub(super) trait TracedCall: Sized {
    /// Starts traced call `id` (its index in [`NAMES`]).
    ///
    /// # Safety
    /// `tctx` is a trace context whose `_private` is what the implementation
    /// expects (the `private` given to [`table`]); the GIL is held.
    unsafe fn enter(tctx: *mut Ctx, id: usize) -> Self;

    /// The universal context the call is made on.
    fn universal(&self) -> *mut Ctx;

    /// Ends the call.
    fn exit(self);
}
''')
    for i, fl in enumerate(traced):
        out.append(wrapper(fl, i))
    out.append('''
/// A trace context over `u`: its handle constants and trampoline entry are
/// `u`'s, every other function is a trace wrapper whose calls are `C`s,
/// `_private` is `private`.
pub(super) fn table<C: TracedCall>(name: *const c_char, private: *mut c_void, u: &Ctx) -> Ctx {
    Ctx {
        name,
        _private: private,
        abi_version: u.abi_version,
''')
    for fl in M.uctx[3:]:
        if fl.fn is None or fl.name in NOT_TRACED:
            out.append('        %s: u.%s,\n' % (fl.name, fl.name))
        else:
            out.append('        %s: %s::<C>,\n' % (fl.name, fl.name))
    out.append('    }\n}\n')
    return ''.join(out)


def generate():
    return {OUTPUT: emit(D.model())}


if __name__ == '__main__':
    D.generate = generate
    D.OUTPUT = OUTPUT
    D.SCRIPT = SCRIPT
    D.main()
