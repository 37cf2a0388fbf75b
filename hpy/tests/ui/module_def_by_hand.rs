// A module definition names functions the interpreter calls with the
// arguments their kind says: only `hpy_module!`, whose definitions come from
// the macros' `unsafe` traits, makes one. By hand it does not compile, and
// the exported init takes only a `StaticModuleDef`.
use hpy::impl_::{DefineList, GlobalList, StaticModuleDef};

static DEFINES: DefineList<1> = DefineList::new([core::ptr::null_mut()]);
static GLOBALS: GlobalList<1> = GlobalList::new([core::ptr::null_mut()]);
static DEF: StaticModuleDef = StaticModuleDef::new(None, &DEFINES, &GLOBALS);

struct Fake;

impl Fake {
    #[allow(dead_code)]
    fn as_ptr(&self) -> *mut hpy::impl_::HPyModuleDef {
        core::ptr::null_mut()
    }
}

static FAKE: Fake = Fake;

hpy::impl_::export_module! {
    name: "fake",
    def: FAKE,
    per_interpreter_gil: true,
    cpython_init: PyInit_fake,
    universal_init: HPyInit_fake,
    universal_context: HPyInitGlobalContext_fake,
    universal_major: get_required_hpy_major_version_fake,
    universal_minor: get_required_hpy_minor_version_fake,
    universal_subinterpreters: HPyRsSubinterpreters_fake,
}

fn main() {}
