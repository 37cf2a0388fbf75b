// A `Buffer` holds the call's context: it cannot go to another thread.
use hpy::{hpy_method, Buffer};

#[hpy_method]
fn hash_elsewhere(data: Buffer<'_>) -> usize {
    std::thread::scope(|s| s.spawn(move || data.len()).join().unwrap())
}

fn main() {}
