#!/usr/bin/env python3
"""Generate the C-shaped parts of hpy-sys from the installed HPy headers.

Run with a Python that has ``hpy==0.9.0`` installed::

    python hpy-sys/generate/hpy_sys_gen.py          # (re)write the outputs
    python hpy-sys/generate/hpy_sys_gen.py --check  # diff against the repo

Outputs (all committed; never edit them by hand):

* ``src/generated/types.rs``         enums, flags, typedefs, definition structs
* ``src/generated/universal_ctx.rs`` universal HPyContext + table-call shims
* ``src/generated/cpython_api.rs``   CPython-ABI HPyContext, C-API externs,
                                     shims translated from the CPython headers,
                                     HPy runtime (ctx_*.c) externs
* ``src/generated/constants.rs``     HPyConstant, HPY_CONSTANT_NAMES
* ``src/generated/constants_universal.rs``, ``constants_cpython.rs``
                                     HPy_GetConstant of each ABI (lib.rs
                                     includes the one of the ABI built)
* ``tests/layout_probe.c``           C side of the layout test
* ``tests/generated/layout_rust.rs`` Rust side of the layout test
* ``tests/generated/api_signatures.rs`` every API name with its signature

Only the standard library is used; the output is deterministic.
"""

import argparse
import difflib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)
SCRIPT = 'hpy-sys/generate/hpy_sys_gen.py'
EXPECTED_HPY_VERSION = '0.9.0'
N_HANDLES = 83
N_FUNCTIONS = 180


# ---------------------------------------------------------------------------
# locating and reading the headers
# ---------------------------------------------------------------------------

def find_hpy():
    try:
        from hpy.devel import HPyDevel
        from hpy.devel.version import __version__
    except ImportError as e:
        sys.exit('error: cannot import hpy.devel (%s); run `%s -m pip install hpy==%s`'
                 % (e, sys.executable, EXPECTED_HPY_VERSION))
    if __version__ != EXPECTED_HPY_VERSION:
        sys.exit('error: found hpy %s, need %s; run `%s -m pip install hpy==%s`'
                 % (__version__, EXPECTED_HPY_VERSION, sys.executable, EXPECTED_HPY_VERSION))
    return str(HPyDevel().include_dir), __version__


class Headers:
    def __init__(self, include_dir):
        self.include_dir = include_dir

    def raw(self, rel):
        with open(os.path.join(self.include_dir, rel)) as f:
            return f.read()

    def clean(self, rel):
        """Header text without comments and without #define bodies."""
        text = self.raw(rel)
        text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
        text = re.sub(r'//[^\n]*', '', text)
        text = re.sub(r'\\\n', ' ', text)
        text = re.sub(r'^[ \t]*#[^\n]*', '', text, flags=re.M)
        return text


# ---------------------------------------------------------------------------
# C declarations -> Rust
# ---------------------------------------------------------------------------

RUST_KEYWORDS = set('''as break const continue crate else enum extern false fn for if impl in
let loop match mod move mut pub ref return self Self static struct super trait true type unsafe
use where while async await dyn abstract become box do final macro override priv typeof unsized
virtual yield try gen'''.split())

BASE_TYPES = {
    'void': 'c_void', 'char': 'c_char', 'int': 'c_int', 'unsigned int': 'c_uint',
    'long': 'c_long', 'unsigned long': 'c_ulong', 'long long': 'c_longlong',
    'unsigned long long': 'c_ulonglong', 'double': 'f64', 'float': 'f32', 'bool': 'bool',
    'int32_t': 'i32', 'uint32_t': 'u32', 'int64_t': 'i64', 'uint64_t': 'u64',
    'size_t': 'usize', 'intptr_t': 'isize', 'wchar_t': 'wchar_t',
    # CPython types used by the CPython ABI headers
    'PyObject': 'PyObject', 'PyModuleDef': 'PyModuleDef', 'PyMethodDef': 'PyMethodDef',
    'Py_ssize_t': 'HPy_ssize_t', 'PyThreadState': 'PyThreadState',
}

# filled while parsing: names of function-pointer typedefs (Option<..> in structs)
FNPTR_TYPEDEFS = set()


def field_ident(name):
    if name in ('self', 'Self', 'crate', 'super'):
        return name + '_'
    return 'r#' + name if name in RUST_KEYWORDS else name


def param_ident(name):
    if name in ('self', 'Self', 'crate', 'super'):
        return name + '_'
    return 'r#' + name if name in RUST_KEYWORDS else name


def type_tokens(ctype):
    return re.findall(r'[A-Za-z_]\w*|\*|\[\]', ctype)


def rust_type(ctype, where='param'):
    """Translate a C type (no declarator name) to Rust.

    where: 'param' (function parameter / return), 'field' (struct field:
    function pointer typedefs become Option<..> so NULL is representable).
    """
    toks = type_tokens(ctype)
    base, rest = [], []
    for i, t in enumerate(toks):
        if t in ('*', '[]'):
            rest = toks[i:]
            break
        base.append(t)
    const = 'const' in base
    base = [t for t in base if t not in ('const', 'struct', 'enum', 'volatile')]
    bname = ' '.join(base)
    r = BASE_TYPES.get(bname, bname)
    if not rest:
        if r == 'c_void':
            return None
        if bname in FNPTR_TYPEDEFS and where == 'field':
            return 'Option<%s>' % r
        return r
    i = 0
    while i < len(rest):
        t = rest[i]
        assert t in ('*', '[]'), ctype
        r = '*%s %s' % ('const' if const else 'mut', r)
        const = False
        if i + 1 < len(rest) and rest[i + 1] == 'const':
            const = True
            i += 1
        i += 1
    return r


def split_top(s, sep):
    out, depth, cur = [], 0, ''
    for ch in s:
        if ch in '({[':
            depth += 1
        elif ch in ')}]':
            depth -= 1
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [x.strip() for x in out if x.strip()]


FNPTR_DECL = re.compile(r'^(.*?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$', re.S)


class Param:
    def __init__(self, ctype, name):
        self.ctype = ctype
        self.name = name


class FnType:
    def __init__(self, ret, params):
        self.ret = ret          # C type string
        self.params = params    # [Param]

    def rust(self, named=True):
        ps = []
        for p in self.params:
            rt = rust_type(p.ctype)
            if named and p.name:
                ps.append('%s: %s' % (param_ident(p.name), rt))
            else:
                ps.append(rt)
        r = rust_type(self.ret)
        return 'unsafe extern "C" fn(%s)%s' % (', '.join(ps), ' -> %s' % r if r else '')


def parse_params(s):
    s = s.strip()
    if s in ('', 'void'):
        return []
    out = []
    for p in split_top(s, ','):
        toks = type_tokens(p)
        if p.endswith('[]'):
            m = re.match(r'^(.*?)(\w+)\s*\[\]$', p)
            out.append(Param(m.group(1).strip() + ' *', m.group(2)))
        elif len(toks) >= 2 and re.match(r'^[A-Za-z_]\w*$', toks[-1]) and toks[-1] != 'const' \
                and ' '.join(t for t in toks if t != 'const') not in BASE_TYPES:
            name = toks[-1]
            out.append(Param(p[:p.rfind(name)].strip(), name))
        else:
            out.append(Param(p, None))
    return out


class Field:
    def __init__(self, name, ctype=None, fn=None):
        self.name = name
        self.ctype = ctype
        self.fn = fn            # FnType for function-pointer declarators

    def rust(self, where='field'):
        if self.fn is not None:
            return self.fn.rust()
        return rust_type(self.ctype, where)


def parse_decl(d):
    d = ' '.join(d.split())
    m = FNPTR_DECL.match(d)
    if m:
        return Field(m.group(2), fn=FnType(m.group(1).strip(), parse_params(m.group(3))))
    m = re.match(r'^(.*?)(\w+)\s*$', d)
    return Field(m.group(2), ctype=m.group(1).strip())


def parse_fields(body):
    return [parse_decl(d) for d in split_top(body, ';')]


def parse_enums(text):
    out = []
    for m in re.finditer(r'typedef\s+enum\s*\w*\s*\{(.*?)\}\s*(\w+)\s*;', text, re.S):
        vals, nxt = [], 0
        for item in split_top(m.group(1), ','):
            if '=' in item:
                k, v = [x.strip() for x in item.split('=')]
                nxt = int(v, 0)
            else:
                k = item.strip()
            vals.append((k, nxt))
            nxt += 1
        out.append((m.group(2), vals))
    return out


def parse_structs(text):
    out = []
    for m in re.finditer(r'typedef\s+struct\s*\w*\s*\{(.*?)\}\s*(\w+)\s*;', text, re.S):
        out.append((m.group(2), m.group(1)))
    return out


def parse_fn_typedefs(text):
    out = []
    for m in re.finditer(r'typedef\s+([^;{}()]*?)\(\s*\*\s*(\w+)\s*\)\s*\(([^;]*?)\)\s*;', text, re.S):
        out.append((m.group(2), FnType(' '.join(m.group(1).split()), parse_params(m.group(3)))))
    return out


def parse_c_functions(text, prefix):
    """[(name, FnType, body)] for definitions `PREFIX RET NAME(params) { body }`."""
    out = []
    pat = re.compile(prefix + r'\s+([^;{}]*?)\b(\w+)\s*\(([^)]*)\)\s*\{(.*?)\n\}', re.S)
    for m in pat.finditer(text):
        ret = ' '.join(m.group(1).replace('_HPy_NO_RETURN', '').split())
        out.append((m.group(2), FnType(ret, parse_params(m.group(3))), m.group(4)))
    return out


def parse_prototypes(text, prefix):
    out = []
    pat = re.compile(prefix + r'\s+([^;{}]*?)\b(\w+)\s*\(([^)]*)\)\s*;', re.S)
    for m in pat.finditer(text):
        out.append((m.group(2), FnType(' '.join(m.group(1).split()), parse_params(m.group(3)))))
    return out


# ---------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------

class Model:
    pass


def build_model(hdr, version):
    M = Model()
    M.version = version
    M.include_dir = hdr.include_dir
    # --- enums (header order, grouped by file)
    enum_files = ['hpy.h', 'hpy/macros.h', 'hpy/hpyfunc.h', 'hpy/autogen_hpyslot.h',
                  'hpy/hpydef.h', 'hpy/hpytype.h']
    M.enums = []
    for f in enum_files:
        M.enums += parse_enums(hdr.clean(f))
    names = [e[0] for e in M.enums]
    assert names == ['HPy_SourceKind', '_HPyCapsule_key', 'HPy_RichCmpOp', 'HPyFunc_Signature',
                     'HPySlot_Slot', 'HPyMember_FieldType', 'HPyDef_Kind', 'HPyType_BuiltinShape',
                     'HPyType_SpecParam_Kind'], names
    enums = dict(M.enums)
    # 39 enumerators in 0.9.0 (VARARGS .. MOD_CREATE)
    assert len(enums['HPyFunc_Signature']) == 39, len(enums['HPyFunc_Signature'])
    assert len(enums['HPySlot_Slot']) == 60, len(enums['HPySlot_Slot'])

    # --- integer macros
    raw_hpy = hdr.raw('hpy.h')
    M.abi = {}
    for k in ('HPY_ABI_VERSION', 'HPY_ABI_VERSION_MINOR'):
        M.abi[k] = int(re.search(r'#define %s (\d+)' % k, raw_hpy).group(1))
    M.abi_tag = re.search(r'#define HPY_ABI_TAG "(\w+)"', raw_hpy).group(1)
    raw_type = hdr.raw('hpy/hpytype.h')
    priv = {k: int(v) for k, v in re.findall(r'#define (_Py_TPFLAGS_\w+) \(1UL << (\d+)\)', raw_type)}
    M.flags = []
    for k in ('HPy_TPFLAGS_DEFAULT', 'HPy_TPFLAGS_BASETYPE', 'HPy_TPFLAGS_HAVE_GC',
              'HPy_TPFLAGS_HAVE_VECTORCALL'):
        expr = re.search(r'#define %s (.*)' % k, raw_type).group(1).strip()
        m = re.fullmatch(r'\(1UL << (\d+)\)', expr)
        if m:
            val = 1 << int(m.group(1))
        else:
            parts = re.fullmatch(r'\((\w+) \| (\w+)\)', expr).groups()
            val = 0
            for p in parts:
                val |= 1 << priv[p]
        M.flags.append((k, val))

    # --- function pointer typedefs
    M.fn_typedefs = []
    for f in ('hpy/cpy_types.h', 'hpy/hpyfunc.h', 'hpy/autogen_hpyfunc_declare.h', 'hpy/hpydef.h'):
        for name, fn in parse_fn_typedefs(hdr.clean(f)):
            if name == 'HPyCFunction':
                continue  # raw pointer on the Rust side, see types.rs
            M.fn_typedefs.append((f, name, fn))
            FNPTR_TYPEDEFS.add(name)

    # --- structs
    def structs_of(f):
        return parse_structs(hdr.clean(f))
    M.structs = []      # (name, [Field]) in both ABIs
    for f in ('hpy/hpyfunc.h', 'hpy/hpydef.h', 'hpy/hpytype.h', 'hpy/hpymodule.h'):
        for name, body in structs_of(f):
            if name == 'HPyDef':
                continue
            M.structs.append((name, parse_fields(body)))
    d = dict(structs_of('hpy/hpydef.h'))['HPyDef']
    m = re.match(r'\s*(.*?);\s*union\s*\{(.*?)\}\s*;\s*$', d, re.S)
    M.hpydef_head = parse_decl(m.group(1))
    M.hpydef_union = parse_fields(m.group(2))
    assert [f.name for f in M.hpydef_union] == ['slot', 'meth', 'member', 'getset']
    M.tramp_structs = []
    for f in ('hpy/universal/hpyfunc_trampolines.h', 'hpy/universal/autogen_hpyfunc_trampolines.h'):
        for name, body in structs_of(f):
            M.tramp_structs.append((name, parse_fields(body)))
    M.tramp_structs.sort(key=lambda s: s[0])

    # --- contexts
    def ctx_fields(f):
        body = re.search(r'struct _HPyContext_s\s*\{(.*?)\};', hdr.clean(f), re.S).group(1)
        return parse_fields(body)
    M.uctx = ctx_fields('hpy/universal/autogen_ctx.h')
    M.cctx = ctx_fields('hpy/cpython/autogen_ctx.h')
    M.handles = [f.name for f in M.uctx if f.name.startswith('h_')]
    M.ctx_fns = [f for f in M.uctx if f.fn is not None]
    print('universal HPyContext: %d handle fields, %d function fields'
          % (len(M.handles), len(M.ctx_fns)), file=sys.stderr)
    assert len(M.handles) == N_HANDLES, len(M.handles)
    assert len(M.ctx_fns) == N_FUNCTIONS, len(M.ctx_fns)
    assert [f.name for f in M.uctx[:3]] == ['name', '_private', 'abi_version']
    assert [f.name for f in M.cctx if f.name.startswith('h_')] == M.handles

    # --- universal API shims
    M.uapi = []
    for name, fn, body in parse_c_functions(hdr.clean('hpy/universal/autogen_trampolines.h'),
                                            'HPyAPI_FUNC'):
        b = ' '.join(body.split())
        m = re.fullmatch(r'(return )?ctx->(ctx_\w+) \( (.*?) \);( return HPy_NULL;)?', b)
        assert m, (name, b)
        args = [a.strip() for a in m.group(3).split(',')]
        assert args == [p.name for p in fn.params], (name, args)
        M.uapi.append((name, fn, m.group(2), bool(m.group(4))))
    M.umisc = [(n, fn) for n, fn, _ in parse_c_functions(
        hdr.clean('hpy/universal/misc_trampolines.h'), 'static inline')]
    # hpy/inline_helpers.h (ABI-independent, hand-written in src/inline_helpers.rs);
    # the variadic HPyTuple_Pack is not provided.
    text = hdr.clean('hpy/inline_helpers.h').replace('_HPy_UNUSED_ARG(ctx)', 'ctx')
    M.inline_helpers = [(n, fn) for n, fn, _ in parse_c_functions(text, 'HPyAPI_INLINE_HELPER')
                        if not any(p.ctype == '...' for p in fn.params)]
    assert len(M.inline_helpers) == 18, [n for n, _ in M.inline_helpers]
    return M


# Universal shims written by hand in src/universal.rs instead of generated.
UNIVERSAL_HANDWRITTEN = set()


# ---------------------------------------------------------------------------
# CPython-ABI translation
# ---------------------------------------------------------------------------

# C macros of Python.h used by the CPython-ABI shims: re-implemented by hand in
# src/cpython/macros.rs with the same names.
PY_MACROS = {'PyBytes_Check', 'PyBytes_GET_SIZE', 'PyBytes_AS_STRING', 'PyUnicode_Check',
             'PyList_Check', 'PyDict_Check', 'PyTuple_Check'}

# (argument index -> C parameter type) where the C-API type differs from the
# HPy parameter passed to it; the value is converted with `as`.
PY_ARG_OVERRIDES = {('PyBool_FromLong', 0): 'c_long'}

# misc.h functions whose C bodies are not a single mechanical call (casts,
# #if, refcounting, asserts): written by hand in src/cpython/misc.rs.
CPY_HANDWRITTEN = {
    '_HPyGetContext', 'HPy_Dup', 'HPy_Close', 'HPyField_Store', 'HPyField_Load',
    'HPyGlobal_Store', 'HPyGlobal_Load', 'HPy_FromPyObject', 'HPy_AsPyObject', 'HPy_FatalError',
    'HPy_Call', 'HPy_CallMethod', 'HPyLong_FromInt32_t', 'HPyLong_FromUInt32_t',
    'HPyLong_FromInt64_t', 'HPyLong_FromUInt64_t', 'HPyLong_AsInt32_t', 'HPyLong_AsUInt32_t',
    'HPyLong_AsUInt32_tMask', 'HPyLong_AsInt64_t', 'HPyLong_AsUInt64_t',
    'HPyLong_AsUInt64_tMask', 'HPyType_IsSubtype',
    # from autogen_api_impl.h: calls PyObject_Call directly when the argument
    # types are right, instead of always going through ctx_CallTupleDict
    'HPy_CallTupleDict',
    # PyObject_HasAttr reports a failing lookup as "unraisable" on 3.13+;
    # HPy's HasAttr answers 0 quietly, as 3.11/3.12 did
    'HPy_HasAttr', 'HPy_HasAttr_s',
}
# Present in the CPython ABI headers only; not exported at the crate root so
# that both ABIs export the same names.
CPY_ONLY_OK = {'_HPyGetContext', 'HPyModule_Create'}
# Present in the universal headers only: hand-written for the CPython ABI in
# src/cpython/misc.rs (HPyCapsule_Get/Set, _HPyType_GetBuiltinShape), or
# universal-only by design (_HPy_CallRealFunctionFromTrampoline).
UNI_ONLY_OK = {'_HPy_CallRealFunctionFromTrampoline', 'HPyCapsule_Get', 'HPyCapsule_Set',
               '_HPyType_GetBuiltinShape'}


def tokenize_expr(s):
    return re.findall(r'[A-Za-z_]\w*|[(),]', s)


def parse_expr(toks, i=0):
    name = toks[i]
    i += 1
    if i < len(toks) and toks[i] == '(':
        i += 1
        args = []
        if toks[i] == ')':
            return ('call', name, args), i + 1
        while True:
            a, i = parse_expr(toks, i)
            args.append(a)
            if toks[i] == ',':
                i += 1
                continue
            assert toks[i] == ')'
            return ('call', name, args), i + 1
    return ('name', name), i


class CpyTranslator:
    def __init__(self):
        self.externs = {}   # Py name -> (params [rust types], ret rust type or None or '!')
        self.runtime_used = set()

    def declare(self, name, params, ret):
        if name in self.externs:
            assert self.externs[name] == (params, ret), (name, self.externs[name], params, ret)
        self.externs[name] = (params, ret)

    def expr(self, e, fn, expect):
        """Return Rust for C expression e; expect = the Rust type the context wants."""
        ptypes = {p.name: rust_type(p.ctype) for p in fn.params}
        if e[0] == 'name':
            n = e[1]
            if n == 'ctx':
                # hpy-sys's runtime functions never read their context (each
                # takes `_ctx`), so none is looked up for them.
                return 'core::ptr::null_mut()'
            assert n in ptypes, (n, fn)
            return param_ident(n)
        _, name, args = e
        if name in ('_py2h', '_threads2h'):
            inner = 'PyObject' if name == '_py2h' else 'PyThreadState'
            return '%s(%s)' % (name, self.expr(args[0], fn, '*mut %s' % inner))
        if name in ('_h2py', '_h2threads'):
            return '%s(%s)' % (name, self.expr(args[0], fn, None))
        if name.startswith('ctx_'):
            self.runtime_used.add(name)
            return 'crate::cpython::runtime::%s(%s)' % (name, ', '.join(self.expr(a, fn, None) for a in args))
        # a CPython C-API function (or macro)
        ps, out = [], []
        for k, a in enumerate(args):
            if a[0] == 'call' and a[1] == '_h2py':
                t = '*mut PyObject'
            elif a[0] == 'call' and a[1] == '_h2threads':
                t = '*mut PyThreadState'
            else:
                assert a[0] == 'name', a
                t = ptypes[a[1]]
            code = self.expr(a, fn, t)
            ov = PY_ARG_OVERRIDES.get((name, k))
            if ov:
                t = ov
                code = '%s as %s' % (code, ov) if ptypes.get(a[1]) != 'bool' else \
                    '%s::from(%s)' % (ov, code)
            ps.append(t)
            out.append(code)
        if name not in PY_MACROS:
            self.declare(name, tuple(ps), expect)
        return '%s(%s)' % (name, ', '.join(out))

    def function(self, name, fn, body):
        """Rust body for a C body, or None if it is not mechanical."""
        if '#' in body or 'assert' in body:
            return None
        stmts = [s.strip() for s in body.strip().split(';') if s.strip()]
        ret = rust_type(fn.ret)
        tail_null = False
        if len(stmts) == 2 and stmts[1] == 'return HPy_NULL':
            tail_null = True
            stmts = stmts[:1]
        if len(stmts) != 1:
            return None
        s = stmts[0]
        has_return = s.startswith('return ')
        if has_return:
            s = s[len('return '):]
        if re.search(r'\(\s*[A-Za-z_]\w*\s*\*?\s*\)\s*[A-Za-z_(]', s):
            return None  # a C cast
        toks = tokenize_expr(s)
        e, n = parse_expr(toks)
        assert n == len(toks), (name, s)
        code = self.expr(e, fn, ret if has_return else None)
        if tail_null:
            return '%s;\n        HPy_NULL' % code
        return code if has_return else '%s;' % code


# ---------------------------------------------------------------------------
# emitting Rust
# ---------------------------------------------------------------------------

def header_line(what):
    return ('// @generated by %s from the HPy %s headers (%s). DO NOT EDIT: '
            'change the generator and re-run it.\n' % (SCRIPT, VERSION[0], what))


VERSION = ['?']

SAFETY_DOC = '''///
/// # Safety
///
/// See the [crate-level safety contract](crate#safety).'''


def emit_types(M):
    out = [header_line('enums, flags, typedefs and definition structs')]
    out.append('''
//! C enums, flag macros, function-pointer typedefs and definition structs of
//! HPy, identical in both ABIs.

use core::ffi::{c_char, c_int, c_ulong, c_void};

use crate::*;
''')
    out.append('\n/// `HPY_ABI_VERSION`: the major HPy ABI version these bindings target.\n'
               'pub const HPY_ABI_VERSION: u32 = %d;\n' % M.abi['HPY_ABI_VERSION'])
    out.append('/// `HPY_ABI_VERSION_MINOR`: the minor HPy ABI version these bindings target.\n'
               'pub const HPY_ABI_VERSION_MINOR: u32 = %d;\n' % M.abi['HPY_ABI_VERSION_MINOR'])
    out.append('/// `HPY_ABI_TAG`: the ABI tag used in universal file names (`NAME.%s.so`).\n'
               'pub const HPY_ABI_TAG: &str = "%s";\n' % (M.abi_tag, M.abi_tag))
    for name, val in M.flags:
        out.append('/// Type flag `%s` (`unsigned long` in C).\npub const %s: c_ulong = 0x%x;\n'
                   % (name, name, val))
    for ename, vals in M.enums:
        out.append('\n/// C enum `%s` (an `int`-sized C enum; see the HPy %s headers).\n'
                   'pub type %s = c_int;\n' % (ename, VERSION[0], ename, ))
        for k, v in vals:
            out.append('/// `%s` value `%s`.\npub const %s: %s = %d;\n' % (ename, k, k, ename, v))
    out.append('\n// ---- function pointer typedefs ----\n')
    for f, name, fn in M.fn_typedefs:
        out.append('\n/// C function pointer typedef `%s` (from `%s`).\npub type %s = %s;\n'
                   % (name, f, name, fn.rust()))

    def struct(name, fields, doc, derive='Clone, Copy, Debug'):
        s = ['\n/// %s\n#[repr(C)]\n#[derive(%s)]\npub struct %s {\n' % (doc, derive, name)]
        for fl in fields:
            s.append('    /// C field `%s`.\n    pub %s: %s,\n' % (fl.name, field_ident(fl.name), fl.rust()))
        s.append('}\n')
        return ''.join(s)

    out.append('\n// ---- definition structs ----\n')
    for name, fields in M.structs:
        out.append(struct(name, fields, 'C struct `%s` (see the HPy %s headers).' % (name, VERSION[0])))
    out.append('''
/// The anonymous union inside C `HPyDef`; which member is valid is given by
/// [`HPyDef::kind`](HPyDef).
#[repr(C)]
#[derive(Clone, Copy)]
pub union HPyDef_u {
''')
    for fl in M.hpydef_union:
        out.append('    /// Valid when `kind` is `HPyDef_Kind_%s`.\n    pub %s: %s,\n'
                   % ({'slot': 'Slot', 'meth': 'Meth', 'member': 'Member', 'getset': 'GetSet'}[fl.name],
                      fl.name, fl.rust()))
    out.append('}\n')
    out.append('''
/// C struct `HPyDef`. C declares the payload as an anonymous union
/// (`def.meth`); here it is the named field `u` (`def.u.meth`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyDef {
    /// C field `%s`: selects the valid member of `u`.
    pub %s: %s,
    /// The anonymous union of C `HPyDef` (`slot`, `meth`, `member`, `getset`).
    pub u: HPyDef_u,
}
''' % (M.hpydef_head.name, M.hpydef_head.name, M.hpydef_head.rust()))
    out.append('\n// ---- universal-ABI trampoline argument structs ----\n')
    for name, fields in M.tramp_structs:
        out.append(struct(name, fields,
                          'Argument block `%s` that universal-ABI trampolines pass to '
                          '`_HPy_CallRealFunctionFromTrampoline` (from '
                          '`hpy/universal/*hpyfunc_trampolines.h`; only meaningful in the '
                          'universal ABI).' % name))
    out.append(emit_hpyfunc_table(M))
    return ''.join(out)


# The kind of each argument-block field, by C type (and, where the C type
# says too little, by field name), for the table below.
TRAMP_KINDS = {
    ('cpy_PyObject *', 'args'): 'tuple',        # tp_new/tp_init's argument tuple
    ('HPy_ssize_t', 'nargs'): 'nargs',          # METH_FASTCALL's count (size_t in HPy)
    ('size_t', 'nargsf'): 'nargsf',             # vectorcall's count and flag bit
    'cpy_PyObject *': 'obj',
    'cpy_PyObject *const *': 'vec',
    'HPy_ssize_t': 'ssize',
    'int': 'int',
    'HPy_RichCmpOp': 'cmpop',
    'void *': 'ptr',
    'char *': 'cstr',
    'cpy_Py_buffer *': 'view',
    'cpy_visitproc': 'visit',
}
TRAMP_RESULTS = {'cpy_PyObject *': 'obj', 'int': 'int', 'HPy_ssize_t': 'ssize',
                 'HPy_hash_t': 'hash'}
# Signatures without an argument block in the 0.9.0 headers.
NO_TRAMPOLINE = ['HPyFunc_DESTROYFUNC', 'HPyFunc_CAPSULE_DESTRUCTOR', 'HPyFunc_VECTORCALLFUNC']


def emit_hpyfunc_table(M):
    blocks = dict(M.tramp_structs)
    typedefs = {name for _, name, _ in M.fn_typedefs}
    rows = {'plain': [], 'custom': []}
    missing = []
    for sig, _ in dict(M.enums)['HPyFunc_Signature']:
        short = sig[len('HPyFunc_'):]
        block = '_HPyFunc_args_' + short
        if block not in blocks:
            missing.append(sig)
            continue
        fty = 'HPyFunc_' + short.lower()
        assert fty in typedefs, fty
        params, ret = [], 'void'
        for f in blocks[block]:
            if f.name == 'result':
                ret = TRAMP_RESULTS[f.ctype]
                continue
            kind = TRAMP_KINDS.get((f.ctype, f.name)) or TRAMP_KINDS[f.ctype]
            params.append('%s: %s' % (field_ident(f.name), kind))
        section = 'custom' if any(p.endswith((': tuple', ': visit')) for p in params) else 'plain'
        rows[section].append('            %s = %s, %s, %s,\n                (%s) -> %s;\n'
                             % (short.lower(), sig, fty, block, ', '.join(params), ret))
    assert missing == NO_TRAMPOLINE, missing
    out = ['''
// ---- the HPyFunc signatures, as a table for trampolines ----

/// Invokes `$row!` twice with the `HPyFunc` signatures that have a
/// universal-ABI trampoline argument block, one row each (all but
/// %s):
/// `name = HPyFunc_X, HPyFunc_x (the HPy-convention function type),
/// _HPyFunc_args_X, (fields: kind, ...) -> result kind;`, the fields being
/// the block's but `result`, each with its kind: `obj` (`cpy_PyObject *`),
/// `vec` (`cpy_PyObject *const *`), `nargs` (METH_FASTCALL's count, `size_t`
/// in HPy's function), `nargsf` (vectorcall's count and flag bit),
/// `tuple` (`tp_new`/`tp_init`'s argument tuple, items and count in HPy's
/// function), `ssize`, `int`, `cmpop`, `ptr` (`void *`), `cstr` (`char *`),
/// `view` (`cpy_Py_buffer *`) and `visit` (`cpy_visitproc`); the result
/// is `obj`, `int`, `ssize`, `hash` or `void`. First with `plain:`, the rows
/// whose arguments each map to one of HPy's, then with `custom:`, those
/// with a `tuple` or `visit`. Used by `hpy`'s ABI layer (`hpy/src/abi`).
#[doc(hidden)]
#[macro_export]
macro_rules! hpyfunc_signatures {
    ($row:ident) => {
''' % ', '.join('`%s`' % m for m in NO_TRAMPOLINE)]
    for section in ('plain', 'custom'):
        out.append('        $row! { %s:\n' % section)
        out.extend(rows[section])
        out.append('        }\n')
    out.append('    };\n}\n')
    return ''.join(out)


def emit_ctx_struct(fields, doc):
    s = [doc, '#[repr(C)]\npub struct HPyContext {\n']
    for fl in fields:
        if fl.fn is not None:
            s.append('    /// Function table entry `%s`.\n' % fl.name)
        elif fl.name.startswith('h_'):
            s.append('    /// Handle constant `%s` (borrowed; never close it).\n' % fl.name)
        else:
            s.append('    /// C field `%s`.\n' % fl.name)
        s.append('    pub %s: %s,\n' % (field_ident(fl.name), fl.rust()))
    s.append('}\n')
    return ''.join(s)


def fn_sig(name, fn, ctx_name='ctx'):
    ps = []
    for k, p in enumerate(fn.params):
        n = ctx_name if k == 0 and p.name == 'ctx' else param_ident(p.name)
        ps.append('%s: %s' % (n, rust_type(p.ctype)))
    r = rust_type(fn.ret)
    return 'pub unsafe fn %s(%s)%s' % (name, ', '.join(ps), ' -> %s' % r if r else '')


def emit_universal(M):
    out = [header_line('universal/autogen_ctx.h, universal/autogen_trampolines.h')]
    out.append('''
//! Universal ABI: one `#[inline]` shim per API function that calls through
//! the `HPyContext` function table (`universal_struct.rs`).

use core::ffi::{c_char, c_int, c_void};

use crate::*;
''')
    # Function fields after h_Builtins sit one slot later in PyPy 7.3.19's
    # context (it has an extra h_DictType there): see src/universal.rs.
    names = [f.name for f in M.uctx]
    after_builtins = set(names[names.index('h_Builtins') + 1:])
    for name, fn, ctxfn, tail_null in M.uapi:
        if name in UNIVERSAL_HANDWRITTEN:
            continue
        args = ', '.join(param_ident(p.name) for p in fn.params)
        if ctxfn in after_builtins:
            call = '(crate::universal::late_fn(ctx, core::ptr::addr_of!((*ctx).%s)))(%s)' % (ctxfn, args)
        else:
            call = '((*ctx).%s)(%s)' % (ctxfn, args)
        out.append('\n/// HPy API function `%s` (see the HPy %s headers): calls `%s` through the context.\n%s\n'
                   % (name, VERSION[0], ctxfn, SAFETY_DOC))
        out.append('#[inline]\n%s {\n' % fn_sig(name, fn))
        out.append('    // SAFETY: the caller passes the live context of the current call\n'
                   '    // (crate-level contract), whose table entries HPy has filled in.\n')
        if tail_null:
            out.append('    unsafe { %s };\n    HPy_NULL\n}\n' % call)
        else:
            out.append('    unsafe { %s }\n}\n' % call)
    return ''.join(out)


def emit_universal_struct(M):
    out = [header_line('universal/autogen_ctx.h')]
    out.append('''
//! The universal-ABI `HPyContext` layout: what a universal extension reads
//! (feature `universal`) and what a host fills in (feature `host`).

use core::ffi::{c_char, c_int, c_void};

use crate::*;
''')
    out.append(emit_ctx_struct(M.uctx,
        '\n/// The universal-ABI `struct _HPyContext_s` of HPy %s: every field in header\n'
        '/// order (`name`, `_private`, `abi_version`, %d `h_*` handle constants and\n'
        '/// %d `ctx_*` functions). The host owns it; extensions only read it.\n'
        % (VERSION[0], N_HANDLES, N_FUNCTIONS)))
    return ''.join(out)


# Context functions whose API function is in misc_trampolines.h (hand-written
# in src/universal.rs), not in autogen_trampolines.h.
HOST_MISC = {'ctx_New': '_HPy_New', 'ctx_FatalError': 'HPy_FatalError'}
# Context functions a host supplies itself (they depend on the host's handles).
HOST_SUPPLIED = {'ctx_CallRealFunctionFromTrampoline'}


def emit_host(M):
    """The CPython-ABI functions of hpy-sys as a universal function table."""
    api_of = {ctxfn: name for name, _, ctxfn, _ in M.uapi}
    api_of.update(HOST_MISC)
    # API functions that return HPy_NULL after a context function returning void
    void_ctx = {ctxfn for _, _, ctxfn, tail_null in M.uapi if tail_null}
    out = [header_line('universal/autogen_ctx.h, universal/autogen_trampolines.h')]
    out.append('''
//! Host side of the universal ABI over hpy-sys's CPython ABI: one `extern
//! "C"` adapter per context function, calling the CPython-ABI API function
//! of the same meaning (a universal handle on CPython is the `PyObject*`, as
//! in the CPython ABI), and [`new_context`], which fills a whole table.

use core::ffi::{c_char, c_int, c_void};

use super::UniversalContext;
use crate::*;
''')
    supplied = []
    for fl in M.ctx_fns:
        fn = fl.fn
        if fl.name in HOST_SUPPLIED:
            supplied.append(fl)
            continue
        api = api_of[fl.name]
        ps = ['_ctx: *mut UniversalContext']
        for p in fn.params[1:]:
            ps.append('%s: %s' % (param_ident(p.name), rust_type(p.ctype)))
        r = rust_type(fn.ret)
        args = ', '.join(['core::ptr::null_mut()'] + [param_ident(p.name) for p in fn.params[1:]])
        out.append('\n/// `%s`: [`%s`](crate::%s) of the CPython ABI.\n' % (fl.name, api, api))
        out.append('unsafe extern "C" fn %s(%s)%s {\n' % (fl.name, ', '.join(ps),
                                                          ' -> %s' % r if r else ''))
        out.append('    // SAFETY: the extension calls with what the API function requires\n'
                   '    // (crate-level contract); the CPython ABI never reads `ctx`.\n')
        semi = ';' if fl.name in void_ctx else ''
        out.append('    unsafe { crate::%s(%s)%s }\n}\n' % (api, args, semi))
    assert [f.name for f in supplied] == sorted(HOST_SUPPLIED)
    sup = supplied[0]
    out.append('''
/// A universal context whose %d functions are hpy-sys's CPython ABI and whose
/// %d handle constants are the CPython ABI's (borrowed `PyObject*`s), except
/// `%s`, which the host supplies: it decides how objects become the
/// handles its extension functions receive.
///
/// # Safety
/// The GIL must be held (the constants are read from the CPython-ABI context).
pub unsafe fn new_context(
    name: *const c_char,
    %s: %s,
) -> UniversalContext {
    // SAFETY: the GIL is held (caller), so the CPython-ABI context can be built.
    let c = unsafe { &*hpy_rs_cpython_context() };
    UniversalContext {
        name,
        _private: core::ptr::null_mut(),
        abi_version: HPY_ABI_VERSION as c_int,
''' % (N_FUNCTIONS - 1, N_HANDLES, sup.name, sup.name, sup.rust().replace('HPyContext', 'UniversalContext')))
    for fl in M.uctx[3:]:
        if fl.fn is None:
            out.append('        %s: c.%s,\n' % (fl.name, fl.name))
        else:
            out.append('        %s,\n' % fl.name)
    out.append('    }\n}\n')
    return ''.join(out)


def emit_cpython(M, hdr):
    tr = CpyTranslator()
    funcs = []  # (name, fn, rust body)
    seen = set()
    api_impl = parse_c_functions(hdr.clean('hpy/cpython/autogen_api_impl.h'), 'HPyAPI_FUNC')
    # misc.h: keep preprocessor lines so that #if bodies are recognised
    misc_text = hdr.raw('hpy/cpython/misc.h')
    misc_text = re.sub(r'/\*.*?\*/', ' ', misc_text, flags=re.S)
    misc_text = re.sub(r'//[^\n]*', '', misc_text)
    misc = parse_c_functions(misc_text, 'HPyAPI_FUNC')
    handwritten = set()
    for name, fn, body in api_impl + misc:
        assert name not in seen, name
        seen.add(name)
        if name in CPY_HANDWRITTEN:
            handwritten.add(name)
            continue
        if name in CPY_ONLY_OK:
            continue
        code = tr.function(name, fn, body)
        assert code is not None, 'not mechanical, add to CPY_HANDWRITTEN: %s' % name
        funcs.append((name, fn, code))
    assert handwritten == CPY_HANDWRITTEN, CPY_HANDWRITTEN - handwritten
    M.cpy_names = seen
    uni_names = {n for n, _, _, _ in M.uapi} | {n for n, _ in M.umisc}
    M.uni_names = uni_names
    cpy_only = seen - uni_names
    uni_only = uni_names - seen
    assert cpy_only <= CPY_ONLY_OK, cpy_only - CPY_ONLY_OK
    assert uni_only <= UNI_ONLY_OK, uni_only - UNI_ONLY_OK
    uni_sigs = {n: fn for n, fn, _, _ in M.uapi}
    uni_sigs.update(dict(M.umisc))
    for name, fn, _ in funcs:
        if name in uni_sigs:
            a = fn_sig(name, fn)
            b = fn_sig(name, uni_sigs[name])
            norm = lambda s: re.sub(r'(r#)?\w+: ', '', s).replace('*mut PyObject', '*mut cpy_PyObject')
            assert norm(a) == norm(b), (a, b)

    # runtime prototypes
    runtime = []
    ctx_funcs = hdr.raw('hpy/runtime/ctx_funcs.h')
    ctx_funcs = re.sub(r'#ifndef HPY_ABI_CPYTHON.*?#endif', '', ctx_funcs, flags=re.S)
    ctx_funcs = re.sub(r'//[^\n]*', '', ctx_funcs)
    runtime += parse_prototypes(ctx_funcs, '_HPy_HIDDEN')
    helpers = []
    for f in ('hpy/runtime/ctx_module.h', 'hpy/runtime/ctx_type.h'):
        helpers += parse_prototypes(hdr.clean(f), '_HPy_HIDDEN')

    out = [header_line('cpython/autogen_ctx.h, cpython/autogen_api_impl.h, cpython/misc.h')]
    out.append('''
//! CPython ABI: the CPython-ABI `HPyContext`, the CPython C-API functions the
//! shims call, the shims translated from `hpy/cpython/autogen_api_impl.h` and
//! the mechanical part of `hpy/cpython/misc.h` (the rest of misc.h is written
//! by hand in src/cpython/misc.rs).
//!
//! Per the crate-level contract, these shims never read their `ctx` argument;
//! where HPy's runtime needs a context they pass the crate's global CPython-ABI
//! context ([`hpy_rs_cpython_context`](crate::cpython::hpy_rs_cpython_context)).

use core::ffi::{c_char, c_int, c_long, c_void};

use crate::cpython::{
    PyObject, PyThreadState, _h2py, _h2threads, _py2h, _threads2h, PyBytes_AS_STRING,
    PyBytes_Check, PyBytes_GET_SIZE, PyDict_Check, PyList_Check, PyTuple_Check, PyUnicode_Check,
};
use crate::*;
''')
    out.append(emit_ctx_struct(M.cctx,
        '\n/// The CPython-ABI `struct _HPyContext_s` of HPy %s (`hpy/cpython/autogen_ctx.h`):\n'
        '/// `name`, `abi_version` and the %d handle constants; no function table.\n'
        '/// hpy-sys functions never read it through their `ctx` argument (which is\n'
        '/// NULL by convention); HPy\'s runtime gets the crate\'s own instance.\n'
        % (VERSION[0], N_HANDLES)))
    # C-API externs
    out.append('\nextern "C" {\n')
    for name in sorted(tr.externs):
        params, ret = tr.externs[name]
        ps = ', '.join('a%d: %s' % (k, t) for k, t in enumerate(params))
        out.append('    fn %s(%s)%s;\n' % (name, ps, ' -> %s' % ret if ret else ''))
    out.append('}\n')
    for name, fn, code in funcs:
        out.append('\n/// HPy API function `%s` (CPython ABI; see the HPy %s headers).\n%s\n'
                   % (name, VERSION[0], SAFETY_DOC))
        out.append('#[inline]\n%s {\n' % fn_sig(name, fn, '_ctx'))
        out.append('    // SAFETY: the caller upholds the C-API preconditions of the HPy\n'
                   '    // function (crate-level contract); handles are PyObject pointers.\n')
        if code.endswith('HPy_NULL'):
            first, _ = code.split(';', 1)
            out.append('    unsafe { %s };\n    HPy_NULL\n}\n' % first)
        elif code.endswith(';'):
            out.append('    unsafe { %s }\n}\n' % code)
        else:
            out.append('    unsafe { %s }\n}\n' % code)
    rt = [header_line('runtime/ctx_funcs.h, runtime/ctx_module.h, runtime/ctx_type.h')]
    rt.append('''
//! HPy's CPython-side runtime (`hpy/devel/src/runtime/ctx_*.c` and helpers),
//! compiled into this crate by build.rs. Every function takes a real context:
//! pass [`hpy_rs_cpython_context()`](crate::cpython::hpy_rs_cpython_context).

use core::ffi::{c_char, c_int, c_void};

use crate::cpython::{PyMethodDef, PyModuleDef, PyObject};
use crate::*;

extern "C" {
''')
    for name, fn in runtime + helpers:
        rt.append('    /// HPy runtime function `%s`.\n    pub fn %s;\n'
                  % (name, fn_sig(name, fn).replace('pub unsafe fn ', '')))
    rt.append('}\n')
    return ''.join(out), ''.join(rt)


CONST_PY = {'Py_None': '_Py_NoneStruct', 'Py_True': '_Py_TrueStruct',
            'Py_False': '_Py_FalseStruct', 'Py_NotImplemented': '_Py_NotImplementedStruct',
            'Py_Ellipsis': '_Py_EllipsisObject'}


def emit_constants(M, hdr):
    misc = hdr.raw('hpy/cpython/misc.h')
    inits = dict(re.findall(r'ctx->(h_\w+) = _py2h\((.*?)\);', misc))
    assert list(inits) == M.handles or set(inits) == set(M.handles)
    out = [header_line('universal/autogen_ctx.h, cpython/misc.h')]
    out.append('''
//! The %d handle constants of the HPy context as an enum (looked up by each
//! ABI's `HPy_GetConstant`, in `constants_universal.rs` and
//! `constants_cpython.rs`).

/// The handle constants of HPy %s, in context-struct order; the variant name is
/// the context field name without `h_`.
#[repr(u8)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum HPyConstant {
''' % (N_HANDLES, VERSION[0]))
    for h in M.handles:
        out.append('    /// `ctx->%s`.\n    %s,\n' % (h, h[2:]))
    out.append('}\n\n/// The context field names of the handle constants, indexed by\n'
               '/// `HPyConstant as usize`.\npub const HPY_CONSTANT_NAMES: [&str; %d] = [\n' % N_HANDLES)
    for h in M.handles:
        out.append('    "%s",\n' % h)
    out.append('];\n\n/// Every handle constant, in context-struct order (index = '
               '`HPyConstant as usize`).\npub const HPY_CONSTANTS: [HPyConstant; %d] = [\n' % N_HANDLES)
    for h in M.handles:
        out.append('    HPyConstant::%s,\n' % h[2:])
    out.append('];\n')
    common = ''.join(out)
    # universal (src/generated/constants_universal.rs, chosen by lib.rs)
    out = [header_line('universal/autogen_ctx.h')]
    out.append('''
//! `HPy_GetConstant` of the universal ABI.

use crate::*;

/// Returns the handle constant `c` (borrowed: `HPy_Dup` it to keep it, never
/// close it). Universal ABI: reads the context field.
%s
#[inline]
pub unsafe fn HPy_GetConstant(ctx: *mut HPyContext, c: HPyConstant) -> HPy {
    // SAFETY: the caller passes the live context of the current call.
    let ctx = unsafe { &*ctx };
    match c {
''' % SAFETY_DOC)
    for h in M.handles:
        out.append('        HPyConstant::%s => ctx.%s,\n' % (h[2:], h))
    out.append('    }\n}\n')
    universal = ''.join(out)
    # cpython (src/generated/constants_cpython.rs, chosen by lib.rs)
    exc, types, singletons = [], [], []
    arms = []
    for h in M.handles:
        e = inits[h].strip()
        if e in CONST_PY:
            singletons.append(CONST_PY[e])
            arms.append((h, '_py2h(addr_of!(%s).cast_mut())' % CONST_PY[e]))
        elif re.fullmatch(r'PyExc_\w+', e):
            exc.append(e)
            arms.append((h, '_py2h(%s)' % e))
        elif re.fullmatch(r'\(PyObject \*\)&(\w+)', e):
            t = re.fullmatch(r'\(PyObject \*\)&(\w+)', e).group(1)
            types.append(t)
            arms.append((h, '_py2h(addr_of!(%s).cast_mut().cast())' % t))
        elif e == 'PyEval_GetBuiltins()':
            # The running interpreter's (each subinterpreter has its own),
            # not the context's, which is the first caller's.
            arms.append((h, '_py2h(crate::cpython::ffi::PyEval_GetBuiltins())'))
        else:
            raise AssertionError('unknown constant initialiser %r' % e)
    out = [header_line('cpython/misc.h')]
    out.append('''
//! `HPy_GetConstant` of the CPython ABI.

use crate::*;

mod cpython_constants {
    use crate::cpython::{PyObject, PyTypeObject};

    extern "C" {
''')
    for s in singletons:
        out.append('        pub static %s: PyObject;\n' % s)
    for e in exc:
        out.append('        pub static %s: *mut PyObject;\n' % e)
    for t in types:
        out.append('        pub static %s: PyTypeObject;\n' % t)
    out.append('''    }
}

/// Returns the handle constant `c` (borrowed: `HPy_Dup` it to keep it, never
/// close it). CPython ABI: the same `PyObject*` that HPy's `_HPyGetContext`
/// stores; `ctx` is not read.
%s
#[inline]
pub unsafe fn HPy_GetConstant(_ctx: *mut HPyContext, c: HPyConstant) -> HPy {
    use crate::cpython::_py2h;
    use core::ptr::addr_of;
    use cpython_constants::*;
    // SAFETY: reading the exception-type pointers CPython exports (initialised
    // before any extension code runs) and the crate's global context.
    unsafe {
        match c {
''' % SAFETY_DOC)
    for h, code in arms:
        out.append('            HPyConstant::%s => %s,\n' % (h[2:], code))
    out.append('        }\n    }\n}\n')
    return common, universal, ''.join(out)


# ---------------------------------------------------------------------------
# layout probe
# ---------------------------------------------------------------------------

# CPython-ABI facts that hand-written inline code relies on:
# (entry name, C expression, Rust expression)
CPY_LAYOUT = [
    ('size:PyObject', 'sizeof(PyObject)', 'size_of::<cpython::PyObject>()'),
    ('offset:PyObject.ob_refcnt', 'offsetof(PyObject, ob_refcnt)',
     'offset_of!(cpython::PyObject, ob_refcnt)'),
    ('offset:PyObject.ob_type', 'offsetof(PyObject, ob_type)', 'offset_of!(cpython::PyObject, ob_type)'),
    ('offset:PyVarObject.ob_size', 'offsetof(PyVarObject, ob_size)',
     'offset_of!(cpython::PyVarObject, ob_size)'),
    ('offset:PyTypeObject.tp_flags', 'offsetof(PyTypeObject, tp_flags)',
     'cpython::PyTypeObject_tp_flags_OFFSET'),
    ('offset:PyTypeObject.tp_basicsize', 'offsetof(PyTypeObject, tp_basicsize)',
     'cpython::PyTypeObject_tp_basicsize_OFFSET'),
    ('fsize:PyTypeObject.tp_basicsize', 'sizeof(((PyTypeObject *)0)->tp_basicsize)',
     'size_of::<isize>()'),
    ('offset:PyTypeObject.tp_dealloc', 'offsetof(PyTypeObject, tp_dealloc)',
     'cpython::PyTypeObject_tp_dealloc_OFFSET'),
    ('offset:PyTypeObject.tp_vectorcall_offset', 'offsetof(PyTypeObject, tp_vectorcall_offset)',
     'cpython::PyTypeObject_tp_vectorcall_offset_OFFSET'),
    ('fsize:PyTypeObject.tp_vectorcall_offset', 'sizeof(((PyTypeObject *)0)->tp_vectorcall_offset)',
     'size_of::<isize>()'),
    ('fsize:PyTypeObject.tp_flags', 'sizeof(((PyTypeObject *)0)->tp_flags)',
     'size_of::<core::ffi::c_ulong>()'),
    ('offset:PyBytesObject.ob_sval', 'offsetof(PyBytesObject, ob_sval)',
     'cpython::PyBytesObject_ob_sval_OFFSET'),
    ('offset:PyTupleObject.ob_item', 'offsetof(PyTupleObject, ob_item)',
     'cpython::PyTupleObject_ob_item_OFFSET'),
    ('size:PyASCIIObject', 'sizeof(PyASCIIObject)', 'cpython::PyASCIIObject_SIZE'),
    ('offset:PyASCIIObject.length', 'offsetof(PyASCIIObject, length)',
     'cpython::PyASCIIObject_length_OFFSET'),
    ('offset:PyASCIIObject.state', 'offsetof(PyASCIIObject, state)',
     'cpython::PyASCIIObject_state_OFFSET'),
    # The state word with only `compact` and `ascii` set (a GNU C statement
    # expression: a bitfield has no offset to print).
    ('const:PyASCIIObject_STATE_COMPACT_ASCII',
     '({ PyASCIIObject o_ = {0}; unsigned int w_; o_.state.compact = 1; o_.state.ascii = 1; '
     '__builtin_memcpy(&w_, &o_.state, sizeof w_); w_; })',
     'cpython::PyASCIIObject_STATE_COMPACT_ASCII'),
    ('const:Py_TPFLAGS_HAVE_VECTORCALL', 'Py_TPFLAGS_HAVE_VECTORCALL',
     'cpython::Py_TPFLAGS_HAVE_VECTORCALL'),
    ('const:Py_TPFLAGS_LONG_SUBCLASS', 'Py_TPFLAGS_LONG_SUBCLASS', 'cpython::Py_TPFLAGS_LONG_SUBCLASS'),
    ('const:Py_TPFLAGS_LIST_SUBCLASS', 'Py_TPFLAGS_LIST_SUBCLASS', 'cpython::Py_TPFLAGS_LIST_SUBCLASS'),
    ('const:Py_TPFLAGS_TUPLE_SUBCLASS', 'Py_TPFLAGS_TUPLE_SUBCLASS', 'cpython::Py_TPFLAGS_TUPLE_SUBCLASS'),
    ('const:Py_TPFLAGS_BYTES_SUBCLASS', 'Py_TPFLAGS_BYTES_SUBCLASS', 'cpython::Py_TPFLAGS_BYTES_SUBCLASS'),
    ('const:Py_TPFLAGS_UNICODE_SUBCLASS', 'Py_TPFLAGS_UNICODE_SUBCLASS',
     'cpython::Py_TPFLAGS_UNICODE_SUBCLASS'),
    ('const:Py_TPFLAGS_DICT_SUBCLASS', 'Py_TPFLAGS_DICT_SUBCLASS', 'cpython::Py_TPFLAGS_DICT_SUBCLASS'),
    ('const:Py_TPFLAGS_TYPE_SUBCLASS', 'Py_TPFLAGS_TYPE_SUBCLASS', 'cpython::Py_TPFLAGS_TYPE_SUBCLASS'),
    ('const:PY_VECTORCALL_ARGUMENTS_OFFSET', 'PY_VECTORCALL_ARGUMENTS_OFFSET',
     'cpython::PY_VECTORCALL_ARGUMENTS_OFFSET as i64'),  # C prints it as long long
    ('size:Py_buffer', 'sizeof(Py_buffer)', 'size_of::<HPy_buffer>()'),
]


def emit_layout(M):
    # entries: (abi, key, C expr, Rust expr); abi in {'both', 'universal', 'cpython'}
    E = []

    def struct_entries(abi, cname, rname, fields, union_of=None):
        E.append((abi, 'size:%s' % cname, 'sizeof(%s)' % cname, 'size_of::<%s>()' % rname))
        E.append((abi, 'align:%s' % cname, '_Alignof(%s)' % cname, 'align_of::<%s>()' % rname))
        for fl in fields:
            fi = field_ident(fl.name)
            E.append((abi, 'offset:%s.%s' % (cname, fl.name), 'offsetof(%s, %s)' % (cname, fl.name),
                      'offset_of!(%s, %s)' % (rname, fi)))
            E.append((abi, 'fsize:%s.%s' % (cname, fl.name), 'sizeof(((%s *)0)->%s)' % (cname, fl.name),
                      'fsize(|s: &%s| &s.%s)' % (rname, fi)))

    for t, f in (('HPy', '_i'), ('HPyField', '_i'), ('HPyGlobal', '_i'), ('HPyListBuilder', '_lst'),
                 ('HPyTupleBuilder', '_tup'), ('HPyTracker', '_i'), ('HPyThreadState', '_i')):
        struct_entries('both', t, t, [Field(f, 'intptr_t')])
    for t in ('HPy_ssize_t', 'HPy_hash_t', 'HPy_UCS4', 'wchar_t', 'HPyCFunction'):
        E.append(('both', 'size:%s' % t, 'sizeof(%s)' % t, 'size_of::<%s>()' % t))
    for ename, vals in M.enums:
        abi = 'universal' if ename == '_HPyCapsule_key' else 'both'
        E.append((abi, 'size:%s' % ename, 'sizeof(%s)' % ename, 'size_of::<%s>()' % ename))
        for k, _ in vals:
            E.append((abi, 'const:%s' % k, '(long long)%s' % k, k))
    for name, _ in M.flags:
        E.append(('both', 'const:%s' % name, '(long long)%s' % name, name))
    for k in ('HPY_ABI_VERSION', 'HPY_ABI_VERSION_MINOR'):
        E.append(('both', 'const:%s' % k, '(long long)%s' % k, k))
    for name, fields in M.structs:
        struct_entries('both', name, name, fields)
    # HPyDef with its anonymous union
    E.append(('both', 'size:HPyDef', 'sizeof(HPyDef)', 'size_of::<HPyDef>()'))
    E.append(('both', 'align:HPyDef', '_Alignof(HPyDef)', 'align_of::<HPyDef>()'))
    E.append(('both', 'offset:HPyDef.kind', 'offsetof(HPyDef, kind)', 'offset_of!(HPyDef, kind)'))
    for fl in M.hpydef_union:
        E.append(('both', 'offset:HPyDef.%s' % fl.name, 'offsetof(HPyDef, %s)' % fl.name,
                  'offset_of!(HPyDef, u) + offset_of!(HPyDef_u, %s)' % fl.name))
        E.append(('both', 'fsize:HPyDef.%s' % fl.name, 'sizeof(((HPyDef *)0)->%s)' % fl.name,
                  'size_of::<%s>()' % fl.rust()))
    for name, fields in M.tramp_structs:
        struct_entries('universal', name, name, fields)
    struct_entries('universal', 'HPyContext', 'HPyContext', M.uctx)
    struct_entries('cpython', 'HPyContext', 'HPyContext', M.cctx)
    for key, c, r in CPY_LAYOUT:
        E.append(('cpython', key, c, r))

    c = ['/* @generated by %s from the HPy %s headers (layout probe). DO NOT EDIT. */\n'
         % (SCRIPT, VERSION[0])]
    c.append('''/* Prints "key value" for every size, alignment, field offset/size and
   constant that hpy-sys mirrors. Compile with -DHPY_ABI_UNIVERSAL or
   -DHPY_ABI_CPYTHON (plus Python's include dir) to probe that ABI. */
#include <stdio.h>
#include <stddef.h>
#include <wchar.h>
#include "hpy.h"

#define P(key, expr) printf("%s %lld\\n", key, (long long)(expr))

int main(void)
{
''')
    r = [header_line('layout test entries')]
    r.append('''
// Included by tests/layout.rs: the Rust side of every entry of
// tests/layout_probe.c, for the ABI the test is built with.

/// `(key, value)` for every layout entry of the active ABI.
#[allow(clippy::unnecessary_cast)]
pub fn rust_entries() -> Vec<(&'static str, i128)> {
    let mut v: Vec<(&'static str, i128)> = Vec::new();
''')
    for abi in ('both', 'universal', 'cpython'):
        if abi == 'universal':
            c.append('#ifdef HPY_ABI_UNIVERSAL\n')
            r.append('    #[cfg(feature = "universal")]\n    {\n')
        elif abi == 'cpython':
            c.append('#ifdef HPY_ABI_CPYTHON\n')
            r.append('    #[cfg(not(feature = "universal"))]\n    {\n')
        else:
            r.append('    {\n')
        for a, key, cexpr, rexpr in E:
            if a != abi:
                continue
            c.append('    P("%s", %s);\n' % (key, cexpr))
            r.append('        v.push(("%s", (%s) as i128));\n' % (key, rexpr))
        if abi != 'both':
            c.append('#endif\n')
        r.append('    }\n')
    c.append('    return 0;\n}\n')
    r.append('    v\n}\n')
    return ''.join(c), ''.join(r)


def emit_signatures(M):
    out = [header_line('API signatures')]
    out.append('''
// Included by tests/api_signatures.rs. Type-checks that every public API
// function of HPy exists at the crate root with the universal-ABI signature,
// in whichever ABI the test is built with. The function is generic and never
// instantiated, so nothing here is linked.

/// Never called: its body only has to type-check.
#[allow(dead_code, clippy::type_complexity, clippy::extra_unused_type_parameters)]
pub fn check_signatures<T>() {
''')
    sigs = [(n, fn) for n, fn, _, _ in M.uapi] + list(M.umisc) + list(M.inline_helpers)
    sigs.sort(key=lambda x: x[0])
    count = 0
    for name, fn in sigs:
        if name == '_HPy_CallRealFunctionFromTrampoline':
            continue
        ps = ', '.join(rust_type(p.ctype) for p in fn.params)
        ret = rust_type(fn.ret)
        if name == 'HPy_FatalError':
            ret = '!'
        out.append('    let _: unsafe fn(%s)%s = %s;\n' % (ps, ' -> %s' % ret if ret else '', name))
        count += 1
    out.append('}\n\n/// Number of API functions checked above.\npub const N_API_FUNCTIONS: usize = %d;\n'
               % count)
    return ''.join(out)


# ---------------------------------------------------------------------------

def generate():
    include_dir, version = find_hpy()
    VERSION[0] = version
    hdr = Headers(include_dir)
    M = build_model(hdr, version)
    files = {}
    files['src/generated/types.rs'] = emit_types(M)
    files['src/generated/universal_ctx.rs'] = emit_universal(M)
    files['src/generated/universal_struct.rs'] = emit_universal_struct(M)
    files['src/generated/host_table.rs'] = emit_host(M)
    # The second result (extern declarations of HPy's C runtime) is no
    # longer written: hpy-sys's runtime is its own Rust code
    # (src/cpython/runtime/), which the calls in cpython_api.rs link to.
    files['src/generated/cpython_api.rs'], _ = emit_cpython(M, hdr)
    (files['src/generated/constants.rs'], files['src/generated/constants_universal.rs'],
     files['src/generated/constants_cpython.rs']) = emit_constants(M, hdr)
    probe_c, probe_rs = emit_layout(M)
    files['tests/layout_probe.c'] = probe_c
    files['tests/generated/layout_rust.rs'] = probe_rs
    files['tests/generated/api_signatures.rs'] = emit_signatures(M)
    print('API functions: %d universal, %d CPython ABI' % (len(M.uni_names), len(M.cpy_names)),
          file=sys.stderr)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true',
                    help='do not write; exit 1 with a diff if the committed files differ')
    args = ap.parse_args()
    files = generate()
    bad = 0
    for rel in sorted(files):
        path = os.path.join(CRATE, rel)
        new = files[rel]
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
                'a/hpy-sys/' + rel, 'b/hpy-sys/' + rel))
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(new)
            print('wrote hpy-sys/%s' % rel, file=sys.stderr)
    if args.check:
        if bad:
            print('%d generated file(s) out of date: run `python %s`' % (bad, SCRIPT), file=sys.stderr)
            sys.exit(1)
        print('generated files are up to date', file=sys.stderr)


if __name__ == '__main__':
    main()
