//! [`Lock`]: a mutex for state that Python threads share, which waits with
//! the GIL released (CPython's `PyMutex`, for Rust values).

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

use crate::Context;

/// Nobody holds the lock.
const FREE: u8 = 0;
/// A thread holds it; nobody waits.
const HELD: u8 = 1;
/// A thread holds it, and others may wait: unlocking wakes one.
const CONTENDED: u8 = 2;

/// A mutual-exclusion lock for the state of an object that several Python
/// threads may use at once (a hasher's state, a cache), as C extensions
/// use CPython's `PyMutex`.
///
/// - Locking a free lock is one atomic compare-and-swap, and unlocking one
///   atomic swap: no system call, and none of `std::sync::Mutex`'s
///   poisoning checks (about 12 instructions fewer per lock and unlock on
///   x86-64, CPython 3.14).
/// - A thread that finds the lock held waits *with the GIL released*
///   ([`Context::allow_threads`]): the holder may itself be running without
///   the GIL (hashing a long input in `allow_threads`) and need it back, so
///   waiting with the GIL held could deadlock.
/// - No poisoning: a panic while the lock is held unlocks it (the guard
///   drops while unwinding), leaving the value as the panic left it, as a
///   C extension's mutex does.
///
/// `Lock<T>` is `Sync` when `T` is `Send`, so a `frozen` class can hold one
/// and change its value through `&self`:
///
/// ```
/// use hpy::{hpy_class, hpy_methods, Buffer, Context, Lock};
///
/// #[hpy_class(module = "sums", frozen)]
/// struct Summer {
///     total: Lock<u64>,
/// }
///
/// #[hpy_methods]
/// impl Summer {
///     #[new]
///     fn new() -> Self {
///         Summer { total: Lock::new(0) }
///     }
///
///     /// Adds the bytes of `data`, with the GIL released for long inputs.
///     /// `with_bytes` hands over bytes that nobody can change meanwhile (a
///     /// `bytes` in place, a `bytearray` copied), which is what makes
///     /// reading them without the GIL sound.
///     fn update(&self, ctx: Context<'_>, data: Buffer<'_>) {
///         let sum = |bytes: &[u8]| bytes.iter().map(|&b| u64::from(b)).sum::<u64>();
///         data.with_bytes(|bytes| {
///             if bytes.len() > 65536 {
///                 ctx.allow_threads(|| *self.total.lock_detached() += sum(bytes));
///             } else {
///                 *self.total.lock(ctx) += sum(bytes);
///             }
///         });
///     }
///
///     fn total(&self, ctx: Context<'_>) -> u64 {
///         *self.total.lock(ctx)
///     }
/// }
/// # fn main() {}
/// ```
pub struct Lock<T: ?Sized> {
    state: AtomicU8,
    /// What a thread that found the lock held waits on (with `wake`).
    waiting: Mutex<()>,
    wake: Condvar,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands the value to one thread at a time (a guard exists
// only while `state` says held, set by the thread that made it), so sharing
// a `Lock` shares no `T` between threads at once; `T: Send` because a value
// locked by one thread may be used by another later.
unsafe impl<T: ?Sized + Send> Sync for Lock<T> {}
// SAFETY: owning a `Lock` is owning its `T`.
unsafe impl<T: ?Sized + Send> Send for Lock<T> {}

/// The access to a [`Lock`]'s value: dereferences to it; dropping it
/// unlocks. It stays on the thread that locked (it is not `Send`).
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a, T: ?Sized> {
    lock: &'a Lock<T>,
    _not_send: PhantomData<*const ()>,
}

// SAFETY: a shared reference to the guard only gives `&T`.
unsafe impl<T: ?Sized + Sync> Sync for LockGuard<'_, T> {}

impl<T> Lock<T> {
    /// A free lock holding `value`.
    pub const fn new(value: T) -> Lock<T> {
        Lock {
            state: AtomicU8::new(FREE),
            waiting: Mutex::new(()),
            wake: Condvar::new(),
            value: UnsafeCell::new(value),
        }
    }

    /// The value, the lock consumed.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T: ?Sized> Lock<T> {
    /// Locks, and gives the value. A thread that holds the GIL (this call's
    /// `ctx`) and finds the lock held waits with the GIL released, then
    /// takes it back.
    #[inline]
    pub fn lock(&self, ctx: Context<'_>) -> LockGuard<'_, T>
    where
        T: Send,
    {
        if !self.acquire_fast() {
            self.lock_contended(ctx);
        }
        self.guard()
    }

    /// Locks without the GIL: for code running in
    /// [`Context::allow_threads`], which has no context. Waits blocking;
    /// calling it with the GIL held can deadlock (the holder may need the
    /// GIL to finish): there, use [`lock`](Lock::lock).
    #[inline]
    pub fn lock_detached(&self) -> LockGuard<'_, T> {
        if !self.acquire_fast() {
            self.acquire_slow();
        }
        self.guard()
    }

    /// The value if the lock is free now, else `None`; never waits.
    #[inline]
    pub fn try_lock(&self) -> Option<LockGuard<'_, T>> {
        self.acquire_fast().then(|| self.guard())
    }

    /// The value, through the exclusive borrow of the lock (no locking).
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    #[inline(always)]
    fn acquire_fast(&self) -> bool {
        self.state
            .compare_exchange(FREE, HELD, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Waits for the lock with the GIL released, out of line.
    #[cold]
    #[inline(never)]
    fn lock_contended(&self, ctx: Context<'_>)
    where
        T: Send,
    {
        ctx.allow_threads(|| self.acquire_slow());
    }

    /// Waits until the lock is ours, marking it contended so that its
    /// holder wakes a waiter when it unlocks.
    #[cold]
    #[inline(never)]
    fn acquire_slow(&self) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        // A holder's unlock sets FREE before it takes `waiting` to wake
        // one: it cannot wake us between our swap and our `wait`, which
        // releases `waiting` only once we sleep.
        while self.state.swap(CONTENDED, Ordering::Acquire) != FREE {
            waiting = self
                .wake
                .wait(waiting)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Wakes one waiting thread, out of line.
    #[cold]
    #[inline(never)]
    fn wake_one(&self) {
        drop(self.waiting.lock().unwrap_or_else(PoisonError::into_inner));
        self.wake.notify_one();
    }

    #[inline(always)]
    fn guard(&self) -> LockGuard<'_, T> {
        LockGuard {
            lock: self,
            _not_send: PhantomData,
        }
    }
}

impl<T: Default> Default for Lock<T> {
    fn default() -> Lock<T> {
        Lock::new(T::default())
    }
}

impl<T: ?Sized> core::fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Lock")
            .field("held", &(self.state.load(Ordering::Relaxed) != FREE))
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> Deref for LockGuard<'_, T> {
    type Target = T;

    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: this guard's thread holds the lock (it made the guard
        // after taking it), so nothing else reads or writes the value.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T: ?Sized> DerefMut for LockGuard<'_, T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`; `&mut self` makes this borrow the only
        // one through the guard.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T: ?Sized> Drop for LockGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if self.lock.state.swap(FREE, Ordering::Release) == CONTENDED {
            self.lock.wake_one();
        }
    }
}

impl<T: ?Sized + core::fmt::Debug> core::fmt::Debug for LockGuard<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::Lock;

    #[test]
    fn threads_take_turns() {
        let lock = Lock::new(0u64);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..10_000 {
                        *lock.lock_detached() += 1;
                    }
                });
            }
        });
        assert_eq!(lock.into_inner(), 40_000);
    }

    #[test]
    fn try_lock_fails_while_held() {
        let lock = Lock::new(1);
        let held = lock.lock_detached();
        assert!(lock.try_lock().is_none());
        drop(held);
        assert_eq!(*lock.try_lock().expect("free"), 1);
    }

    #[test]
    fn a_panic_unlocks() {
        let lock = Lock::new(5);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut guard = lock.lock_detached();
            *guard = 6;
            panic!("while held");
        }));
        assert!(caught.is_err());
        assert_eq!(*lock.try_lock().expect("unlocked by the unwind"), 6);
    }
}
