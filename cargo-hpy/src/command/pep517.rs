//! `cargo hpy pep517 …`: the engine of the hpy-rs-build PEP 517 backend.
