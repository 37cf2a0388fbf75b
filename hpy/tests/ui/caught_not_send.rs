// A caught exception holds handles: it cannot leave the call's thread.
use hpy::{hpy_method, Context, HPyResult, Handle};

#[hpy_method]
fn call<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<()> {
    if let Err(err) = f.call(&[]) {
        let caught = err.catch(ctx)?;
        std::thread::spawn(move || drop(caught));
    }
    Ok(())
}

fn main() {}
