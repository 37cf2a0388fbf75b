//! The universal ABI's side of `cpython/stdlib.rs`: no fast path exists
//! (everything goes through HPy's API), so each function says "not
//! available" and the conversion takes its HPy path.

// Which of these a build uses depends on hpy's conversion features.
#![allow(dead_code)]

use crate::{Context, HPyResult, Handle};

/// Whether the fast paths exist in this ABI: no.
pub(crate) const STDLIB_FAST_PATHS: bool = false;

/// Keeps nothing: there is no `datetime` C API here.
pub(crate) struct DateTimeApiCache(());

impl DateTimeApiCache {
    /// An empty cache, for a `static`.
    pub(crate) const fn new() -> Self {
        DateTimeApiCache(())
    }

    /// Always `None`.
    #[inline(always)]
    pub(crate) fn get(&self, _: Context<'_>) -> Option<DateTimeApi> {
        None
    }

    /// Nothing to forget.
    pub(crate) fn forget(&self) {}
}

/// The `datetime` C API, which never exists in this ABI (no value).
#[derive(Clone, Copy)]
pub(crate) enum DateTimeApi {}

#[allow(clippy::type_complexity)]
impl DateTimeApi {
    /// Unreachable (no value).
    pub(crate) fn date_fields(self, _: &Handle<'_>) -> Option<(i32, u32, u32)> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn time_fields(self, _: &Handle<'_>) -> Option<(u32, u32, u32, u32)> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn datetime_fields<'ctx>(
        self,
        _: &Handle<'ctx>,
    ) -> Option<((i32, u32, u32), (u32, u32, u32, u32), Option<Handle<'ctx>>)> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn delta_fields(self, _: &Handle<'_>) -> Option<(i64, i64, i64)> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn is_utc(self, _: &Handle<'_>) -> bool {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn utc(self, _: Context<'_>) -> Handle<'_> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn new_date(self, _: Context<'_>, _: i32, _: u32, _: u32) -> HPyResult<Handle<'_>> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn new_time(self, _: Context<'_>, _: (u32, u32, u32, u32)) -> HPyResult<Handle<'_>> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn new_datetime<'ctx>(
        self,
        _: Context<'ctx>,
        _: (i32, u32, u32),
        _: (u32, u32, u32, u32),
        _: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn new_delta(
        self,
        _: Context<'_>,
        _: i64,
        _: i64,
        _: i64,
    ) -> Option<HPyResult<Handle<'_>>> {
        match self {}
    }

    /// Unreachable (no value).
    pub(crate) fn new_timezone<'ctx>(
        self,
        _: Context<'ctx>,
        _: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        match self {}
    }
}

/// Always `None` (use `int.to_bytes`).
#[allow(clippy::type_complexity)]
pub(crate) fn int_to_magnitude(_: &Handle<'_>) -> Option<HPyResult<Result<i64, (bool, Vec<u32>)>>> {
    None
}

/// Always `None` (use `int.from_bytes`).
pub(crate) fn int_from_magnitude<'ctx>(
    _: Context<'ctx>,
    _: bool,
    _: impl Iterator<Item = u32>,
    _: u64,
) -> Option<HPyResult<Handle<'ctx>>> {
    None
}

/// Always `None` (use `int.to_bytes`).
pub(crate) fn int_to_le_array<const N: usize>(_: &Handle<'_>) -> Option<HPyResult<[u8; N]>> {
    None
}

/// Always `None` (use `int.from_bytes`).
pub(crate) fn int_from_le_bytes<'ctx>(
    _: Context<'ctx>,
    _: &[u8],
    _: bool,
) -> Option<HPyResult<Handle<'ctx>>> {
    None
}

/// Always `None` (read the attribute).
pub(crate) fn descriptor_get<'ctx>(
    _: &Handle<'_>,
    _: &Handle<'ctx>,
) -> Option<HPyResult<Handle<'ctx>>> {
    None
}

/// Always `None` (call the class).
pub(crate) fn new_with_slots<'ctx>(
    _: &Handle<'ctx>,
    _: &[(&Handle<'_>, &Handle<'_>)],
) -> Option<HPyResult<Handle<'ctx>>> {
    None
}
