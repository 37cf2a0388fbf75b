#!/usr/bin/env python3
"""Generate the debug context's function table of hpy_rs_universal.

Run with a Python that has ``hpy==0.9.0`` installed::

    python hpy-universal/generate/debug_gen.py          # (re)write the output
    python hpy-universal/generate/debug_gen.py --check  # diff against the repo

Output (committed; never edit it by hand): ``src/debug/generated.rs``, one
wrapper per function of the universal ``HPyContext`` that only needs the
mechanical treatment -- check that every ``HPy`` parameter is an open debug
handle and unwrap it, call the plain universal context's function, open a new
debug handle for an ``HPy`` result -- plus ``table()``, which fills a whole
debug context: those wrappers, the functions listed in HANDWRITTEN (written
in ``src/debug/*.rs``), and the handle constants opened as debug handles.

The context description comes from hpy-sys's generator (``build_model``), so
both tables follow the same headers. A function whose parameters or result
carry handles in a way the mechanical wrapper cannot handle (arrays,
out-parameters, builders, trackers, type spec parameters), or that returns a
pointer whose validity might be tied to a handle, must be listed below:
generation fails until it is.

Exit status: 0 done (or up to date), 1 out of date (--check), 3 the hpy
package is not importable (nothing was checked).
"""

import argparse
import difflib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)
ROOT = os.path.dirname(CRATE)
SCRIPT = 'hpy-universal/generate/debug_gen.py'
OUTPUT = 'src/debug/generated.rs'

# hpy-sys's generator, imported for its model (no .pyc left in its directory)
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, 'hpy-sys', 'generate'))
import hpy_sys_gen as G  # noqa: E402

# Context functions written by hand in src/debug/*.rs, and why.
HANDWRITTEN = {
    'ctx_Close': ('handwritten', 'closes the debug handle before releasing the object; '
                  'reports closing twice, an argument or a constant'),
    'ctx_Tuple_FromArray': ('handwritten', 'an array of handles'),
    'ctx_Type_GenericNew': ('handwritten', 'an array of handles'),
    'ctx_Call': ('handwritten', 'an array of handles whose length depends on kwnames'),
    'ctx_CallMethod': ('handwritten', 'an array of handles whose length depends on kwnames'),
    'ctx_Type_FromSpec': ('handwritten', 'the type spec parameters carry handles'),
    'ctx_Unicode_AsUTF8AndSize': ('handwritten', 'the text is valid while the handle is: '
                                  'handed out as a copy that is protected at close'),
    'ctx_Bytes_AsString': ('handwritten', 'as ctx_Unicode_AsUTF8AndSize'),
    'ctx_Bytes_AS_STRING': ('handwritten', 'as ctx_Unicode_AsUTF8AndSize'),
    'ctx_Type_GetName': ('handwritten', 'as ctx_Unicode_AsUTF8AndSize'),
    'ctx_ContextVar_Get': ('handwritten', 'the result is an out-parameter'),
    'ctx_CallRealFunctionFromTrampoline': ('trampoline', 'turns CPython\'s objects into '
                                           'argument debug handles for one call'),
    'ctx_ListBuilder_New': ('handwritten', 'builders get debug records'),
    'ctx_ListBuilder_Set': ('handwritten', 'builders get debug records'),
    'ctx_ListBuilder_Build': ('handwritten', 'builders get debug records'),
    'ctx_ListBuilder_Cancel': ('handwritten', 'builders get debug records'),
    'ctx_TupleBuilder_New': ('handwritten', 'builders get debug records'),
    'ctx_TupleBuilder_Set': ('handwritten', 'builders get debug records'),
    'ctx_TupleBuilder_Build': ('handwritten', 'builders get debug records'),
    'ctx_TupleBuilder_Cancel': ('handwritten', 'builders get debug records'),
    'ctx_Tracker_New': ('handwritten', 'the debug context\'s own tracker of debug handles'),
    'ctx_Tracker_Add': ('handwritten', 'the debug context\'s own tracker of debug handles'),
    'ctx_Tracker_ForgetAll': ('handwritten', 'the debug context\'s own tracker of debug handles'),
    'ctx_Tracker_Close': ('handwritten', 'closes each handle through the debug HPy_Close'),
}

# Checks HPy's debug mode makes on the (unwrapped) arguments of some
# mechanical wrappers: function -> [(check in src/debug/checks.rs, parameter,
# extra arguments)]. A failed check is a fatal error.
CHECKS = {
    'ctx_TypeCheck': [('require_type', 'type', '"HPy_TypeCheck arg 2 must be a type"')],
    'ctx_Type_IsSubtype': [('require_type', 'sub', '"HPyType_IsSubtype arg 1 must be a type"'),
                           ('require_type', 'type', '"HPyType_IsSubtype arg 2 must be a type"')],
    'ctx_Unicode_Substring': [('require_str', 'str',
                               '"HPyUnicode_Substring arg 1 must be a Unicode object"')],
}
for _shape in ('Object', 'Legacy', 'Type', 'Long', 'Float', 'Unicode', 'Tuple', 'List'):
    CHECKS['ctx_AsStruct_' + _shape] = [
        ('require_shape', 'h', 'HPyType_BuiltinShape_%s, "_HPy_AsStruct_%s"' % (_shape, _shape))]

# Types of parameters/results that carry handles other than as a plain `HPy`.
HANDLE_CARRIERS = {'*const HPy', '*mut HPy', 'HPyListBuilder', 'HPyTupleBuilder', 'HPyTracker',
                   '*mut HPyType_SpecParam'}

# Mechanical wrappers whose pointer result does not depend on the handle
# staying open, and why. (On this host HPyField and HPyGlobal hold the object
# itself, not a handle, so HPyField_*/HPyGlobal_* load and store, and HPy_New,
# are mechanical too.)
POINTER_RESULTS = {
    'ctx_Long_AsVoidPtr': 'a number, not memory',
    'ctx_AsPyObject': 'a new reference, owned by the caller',
    'ctx_Capsule_Get': 'memory owned by the capsule\'s creator',
    'ctx_AsStruct_Object': 'the object\'s own memory (lives as long as the object)',
    'ctx_AsStruct_Legacy': 'the object\'s own memory (lives as long as the object)',
    'ctx_AsStruct_Type': 'the object\'s own memory (lives as long as the object)',
    'ctx_AsStruct_Long': 'the object\'s own memory (lives as long as the object)',
    'ctx_AsStruct_Float': 'the object\'s own memory (lives as long as the object)',
    'ctx_AsStruct_Unicode': 'the object\'s own memory (lives as long as the object)',
    'ctx_AsStruct_Tuple': 'the object\'s own memory (lives as long as the object)',
    'ctx_AsStruct_List': 'the object\'s own memory (lives as long as the object)',
}


def header():
    return ('// @generated by %s from the HPy %s headers (universal/autogen_ctx.h, via '
            'hpy-sys/generate/hpy_sys_gen.py). DO NOT EDIT: change the generator and re-run '
            'it.\n' % (SCRIPT, G.VERSION[0]))


def wrapper(fl):
    """The mechanical debug wrapper of context function `fl`."""
    fn = fl.fn
    params = fn.params[1:]
    ret = G.rust_type(fn.ret)
    sig = ['dctx: *mut Ctx']
    unwrapped = []
    args = ['u']
    for p in params:
        t = G.rust_type(p.ctype)
        name = G.param_ident(p.name)
        if t in HANDLE_CARRIERS:
            sys.exit('error: %s has a parameter `%s: %s` that carries handles: write it by hand '
                     'and list it in HANDWRITTEN (%s)' % (fl.name, name, t, SCRIPT))
        sig.append('%s: %s' % (name, t))
        if t == 'HPy':
            unwrapped.append(name)
        args.append(name)
    if ret in HANDLE_CARRIERS:
        sys.exit('error: %s returns `%s`, which carries handles: write it by hand and list it '
                 'in HANDWRITTEN (%s)' % (fl.name, ret, SCRIPT))
    if ret is not None and ret.startswith('*') and unwrapped and fl.name not in POINTER_RESULTS:
        sys.exit('error: %s returns a pointer (`%s`) and takes a handle: if the pointer is valid '
                 'only while the handle is open, write it by hand (HANDWRITTEN); otherwise say '
                 'why in POINTER_RESULTS (%s)' % (fl.name, ret, SCRIPT))
    checks = CHECKS.get(fl.name, [])
    for _, param, _ in checks:
        if G.param_ident(param) not in unwrapped:
            sys.exit('error: CHECKS names parameter %r of %s, which has no such handle parameter'
                     % (param, fl.name))
    what = []
    if unwrapped:
        what.append('checks and unwraps %s' % ', '.join('`%s`' % n for n in unwrapped))
    for check, param, _ in checks:
        what.append('`%s` of `%s`' % (check, param))
    what.append('calls the universal `%s`' % fl.name)
    if ret == 'HPy':
        what.append('opens a debug handle for the result')
    out = ['\n/// Debug `%s`: %s.\n' % (fl.name, ', '.join(what))]
    out.append('unsafe extern "C" fn %s(%s)%s {\n' % (fl.name, ', '.join(sig),
                                                      ' -> %s' % ret if ret else ''))
    out.append('    // SAFETY: `dctx` is the debug context (extensions call with the context\n'
               '    // they were given) and the universal context it wraps is live; the\n'
               '    // arguments are passed on as the extension gave them, with handles\n'
               '    // unwrapped.\n')
    out.append('    unsafe {\n')
    out.append('        let d = info(dctx);\n')
    out.append('        let u = d.universal();\n')
    for n in unwrapped:
        out.append('        let %s = d.unwrap(%s);\n' % (n, n))
    for check, param, extra in checks:
        out.append('        super::checks::%s(d, %s, %s);\n' % (check, G.param_ident(param), extra))
    call = '((*u).%s)(%s)' % (fl.name, ', '.join(args))
    if ret == 'HPy':
        out.append('        d.open(%s)\n' % call)
    else:
        out.append('        %s\n' % call)
    out.append('    }\n}\n')
    return ''.join(out)


def emit(M):
    names = [f.name for f in M.ctx_fns]
    unknown = sorted(set(HANDWRITTEN) - set(names))
    if unknown:
        sys.exit('error: HANDWRITTEN lists functions the context does not have: %s'
                 % ', '.join(unknown))
    stale = sorted((set(POINTER_RESULTS) | set(CHECKS)) - set(names))
    if stale:
        sys.exit('error: POINTER_RESULTS or CHECKS list functions the context does not have: '
                 '%s' % ', '.join(stale))
    both = sorted(set(CHECKS) & set(HANDWRITTEN))
    if both:
        sys.exit('error: CHECKS applies to generated wrappers only, not to %s' % ', '.join(both))
    out = [header()]
    out.append('''
//! The debug context's function table: a mechanical wrapper for each of the
//! %d context functions not written by hand (%d are, in `handwritten.rs` and
//! `trampoline.rs`), and [`table`], which fills a whole debug context.

#![allow(non_snake_case)] // named after the context fields

use core::ffi::{c_char, c_int, c_void};

use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::*;

use super::info::info;
''' % (len(names) - len(HANDWRITTEN), len(HANDWRITTEN)))
    for fl in M.ctx_fns:
        if fl.name in HANDWRITTEN:
            continue
        out.append(wrapper(fl))
    out.append('''
/// A debug context over `u`: its %d handle constants become debug handles
/// through `constant` (called in header order), every function is a debug
/// wrapper, and `_private` is `private`.
pub(super) fn table(
    name: *const c_char,
    private: *mut c_void,
    u: &Ctx,
    mut constant: impl FnMut(HPy) -> HPy,
) -> Ctx {
    Ctx {
        name,
        _private: private,
        abi_version: u.abi_version,
''' % G.N_HANDLES)
    for fl in M.uctx[3:]:
        if fl.fn is None:
            out.append('        %s: constant(u.%s),\n' % (fl.name, fl.name))
        elif fl.name in HANDWRITTEN:
            module = HANDWRITTEN[fl.name][0]
            out.append('        %s: super::%s::%s,\n' % (fl.name, module, fl.name))
        else:
            out.append('        %s,\n' % fl.name)
    out.append('    }\n}\n')
    return ''.join(out)


def model():
    """The context description from the installed hpy's headers (exit 3
    when there is no hpy package)."""
    try:
        include_dir, version = G.find_hpy()
    except SystemExit as e:
        print('hpy is not available, nothing generated: %s' % e, file=sys.stderr)
        sys.exit(3)
    G.VERSION[0] = version
    return G.build_model(G.Headers(include_dir), version)


def generate():
    return {OUTPUT: emit(model())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true',
                    help='do not write; exit 1 with a diff if the committed file differs')
    args = ap.parse_args()
    files = generate()
    bad = 0
    for rel, new in sorted(files.items()):
        path = os.path.join(CRATE, rel)
        old = None
        if os.path.exists(path):
            with open(path) as f:
                old = f.read()
        if old == new:
            continue
        if args.check:
            bad += 1
            sys.stdout.writelines(difflib.unified_diff(
                (old or '').splitlines(True), new.splitlines(True),
                'a/hpy-universal/' + rel, 'b/hpy-universal/' + rel))
        else:
            with open(path, 'w') as f:
                f.write(new)
            print('wrote hpy-universal/%s' % rel, file=sys.stderr)
    if args.check:
        if bad:
            print('%s is out of date: run `python %s`' % (OUTPUT, SCRIPT), file=sys.stderr)
            sys.exit(1)
        print('%s is up to date' % OUTPUT, file=sys.stderr)


if __name__ == '__main__':
    main()
