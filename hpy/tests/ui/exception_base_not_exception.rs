// The base of a declared exception must be an exception class.
hpy::create_exception!(m, MyError, String, "not derived from an exception");

hpy::hpy_module! {
    name: m,
    methods: [],
    exceptions: [MyError],
}

fn main() {}
