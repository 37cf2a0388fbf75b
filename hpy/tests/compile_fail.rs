//! Misuse of the safe API that must not compile. Each file under `tests/ui/`
//! is one misuse; its `.stderr` holds the expected compiler error.
//! Regenerate the expectations with `TRYBUILD=overwrite cargo test -p hpy --test compile_fail`
//! (and review the diff).

#[test]
fn misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}

#[test]
fn expansions_are_hygienic() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui-pass/*.rs");
}
