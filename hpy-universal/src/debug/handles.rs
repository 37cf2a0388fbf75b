//! The records behind debug handles, and the bookkeeping around them.
//!
//! Every handle the extension sees in debug mode names a [`Record`] (by
//! its index, see [`State::lookup`]): the universal handle it stands for (on CPython the
//! `PyObject*`), a unique id, the generation it was opened in, whether it is
//! open, and what kind of handle it is (owned by the extension, a borrowed
//! argument of the running call, or a context constant). Tuple and list
//! builders and trackers get records too, so that a use after
//! `Build`/`Cancel`/`Close` is caught the same way.
//!
//! Records live in chunks of [`CHUNK`] records that are allocated once and
//! never freed, so any value an extension passes can be checked without
//! dereferencing it: it is a handle of this context only if it encodes the
//! index of a record handed out so far. The encoding puts the index above
//! every address a `PyObject*` can have on x86_64 and AArch64 (whose user
//! space ends below 2^57), so a universal handle given to the debug context
//! is always reported, and finding a record is one shift and one index,
//! however many handles are open (as cheap as HPy's, whose debug handles
//! are pointers it dereferences). A closed record waits in the queue of recently closed
//! handles (so that a late use of it is reported as such); when the queue
//! is longer than its maximum, the oldest record goes to the free list and
//! is reused by a later open.
//!
//! Nothing here calls into Python: the [`State`] is borrowed only for the
//! bookkeeping, and every call that may run Python code (the universal
//! context's functions, the invalid-handle callback, a `__del__` run by a
//! close) happens with the borrow released.

use core::ptr::null_mut;
use std::backtrace::Backtrace;

use hpy_sys::{HPy, HPy_NULL};

use super::problem::{Kind, Problem};
use super::protect::ProtectedCopy;

/// The default maximum length of the queue of closed handles (as HPy's).
pub(crate) const DEFAULT_CLOSED_QUEUE_MAX: usize = 1024;
/// The default budget for protected copies of closed handles (as HPy's).
pub(crate) const DEFAULT_PROTECTED_MAX: usize = 10 * 1024 * 1024;

/// Where a record was opened: a native stack trace, shown up to the limit
/// in force when it was taken.
pub(crate) struct OpenTrace {
    frames: Backtrace,
    limit: usize,
}

impl OpenTrace {
    /// The trace of the current thread, to be shown up to `limit` frames.
    pub(crate) fn capture(limit: usize) -> Box<OpenTrace> {
        Box::new(OpenTrace {
            frames: Backtrace::force_capture(),
            limit,
        })
    }
}

/// One debug handle (or builder, or tracker).
pub(crate) struct Record {
    /// Neighbours in the queue the record is in (open or closed), if any.
    prev: *mut Record,
    next: *mut Record,
    /// The debug handle naming this record (see [`State::lookup`]).
    handle: isize,
    kind: Kind,
    closed: bool,
    id: u64,
    generation: i64,
    /// The universal handle (a `PyObject*`), or the universal context's
    /// builder value.
    value: isize,
    /// Protected copies of data the extension got through this handle.
    data: Vec<ProtectedCopy>,
    /// The handles a tracker holds.
    tracked: Vec<HPy>,
    /// Where the record was opened (only with a stack trace limit set).
    trace: Option<Box<OpenTrace>>,
}

impl Record {
    /// Whether the record holds protected copies, tracked handles or a
    /// stack trace (which a reuse drops).
    #[inline]
    fn keeps_something(&self) -> bool {
        !self.data.is_empty() || self.tracked.capacity() != 0 || self.trace.is_some()
    }

    /// Marks a record that keeps nothing as released (see
    /// [`State::clear`]).
    #[inline(always)]
    fn vacate(&mut self) {
        self.kind = Kind::Free;
        self.closed = true;
        self.value = 0;
        self.prev = null_mut();
        self.next = null_mut();
    }

    fn vacant() -> Record {
        Record {
            prev: null_mut(),
            next: null_mut(),
            handle: 0,
            kind: Kind::Free,
            closed: true,
            id: 0,
            generation: 0,
            value: 0,
            data: Vec::new(),
            tracked: Vec::new(),
            trace: None,
        }
    }
}

/// An intrusive doubly linked queue of records (oldest first).
struct Queue {
    head: *mut Record,
    tail: *mut Record,
    len: usize,
}

impl Queue {
    const fn new() -> Queue {
        Queue {
            head: null_mut(),
            tail: null_mut(),
            len: 0,
        }
    }

    /// # Safety
    /// `r` is a live record in no queue.
    unsafe fn push_back(&mut self, r: *mut Record) {
        // SAFETY: `r` and the queue's records are live records (arena).
        unsafe {
            (*r).prev = self.tail;
            (*r).next = null_mut();
            if self.tail.is_null() {
                self.head = r;
            } else {
                (*self.tail).next = r;
            }
        }
        self.tail = r;
        self.len += 1;
    }

    /// # Safety
    /// `r` is a live record in this queue.
    unsafe fn remove(&mut self, r: *mut Record) {
        // SAFETY: `r` and its neighbours are live records of this queue.
        unsafe {
            let (prev, next) = ((*r).prev, (*r).next);
            if prev.is_null() {
                self.head = next;
            } else {
                (*prev).next = next;
            }
            if next.is_null() {
                self.tail = prev;
            } else {
                (*next).prev = prev;
            }
            // `r`'s own links are stale now: whatever takes it next
            // (`push_back`, `release`, `clear`) sets them.
        }
        self.len -= 1;
    }

    /// # Safety
    /// The queue's records are live.
    unsafe fn pop_front(&mut self) -> Option<*mut Record> {
        let r = self.head;
        if r.is_null() {
            return None;
        }
        // SAFETY: `r` is the head of this queue.
        unsafe { self.remove(r) };
        Some(r)
    }

    /// The records, oldest first.
    fn iter(&self) -> impl Iterator<Item = *mut Record> + '_ {
        let mut at = self.head;
        core::iter::from_fn(move || {
            if at.is_null() {
                return None;
            }
            let r = at;
            // SAFETY: queue members are live records.
            at = unsafe { (*r).next };
            Some(r)
        })
    }
}

/// A record as the Python API sees it: where it is and which handle it was
/// when the snapshot was taken (a reused record has another id).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Snapshot {
    /// The record's debug handle value.
    pub(crate) record: usize,
    /// The handle's id.
    pub(crate) id: u64,
}

/// An argument handle's record and id, as [`State::close_argument`] takes
/// it at the end of the call.
#[derive(Clone, Copy)]
pub(crate) struct ArgumentRecord {
    record: *mut Record,
    id: u64,
}

/// What [`State::describe`] reports about a snapshot's handle now.
pub(crate) struct Description {
    /// Closed (or its record since reused).
    pub(crate) closed: bool,
    /// The object, while open.
    pub(crate) object: Option<isize>,
    /// Where it was opened, if recorded.
    pub(crate) trace: Option<String>,
    /// Bytes of protected copies the record keeps (0: none).
    pub(crate) raw_data_size: usize,
    /// The debug handle of the record (`HPy_NULL` if released).
    pub(crate) handle: HPy,
}

/// What the debug context knows about its handles.
pub(crate) struct State {
    /// Blocks of [`CHUNK`] records each, allocated once and never freed.
    chunks: Vec<*mut Record>,
    /// Records handed out so far (indices `0..count`).
    count: usize,
    /// Records ready for reuse, linked through `next`.
    free: *mut Record,
    open: Queue,
    closed: Queue,
    closed_helpers: Queue,
    next_id: u64,
    generation: i64,
    closed_max: usize,
    protected_max: usize,
    protected_size: usize,
    trace_limit: usize,
    /// Callables (owned universal handles, 0 for none) called instead of
    /// aborting on an invalid handle / builder.
    on_invalid_handle: isize,
    on_invalid_builder: isize,
}

/// log2 of the number of records in a chunk.
const CHUNK_BITS: u32 = 10;
/// The number of records in a chunk.
const CHUNK: usize = 1 << CHUNK_BITS;
/// The debug handle of record `i` is `HANDLE_BASE + 8 * i`: above any
/// address (x86_64 and AArch64 user space ends below 2^57), positive as an
/// `isize`, and a multiple of 8 like the pointers C code may expect.
const HANDLE_BASE: usize = 0x0de0_0000_0000_0000;

impl State {
    pub(crate) fn new() -> State {
        State {
            chunks: Vec::new(),
            count: 0,
            free: null_mut(),
            open: Queue::new(),
            closed: Queue::new(),
            closed_helpers: Queue::new(),
            next_id: 1,
            generation: 0,
            closed_max: DEFAULT_CLOSED_QUEUE_MAX,
            protected_max: DEFAULT_PROTECTED_MAX,
            protected_size: 0,
            trace_limit: 0,
            on_invalid_handle: 0,
            on_invalid_builder: 0,
        }
    }

    fn alloc(&mut self) -> *mut Record {
        if !self.free.is_null() {
            let r = self.free;
            // SAFETY: free-list members are live records.
            self.free = unsafe { (*r).next };
            return r;
        }
        let i = self.count;
        if i & (CHUNK - 1) == 0 {
            self.add_chunk();
        }
        self.count += 1;
        // SAFETY: chunk `i >> CHUNK_BITS` exists (pushed above when `i`
        // starts it) and holds `CHUNK` records.
        let r = unsafe { self.chunks[i >> CHUNK_BITS].add(i & (CHUNK - 1)) };
        // SAFETY: `r` is a live record that nothing refers to yet.
        unsafe { (*r).handle = (HANDLE_BASE + 8 * i) as isize };
        r
    }

    /// Allocates the next chunk of records (out of line: rare, and the
    /// common paths stay small).
    #[cold]
    #[inline(never)]
    fn add_chunk(&mut self) {
        let block: Box<[Record]> = (0..CHUNK).map(|_| Record::vacant()).collect();
        self.chunks.push(Box::into_raw(block).cast::<Record>());
    }

    /// The record debug handle `raw` names, if it names one.
    #[inline]
    fn lookup(&self, raw: isize) -> Option<*mut Record> {
        let offset = (raw as usize).wrapping_sub(HANDLE_BASE);
        let i = offset >> 3;
        if offset & 7 != 0 || i >= self.count {
            return None;
        }
        // SAFETY: record `i` was handed out, so its chunk exists; chunks
        // are never freed.
        Some(unsafe {
            self.chunks
                .get_unchecked(i >> CHUNK_BITS)
                .add(i & (CHUNK - 1))
        })
    }

    /// Opens a record of `kind` for `value`.
    pub(crate) fn open(&mut self, value: isize, kind: Kind, trace: Option<Box<OpenTrace>>) -> HPy {
        let r = self.open_inline(value, kind, trace);
        // SAFETY: a live record, just opened.
        let handle = unsafe { (*r).handle };
        HPy { _i: handle }
    }

    /// [`State::open`], inlined into the trampoline's hot path.
    #[inline(always)]
    fn open_inline(
        &mut self,
        value: isize,
        kind: Kind,
        trace: Option<Box<OpenTrace>>,
    ) -> *mut Record {
        // As HPy: while the closed queue is full, a new handle takes the
        // oldest closed one's record (so a late use of a recently closed
        // handle is caught for as long as possible, and memory stays put).
        let reused = if self.closed.len > 0 && self.closed.len >= self.closed_max {
            // SAFETY: queue members are live; the record leaves the queue
            // and is cleared (its data unmapped) before it is reused.
            unsafe {
                let r = self.closed.pop_front();
                if let Some(r) = r {
                    let rec = &mut *r;
                    if rec.keeps_something() {
                        self.drop_kept(rec);
                    }
                }
                r
            }
        } else {
            None
        };
        let r = reused.unwrap_or_else(|| self.alloc());
        // SAFETY: `r` is a live record that nothing else refers to (fresh,
        // cleared or from the free list).
        unsafe { self.fill(r, value, kind, trace) };
        r
    }

    /// Gives the unused record `r` a new id and opens it as `kind` for
    /// `value`.
    ///
    /// # Safety
    /// `r` is a live record in no queue, that nothing else refers to.
    #[inline(always)]
    unsafe fn fill(
        &mut self,
        r: *mut Record,
        value: isize,
        kind: Kind,
        trace: Option<Box<OpenTrace>>,
    ) {
        let id = self.next_id;
        self.next_id += 1;
        // SAFETY: per the contract.
        unsafe {
            let rec = &mut *r;
            rec.kind = kind;
            rec.closed = false;
            rec.id = id;
            rec.generation = self.generation;
            rec.value = value;
            if trace.is_some() {
                rec.trace = trace;
            }
            if matches!(kind, Kind::Owned | Kind::Argument) {
                self.open.push_back(r);
            }
        }
    }

    /// [`State::open_argument`] where it calls nothing, the common case of
    /// a running program: no stack trace wanted, and a record to reuse as
    /// it is (the closed queue's oldest when the queue is full and that
    /// record keeps nothing, else one of the free list), as
    /// [`State::open_inline`] would. `None`, with nothing done, otherwise.
    /// (A trampoline's hot path without calls saves no registers.)
    #[inline(always)]
    pub(crate) fn open_argument_fast(&mut self, value: isize) -> Option<(HPy, ArgumentRecord)> {
        let r = self.open_fast(value, Kind::Argument)?;
        // SAFETY: a live record, just opened.
        let (h, id) = unsafe { ((*r).handle, (*r).id) };
        Some((HPy { _i: h }, ArgumentRecord { record: r, id }))
    }

    /// [`State::open_traced`] of an owned handle where it calls nothing
    /// (as [`State::open_argument_fast`]), for the context functions that
    /// return a new handle: `None`, with nothing done, otherwise.
    #[inline(always)]
    pub(crate) fn open_owned_fast(&mut self, value: isize) -> Option<HPy> {
        let r = self.open_fast(value, Kind::Owned)?;
        // SAFETY: a live record, just opened.
        let handle = unsafe { (*r).handle };
        Some(HPy { _i: handle })
    }

    /// The record [`State::open_argument_fast`] and
    /// [`State::open_owned_fast`] open as `kind` (`Owned` or `Argument`).
    #[inline(always)]
    fn open_fast(&mut self, value: isize, kind: Kind) -> Option<*mut Record> {
        if self.trace_limit != 0 {
            return None;
        }
        let head = self.closed.head;
        // SAFETY: the head of the closed queue and the free list's first
        // record are live records; taken out of their queue or list,
        // nothing else refers to them, and the one reused from the queue
        // keeps nothing a reuse would have to drop (checked).
        unsafe {
            let r = if !head.is_null() && self.closed.len >= self.closed_max {
                if (*head).keeps_something() {
                    return None;
                }
                self.closed.remove(head);
                head
            } else if !self.free.is_null() {
                let r = self.free;
                self.free = (*r).next;
                r
            } else {
                return None;
            };
            self.fill(r, value, kind, None);
            Some(r)
        }
    }

    /// Opens a handle record of `kind` for `value`, with a stack trace if
    /// the trace limit is set, and returns it with its id.
    #[inline]
    pub(crate) fn open_traced(&mut self, value: isize, kind: Kind) -> (HPy, u64) {
        let trace = self.new_trace();
        let h = self.open(value, kind, trace);
        (h, self.next_id - 1)
    }

    /// [`State::open_traced`] for an argument of a call, inlined into the
    /// trampoline: the handle, and what [`State::close_argument`] takes.
    #[inline(always)]
    pub(crate) fn open_argument(&mut self, value: isize) -> (HPy, ArgumentRecord) {
        let trace = self.new_trace();
        let record = self.open_inline(value, Kind::Argument, trace);
        // SAFETY: a live record, just opened.
        let (h, id) = unsafe { ((*record).handle, (*record).id) };
        (HPy { _i: h }, ArgumentRecord { record, id })
    }

    /// A stack trace for a record being opened, if the limit is set.
    #[inline(always)]
    fn new_trace(&self) -> Option<Box<OpenTrace>> {
        match self.trace_limit {
            0 => None,
            limit => Some(capture_trace(limit)),
        }
    }

    /// The id of the record a handle just opened points to.
    #[cfg(test)]
    pub(crate) fn id_of(&self, h: HPy) -> u64 {
        // SAFETY: records found are live.
        self.lookup(h._i).map_or(0, |r| unsafe { (*r).id })
    }

    /// The universal handle `h` stands for if it is an open handle (what
    /// [`State::check`] returns `Ok` for, `HPy_NULL` aside), else `None`.
    #[inline(always)]
    pub(crate) fn unwrap_open(&self, h: HPy) -> Option<HPy> {
        let r = self.lookup(h._i)?;
        // SAFETY: a live record of the arena.
        let rec = unsafe { &*r };
        if rec.kind.is_handle() && !rec.closed {
            Some(HPy { _i: rec.value })
        } else {
            None
        }
    }

    /// The universal handle `h` stands for, or what is wrong with it (and
    /// what to go on with if the report does not abort).
    pub(crate) fn check(&self, h: HPy) -> Result<HPy, (Problem, HPy)> {
        if h._i == 0 {
            return Ok(HPy_NULL);
        }
        let Some(r) = self.lookup(h._i) else {
            return Err((Problem::Unknown { raw: h._i }, HPy_NULL));
        };
        // SAFETY: a live record of the arena.
        let rec = unsafe { &*r };
        match rec.kind {
            Kind::Free => Err((Problem::Released { raw: h._i }, HPy_NULL)),
            kind if !kind.is_handle() => Err((Problem::NotAHandle { kind }, HPy_NULL)),
            kind if rec.closed => Err((
                Problem::UseAfterClose { id: rec.id, kind },
                HPy { _i: rec.value },
            )),
            _ => Ok(HPy { _i: rec.value }),
        }
    }

    /// Closes an open handle record: it moves to the closed queue and its
    /// protected data becomes unreadable.
    ///
    /// # Safety
    /// `r` is an open `Owned` or `Argument` record.
    #[inline]
    unsafe fn retire(&mut self, r: *mut Record) {
        // SAFETY: `r` is live and in the open queue (caller).
        unsafe {
            self.open.remove(r);
            let rec = &mut *r;
            rec.closed = true;
            if !rec.data.is_empty() {
                self.revoke_data(rec);
            }
            self.closed.push_back(r);
        }
        self.trim_closed();
    }

    /// Makes the protected copies of a record being closed unreadable,
    /// keeping them while the budget allows (unmapped right away beyond
    /// it).
    #[cold]
    #[inline(never)]
    fn revoke_data(&mut self, rec: &mut Record) {
        // In place, so that the record keeps its vector's memory for the
        // next handle that reuses it.
        rec.data.retain_mut(|copy| {
            let size = copy.len();
            if self.protected_size + size <= self.protected_max {
                copy.revoke();
                self.protected_size += size;
                true
            } else {
                false
            }
        });
    }

    /// Releases the oldest closed record if the queue is over its maximum
    /// (one per close, as HPy: a queue over a newly lowered maximum shrinks
    /// as new handles take its records).
    #[inline]
    fn trim_closed(&mut self) {
        if self.closed.len > self.closed_max {
            // SAFETY: queue members are live; the oldest leaves the queue.
            unsafe {
                if let Some(r) = self.closed.pop_front() {
                    self.release(r);
                }
            }
        }
    }

    /// [`State::trim_closed`] for the queue of closed builders and
    /// trackers.
    fn trim_closed_helpers(&mut self) {
        if self.closed_helpers.len > self.closed_max {
            // SAFETY: as above.
            unsafe {
                if let Some(r) = self.closed_helpers.pop_front() {
                    self.release(r);
                }
            }
        }
    }

    /// Puts a record that is in no queue on the free list.
    ///
    /// # Safety
    /// `r` is a live record in no queue.
    unsafe fn release(&mut self, r: *mut Record) {
        // SAFETY: live record in no queue (caller).
        unsafe {
            self.clear(r);
            (*r).next = self.free;
        }
        self.free = r;
    }

    /// Empties a record that is in no queue: what it kept is dropped and it
    /// reads as released until it is opened again.
    ///
    /// # Safety
    /// `r` is a live record in no queue.
    #[inline]
    unsafe fn clear(&mut self, r: *mut Record) {
        // SAFETY: live record (caller).
        let rec = unsafe { &mut *r };
        if rec.keeps_something() {
            self.drop_kept(rec);
        }
        rec.vacate();
    }

    /// Drops what a record being cleared keeps (out of line: most records
    /// keep nothing).
    #[cold]
    #[inline(never)]
    fn drop_kept(&mut self, rec: &mut Record) {
        for copy in rec.data.drain(..) {
            self.protected_size -= copy.len();
        }
        rec.tracked = Vec::new();
        rec.trace = None;
    }

    /// `HPy_Close` by the extension. `Ok(Some(object))`: the record is
    /// closed and the caller drops the object's reference.
    pub(crate) fn close(&mut self, h: HPy) -> Result<Option<HPy>, Problem> {
        if h._i == 0 {
            return Ok(None);
        }
        let Some(r) = self.lookup(h._i) else {
            return Err(Problem::Unknown { raw: h._i });
        };
        // SAFETY: a live record of the arena.
        let (kind, closed, id, value) = unsafe { ((*r).kind, (*r).closed, (*r).id, (*r).value) };
        match kind {
            Kind::Free => Err(Problem::Released { raw: h._i }),
            _ if !kind.is_handle() => Err(Problem::NotAHandle { kind }),
            _ if closed => Err(Problem::ClosedTwice { id, kind }),
            Kind::Constant => Err(Problem::CloseConstant),
            Kind::Argument => {
                // Closed now, so that any later use is caught too; the
                // reference is the caller's, so nothing is released.
                // SAFETY: an open argument record.
                unsafe { self.retire(r) };
                Err(Problem::CloseArgument { id })
            }
            _ => {
                // SAFETY: an open owned record.
                unsafe { self.retire(r) };
                Ok(Some(HPy { _i: value }))
            }
        }
    }

    /// [`State::close`] of an open owned handle where it calls nothing:
    /// the record holds no protected copies, and the closed queue is not
    /// full (so nothing leaves it). `Some(object)` when closed so (the
    /// caller drops the object's reference); `None`, with nothing done,
    /// otherwise (any other case, problems included, is [`State::close`]'s).
    #[inline(always)]
    pub(crate) fn close_owned_fast(&mut self, h: HPy) -> Option<HPy> {
        let r = self.lookup(h._i)?;
        // SAFETY: a live record of the arena; an open owned record is in
        // the open queue.
        unsafe {
            let rec = &mut *r;
            if rec.kind != Kind::Owned
                || rec.closed
                || !rec.data.is_empty()
                || self.closed.len >= self.closed_max
            {
                return None;
            }
            // `retire` without the calls not needed here (the queue stays
            // within its maximum, so `trim_closed` has nothing to do).
            self.open.remove(r);
            rec.closed = true;
            let value = rec.value;
            self.closed.push_back(r);
            Some(HPy { _i: value })
        }
    }

    /// [`State::close_argument`] where it calls nothing: the record holds
    /// no protected copies, and the closed record that leaves the full
    /// closed queue for the free list, if any, keeps nothing. `false`,
    /// with nothing done, otherwise.
    #[inline(always)]
    pub(crate) fn close_argument_fast(&mut self, arg: ArgumentRecord) -> bool {
        let r = arg.record;
        // SAFETY: records are never freed; the record is still this
        // argument's only if the id matches (ids are never reused), and
        // then it is open (so in the open queue) unless the extension
        // closed it. The closed queue's head is live.
        unsafe {
            if (*r).id != arg.id || (*r).closed {
                return true;
            }
            let full = self.closed.len >= self.closed_max;
            let oldest = self.closed.head;
            if !(*r).data.is_empty() || (full && (oldest.is_null() || (*oldest).keeps_something()))
            {
                return false;
            }
            // `retire` and `trim_closed`, without the calls not needed here.
            self.open.remove(r);
            (*r).closed = true;
            self.closed.push_back(r);
            if full {
                self.closed.remove(oldest);
                (*oldest).vacate();
                (*oldest).next = self.free;
                self.free = oldest;
            }
        }
        true
    }

    /// Closes argument `arg` at the end of its call, unless the extension
    /// already closed it (reported then).
    #[inline(always)]
    pub(crate) fn close_argument(&mut self, arg: ArgumentRecord) {
        let r = arg.record;
        // SAFETY: records are never freed; the record is still this
        // argument's only if the id matches (ids are never reused), and
        // then it is open unless the extension closed it.
        unsafe {
            if (*r).id == arg.id && !(*r).closed {
                self.retire(r);
            }
        }
    }

    /// The object of a handle a function returned, whose reference passes
    /// to the caller: the record is closed without releasing it. On a
    /// problem, the second value is an object to return with a new
    /// reference (when the handle's object is known to be alive), if any.
    pub(crate) fn take_result(&mut self, h: HPy) -> Result<HPy, (Problem, Option<HPy>)> {
        if h._i == 0 {
            return Ok(HPy_NULL);
        }
        let Some(r) = self.lookup(h._i) else {
            return Err((Problem::Unknown { raw: h._i }, None));
        };
        // SAFETY: a live record of the arena.
        let (kind, closed, id, value) = unsafe { ((*r).kind, (*r).closed, (*r).id, (*r).value) };
        let object = HPy { _i: value };
        match kind {
            Kind::Free => Err((Problem::Released { raw: h._i }, None)),
            _ if !kind.is_handle() => Err((Problem::NotAHandle { kind }, None)),
            // The caller of the call still holds its arguments.
            Kind::Argument => Err((Problem::ReturnedArgument { id }, Some(object))),
            Kind::Constant => Err((Problem::ReturnedConstant, Some(object))),
            _ if closed => Err((Problem::UseAfterClose { id, kind }, None)),
            _ => {
                // SAFETY: an open owned record.
                unsafe { self.retire(r) };
                Ok(object)
            }
        }
    }

    /// Attaches a protected copy to the open handle `h`.
    pub(crate) fn attach(&mut self, h: HPy, copy: ProtectedCopy) {
        if let Some(r) = self.lookup(h._i) {
            // SAFETY: a live record of the arena.
            unsafe { (*r).data.push(copy) };
        }
    }

    /// Whether data read through `h` should be handed out as a protected
    /// copy: only for handles that will be closed (not constants).
    pub(crate) fn protects(&self, h: HPy) -> bool {
        self.lookup(h._i).is_some_and(|r| {
            // SAFETY: a live record of the arena.
            let rec = unsafe { &*r };
            matches!(rec.kind, Kind::Owned | Kind::Argument) && !rec.closed
        })
    }

    /// The universal value of helper `raw` if it is an open helper of
    /// `kind` (what [`State::check_helper`] returns `Ok` for), else `None`.
    #[inline(always)]
    pub(crate) fn open_helper(&self, raw: isize, kind: Kind) -> Option<isize> {
        let r = self.lookup(raw)?;
        // SAFETY: a live record of the arena.
        let rec = unsafe { &*r };
        (rec.kind == kind && !rec.closed).then_some(rec.value)
    }

    /// The universal value of helper `raw` (a builder or tracker of
    /// `kind`), if it is open.
    pub(crate) fn check_helper(&self, raw: isize, kind: Kind) -> Result<isize, Problem> {
        let Some(r) = self.lookup(raw) else {
            return Err(Problem::UnknownHelper { kind, raw });
        };
        // SAFETY: a live record of the arena.
        let rec = unsafe { &*r };
        if rec.kind == Kind::Free || (rec.kind == kind && rec.closed) {
            Err(Problem::HelperClosed { kind })
        } else if rec.kind != kind {
            Err(Problem::UnknownHelper { kind, raw })
        } else {
            Ok(rec.value)
        }
    }

    /// Closes open helper `raw` (checked with [`State::check_helper`]).
    pub(crate) fn close_helper(&mut self, raw: isize) {
        if let Some(r) = self.lookup(raw) {
            // SAFETY: a live record of the arena, open (caller).
            unsafe {
                (*r).closed = true;
                (*r).tracked = Vec::new();
                self.closed_helpers.push_back(r);
            }
            self.trim_closed_helpers();
        }
    }

    /// Adds `h` to open tracker `raw`.
    pub(crate) fn track(&mut self, raw: isize, h: HPy) {
        if let Some(r) = self.lookup(raw) {
            // SAFETY: a live record of the arena (an open tracker, caller).
            unsafe { (*r).tracked.push(h) };
        }
    }

    /// Makes room for `n` handles in open tracker `raw` (HPy's size hint).
    pub(crate) fn reserve_tracked(&mut self, raw: isize, n: usize) {
        if let Some(r) = self.lookup(raw) {
            // SAFETY: a live record of the arena (an open tracker, caller).
            unsafe { (*r).tracked.reserve(n.min(1 << 16)) };
        }
    }

    /// Empties open tracker `raw`, returning its handles.
    pub(crate) fn take_tracked(&mut self, raw: isize) -> Vec<HPy> {
        match self.lookup(raw) {
            // SAFETY: a live record of the arena (an open tracker, caller).
            Some(r) => unsafe { core::mem::take(&mut (*r).tracked) },
            None => Vec::new(),
        }
    }

    /// Starts a new generation and returns its number.
    pub(crate) fn new_generation(&mut self) -> i64 {
        self.generation += 1;
        self.generation
    }

    /// The open handles of generation `generation` or later, oldest first.
    pub(crate) fn open_handles(&self, generation: i64) -> Vec<Snapshot> {
        Self::snapshots(&self.open, generation)
    }

    /// The handles in the closed queue of generation `generation` or later.
    pub(crate) fn closed_handles(&self, generation: i64) -> Vec<Snapshot> {
        Self::snapshots(&self.closed, generation)
    }

    fn snapshots(queue: &Queue, generation: i64) -> Vec<Snapshot> {
        queue
            .iter()
            // SAFETY: queue members are live records.
            .filter(|&r| unsafe { (*r).generation } >= generation)
            .map(|r| Snapshot {
                // SAFETY: as above.
                record: unsafe { (*r).handle } as usize,
                // SAFETY: as above.
                id: unsafe { (*r).id },
            })
            .collect()
    }

    /// The handle of `snapshot` as it is now.
    pub(crate) fn describe(&self, snapshot: Snapshot) -> Description {
        let gone = Description {
            closed: true,
            object: None,
            trace: None,
            raw_data_size: 0,
            handle: HPy_NULL,
        };
        let Some(r) = self.lookup(snapshot.record as isize) else {
            return gone;
        };
        // SAFETY: a live record of the arena.
        let rec = unsafe { &*r };
        // A DebugHandle stands for its record, as in HPy: once the record
        // is reused for a new handle, it shows that handle.
        if rec.kind == Kind::Free {
            return gone;
        }
        let trace = rec
            .trace
            .as_deref()
            .map(|t| format_trace(&t.frames, t.limit));
        Description {
            closed: rec.closed,
            object: (!rec.closed).then_some(rec.value),
            trace,
            raw_data_size: rec.data.iter().map(|c| c.len()).sum::<usize>(),
            handle: HPy { _i: rec.handle },
        }
    }

    /// The maximum length of the closed queue.
    pub(crate) fn closed_max(&self) -> usize {
        self.closed_max
    }

    /// Sets the maximum length of the closed queue. As in HPy, the queue is
    /// not trimmed now: new handles take the oldest closed records while it
    /// is full, and the next close trims it.
    pub(crate) fn set_closed_max(&mut self, max: usize) {
        self.closed_max = max;
    }

    /// The budget for protected copies kept for closed handles.
    pub(crate) fn protected_max(&self) -> usize {
        self.protected_max
    }

    /// Sets the budget for protected copies (applies to later closes).
    pub(crate) fn set_protected_max(&mut self, max: usize) {
        self.protected_max = max;
    }

    /// Sets the stack trace limit.
    pub(crate) fn set_trace_limit(&mut self, limit: usize) {
        self.trace_limit = limit;
    }

    /// The callback for invalid handles (`builders`: for invalid builders
    /// and trackers), an owned universal handle or `HPy_NULL`.
    pub(crate) fn callback(&self, builders: bool) -> HPy {
        HPy {
            _i: if builders {
                self.on_invalid_builder
            } else {
                self.on_invalid_handle
            },
        }
    }

    /// Replaces a callback, returning the previous one (whose reference the
    /// caller drops).
    pub(crate) fn set_callback(&mut self, builders: bool, callback: HPy) -> HPy {
        let slot = if builders {
            &mut self.on_invalid_builder
        } else {
            &mut self.on_invalid_handle
        };
        HPy {
            _i: core::mem::replace(slot, callback._i),
        }
    }
}

/// [`OpenTrace::capture`], out of line (traces are off by default).
#[cold]
#[inline(never)]
fn capture_trace(limit: usize) -> Box<OpenTrace> {
    OpenTrace::capture(limit)
}

/// The first `limit` frames of `trace` below the debug context itself
/// (its own frames on top are left out), as text.
fn format_trace(trace: &Backtrace, limit: usize) -> String {
    // A frame is a line "  N: symbol" followed by its location lines.
    let text = trace.to_string();
    let mut frames: Vec<Vec<&str>> = Vec::new();
    for line in text.lines() {
        let is_frame = line
            .trim_start()
            .split_once(':')
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        match frames.last_mut() {
            Some(frame) if !is_frame => frame.push(line),
            _ => frames.push(vec![line]),
        }
    }
    let own = |frame: &Vec<&str>| {
        frame[0].contains("hpy_rs_universal::") || frame[0].contains("std::backtrace")
    };
    let mut out = String::new();
    for frame in frames.iter().skip_while(|f| own(f)).take(limit) {
        for line in frame {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(n: isize) -> isize {
        0x1000 + 16 * n
    }

    #[test]
    fn open_check_close() {
        let mut s = State::new();
        let h = s.open(obj(1), Kind::Owned, None);
        assert_eq!(s.check(h).unwrap()._i, obj(1));
        assert_eq!(s.open_handles(0).len(), 1);
        assert_eq!(s.close(h).unwrap().unwrap()._i, obj(1));
        assert!(s.open_handles(0).is_empty());
        assert_eq!(s.closed_handles(0).len(), 1);
        match s.check(h) {
            Err((
                Problem::UseAfterClose {
                    kind: Kind::Owned, ..
                },
                stale,
            )) => {
                assert_eq!(stale._i, obj(1))
            }
            other => panic!("{:?}", other.map(|h| h._i)),
        }
        assert!(matches!(s.close(h), Err(Problem::ClosedTwice { .. })));
    }

    #[test]
    fn unknown_values_are_not_dereferenced() {
        let mut s = State::new();
        let h = s.open(obj(1), Kind::Owned, None);
        // Inside the arena but not at a record boundary, and outside it.
        for raw in [h._i + 1, 8, obj(1)] {
            assert!(matches!(
                s.check(HPy { _i: raw }),
                Err((Problem::Unknown { .. }, _))
            ));
        }
        assert_eq!(s.check(HPy_NULL).unwrap()._i, 0);
    }

    #[test]
    fn arguments_and_constants_cannot_be_closed() {
        let mut s = State::new();
        let c = s.open(obj(1), Kind::Constant, None);
        assert!(matches!(s.close(c), Err(Problem::CloseConstant)));
        assert!(s.check(c).is_ok());
        let (a, arg) = s.open_argument(obj(2));
        assert!(matches!(s.close(a), Err(Problem::CloseArgument { .. })));
        // Now closed: a later use is reported, and the end of the call
        // does not close it again.
        assert!(s.check(a).is_err());
        s.close_argument(arg);
        assert_eq!(s.closed_handles(0).len(), 1);
        // Nor once its record is reused by another handle.
        s.set_closed_max(0);
        let b = s.open(obj(3), Kind::Owned, None);
        s.close(b).unwrap();
        let reused = s.open(obj(4), Kind::Argument, None);
        assert_eq!(reused._i, a._i);
        s.close_argument(arg);
        assert_eq!(s.check(reused).unwrap()._i, obj(4));
    }

    #[test]
    fn results_pass_ownership() {
        let mut s = State::new();
        let h = s.open(obj(1), Kind::Owned, None);
        assert_eq!(s.take_result(h).unwrap()._i, obj(1));
        assert!(s.open_handles(0).is_empty());
        let (a, arg) = s.open_argument(obj(2));
        s.close_argument(arg);
        match s.take_result(a) {
            Err((Problem::ReturnedArgument { .. }, Some(o))) => assert_eq!(o._i, obj(2)),
            _ => panic!("returning an argument handle must be reported"),
        }
    }

    #[test]
    fn closed_queue_is_bounded_and_records_are_reused() {
        let mut s = State::new();
        s.set_closed_max(3);
        let handles: Vec<HPy> = (0..5).map(|i| s.open(obj(i), Kind::Owned, None)).collect();
        let ids: Vec<u64> = handles.iter().map(|&h| s.id_of(h)).collect();
        for &h in &handles {
            s.close(h).unwrap();
        }
        let closed = s.closed_handles(0);
        assert_eq!(
            closed.iter().map(|c| c.id).collect::<Vec<_>>(),
            ids[2..].to_vec()
        );
        // The two oldest went to the free list: using them is reported as
        // a released record, and the next opens reuse them.
        assert!(matches!(
            s.check(handles[0]),
            Err((Problem::Released { .. }, _))
        ));
        // As in HPy, while the closed queue is full a new handle takes the
        // oldest closed record.
        let again = s.open(obj(9), Kind::Owned, None);
        assert_eq!(again._i, handles[2]._i);
        assert!(s.id_of(again) > ids[4]);
        let released = Snapshot {
            record: handles[1]._i as usize,
            id: ids[1],
        };
        assert!(s.describe(released).closed);
        // A DebugHandle follows its record: the reused one shows the new
        // handle.
        let reused = Snapshot {
            record: handles[2]._i as usize,
            id: ids[2],
        };
        assert!(!s.describe(reused).closed);
    }

    /// Argument handles opened and closed through the trampoline's fast
    /// paths (falling back as it does) give the same handles, ids and
    /// queues as through the general functions, whichever path each step
    /// takes: a closed queue filling up, full, over a lowered maximum, and
    /// records taken from the free list.
    #[test]
    fn argument_fast_paths_match_the_general_ones() {
        fn run(fast: bool) -> Vec<(isize, u64, Vec<u64>, Vec<u64>)> {
            let mut s = State::new();
            s.set_closed_max(4);
            let mut seen = Vec::new();
            for round in 0..12isize {
                if round == 6 {
                    s.set_closed_max(2);
                }
                // Calls of 1 to 3 arguments, and an owned handle now and
                // then (closed before the arguments, as a result is).
                let args: Vec<(HPy, ArgumentRecord)> = (0..1 + round % 3)
                    .map(|i| {
                        let fast_open = if fast {
                            s.open_argument_fast(obj(i))
                        } else {
                            None
                        };
                        fast_open.unwrap_or_else(|| s.open_argument(obj(i)))
                    })
                    .collect();
                if round % 4 == 1 {
                    let h = s.open(obj(99), Kind::Owned, None);
                    s.take_result(h).unwrap();
                }
                for &(h, arg) in &args {
                    seen.push((h._i, arg.id, Vec::new(), Vec::new()));
                    if !(fast && s.close_argument_fast(arg)) {
                        s.close_argument(arg);
                    }
                }
                let ids = |v: Vec<Snapshot>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
                let open = ids(s.open_handles(0));
                let closed = ids(s.closed_handles(0));
                seen.push((0, round as u64, open, closed));
            }
            seen
        }
        assert_eq!(run(true), run(false));
    }

    #[test]
    fn generations_filter_open_handles() {
        let mut s = State::new();
        s.open(obj(1), Kind::Owned, None);
        let g = s.new_generation();
        let h = s.open(obj(2), Kind::Owned, None);
        let open = s.open_handles(g);
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].id, s.id_of(h));
        assert_eq!(s.open_handles(0).len(), 2);
    }

    #[test]
    fn helpers_after_close_are_reported() {
        let mut s = State::new();
        let b = s.open(77, Kind::TupleBuilder, None)._i;
        assert_eq!(s.check_helper(b, Kind::TupleBuilder), Ok(77));
        assert!(matches!(
            s.check_helper(b, Kind::ListBuilder),
            Err(Problem::UnknownHelper { .. })
        ));
        s.close_helper(b);
        assert!(matches!(
            s.check_helper(b, Kind::TupleBuilder),
            Err(Problem::HelperClosed { .. })
        ));
        // A builder is not a handle.
        assert!(matches!(
            s.check(HPy { _i: b }),
            Err((Problem::NotAHandle { .. }, _))
        ));
    }

    #[test]
    fn traces_start_below_the_debug_context() {
        let mut s = State::new();
        let h = s.open(obj(1), Kind::Owned, Some(OpenTrace::capture(2)));
        // The limit in force when the trace was taken counts.
        s.set_trace_limit(0);
        let snapshot = Snapshot {
            record: h._i as usize,
            id: s.id_of(h),
        };
        let trace = s.describe(snapshot).trace.unwrap();
        assert!(!trace.contains("hpy_rs_universal::"), "{trace}");
        let frames = trace
            .lines()
            .filter(|l| !l.trim_start().starts_with("at "))
            .count();
        assert!(frames <= 2, "{trace}");
    }

    #[test]
    fn many_records_span_chunks() {
        let mut s = State::new();
        let handles: Vec<HPy> = (0..3000)
            .map(|i| s.open(obj(i), Kind::Owned, None))
            .collect();
        for (i, &h) in handles.iter().enumerate() {
            assert_eq!(s.check(h).unwrap()._i, obj(i as isize));
        }
        assert!(s.chunks.len() >= 3);
    }
}
