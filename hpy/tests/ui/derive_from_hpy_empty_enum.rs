// An enum without variants has nothing to try.
use hpy::FromHPy;

#[derive(FromHPy)]
enum Never {}

fn main() {}
