// A handle lent back by a tracker cannot outlive the tracker, which closes it.
use hpy::{Borrowed, Context, HPyResult, Tracker};

fn escape<'a, 'ctx>(ctx: Context<'ctx>) -> HPyResult<Borrowed<'a, 'ctx>> {
    let tracker = Tracker::new(ctx, 1)?;
    let none = tracker.add(ctx.none())?;
    Ok(none)
}

fn main() {
    let _ = escape;
}
