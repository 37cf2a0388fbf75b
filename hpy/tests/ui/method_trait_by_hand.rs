// The traits generated entry points implement return raw handles that the
// runtime trusts: a hand-written safe impl returning a made-up handle does
// not compile.
use hpy::impl_::{HPy, MethNoArgs};
use hpy::{Borrowed, Context, HPyResult};

struct Forged;

impl MethNoArgs for Forged {
    const NAME: &'static str = "forged";
    fn call<'ctx>(_: Context<'ctx>, _: Borrowed<'_, 'ctx>) -> HPyResult<HPy> {
        Ok(HPy { _i: 0x1234 })
    }
}

fn main() {}
