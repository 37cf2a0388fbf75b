//! `hpy_module!` with a docstring, methods (one by path), types (one
//! unexported), globals and an exec hook.
use hpy::{hpy_class, hpy_method, hpy_methods, hpy_module, Context, Global, HPyResult, Handle};

#[hpy_method]
fn answer() -> i64 {
    42
}

mod nested {
    #[hpy::hpy_method]
    pub fn echo(x: i64) -> i64 {
        x
    }
}

#[hpy_class]
struct Empty {}

#[hpy_methods]
impl Empty {}

#[hpy_class]
struct Hidden {}

static CACHE: Global = Global::new();

fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let _ = ctx;
    CACHE.store(module)?;
    Ok(())
}

hpy_module! {
    /// The module's docstring.
    name: snapshot,
    methods: [answer, nested::echo],
    types: [Empty, #[unexported] Hidden],
    globals: [CACHE],
    exec: init,
}

fn main() {}
