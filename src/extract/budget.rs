//! One memory allowance shared by the jobs of a batch. Every file may decompress up to
//! [`LIGHT_BYTES`], and hold up to [`LIGHT_TEXT_BYTES`] of text, alongside the others; a file that
//! needs more waits for the heavy turn and keeps it until it has been read and checked, so at most
//! one file at a time is past those marks. A batch's peak memory then stays near that of its
//! largest file plus a light file for each other job, whatever `--jobs` is, instead of `--jobs`
//! times the limits on files built to reach them.
//!
//! What a file may decompress, and so every verdict and every error, is what it may when read
//! alone: only when it is read changes. A step refused for want of the turn is done again, whole,
//! once the turn is held.
//!
//! The turn belongs to the thread reading the file, for as long as a [`Scope`] is open on it: the
//! scan opens one per file around reading, extraction and checking, and each reader opens its own
//! (so a reader called on its own releases the turn when it returns). A thread holding the turn
//! waits for nothing else, so two heavy files never wait for each other.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Bytes a file may decompress before it needs the heavy turn.
pub const LIGHT_BYTES: u64 = 32 * 1024 * 1024;

/// Bytes of text a file may hold before it needs the heavy turn. Text costs several times its
/// size once split into blocks and sentences and checked (a 50 MB text file peaks about 240 MB
/// above the program's own memory), so the mark is lower than for decompression.
pub const LIGHT_TEXT_BYTES: u64 = 8 * 1024 * 1024;

/// The heavy turn: held by the one file past the light marks.
static HEAVY: Mutex<()> = Mutex::new(());

/// This thread's open scopes and, while any is open, the heavy turn if it was taken.
struct Held {
    scopes: usize,
    turn: Option<MutexGuard<'static, ()>>,
}

thread_local! {
    static HELD: RefCell<Held> = const { RefCell::new(Held { scopes: 0, turn: None }) };
    /// Time this thread has spent waiting for the heavy turn, in all.
    static WAITED: Cell<Duration> = const { Cell::new(Duration::ZERO) };
}

/// A file being read on this thread: while any scope is open, a heavy turn taken is kept. Scopes
/// nest; the turn is released when the outermost one closes.
pub struct Scope {
    /// Bound to the thread whose state it counts.
    _thread: PhantomData<*const ()>,
}

impl Scope {
    /// Opens a scope on this thread.
    pub fn enter() -> Scope {
        HELD.with_borrow_mut(|h| h.scopes += 1);
        Scope {
            _thread: PhantomData,
        }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        HELD.with_borrow_mut(|h| {
            h.scopes = h.scopes.saturating_sub(1);
            if h.scopes == 0 {
                h.turn = None;
            }
        });
    }
}

/// Whether this thread holds the heavy turn.
fn heavy() -> bool {
    HELD.with_borrow(|h| h.turn.is_some())
}

/// Waits for the heavy turn, unless this thread holds it already; outside any [`Scope`] there is
/// no file to hold it for, and nothing is done.
pub fn wait() {
    let open = HELD.with_borrow(|h| h.scopes > 0 && h.turn.is_none());
    if open {
        // A reader that panicked while heavy (caught per file) leaves the lock poisoned; the
        // turn guards no data, so it is taken as it is.
        let asked = Instant::now();
        let turn = HEAVY.lock().unwrap_or_else(PoisonError::into_inner);
        WAITED.set(WAITED.get() + asked.elapsed());
        HELD.with_borrow_mut(|h| h.turn = Some(turn));
    }
}

/// Time this thread has spent waiting for the heavy turn since it started: a file's own time
/// limits (the OCR deadline) leave out what it spent waiting for another file.
pub fn waited() -> Duration {
    WAITED.get()
}

/// Waits for the heavy turn when a file's text is past [`LIGHT_TEXT_BYTES`].
pub fn text(bytes: u64) {
    if bytes > LIGHT_TEXT_BYTES {
        wait();
    }
}

/// The most a file that has decompressed `used` bytes of its `max` may decompress now.
pub fn allowance(used: u64, max: u64) -> u64 {
    let ceiling = if heavy() { max } else { max.min(LIGHT_BYTES) };
    ceiling.saturating_sub(used)
}

/// Runs a decompression step of a file that has decompressed `used` of its `max` bytes:
/// `step(allowed)` must refuse (`over` says which errors are refusals) rather than decompress more
/// than `allowed`. A step refused within the light allowance is run again with the rest of the
/// file's budget once this thread holds the heavy turn, so the result is the step's under the
/// file's own limit.
pub fn within<T, E>(
    used: u64,
    max: u64,
    mut step: impl FnMut(u64) -> Result<T, E>,
    over: impl Fn(&E) -> bool,
) -> Result<T, E> {
    let allowed = allowance(used, max);
    let rest = max.saturating_sub(used);
    match step(allowed) {
        Err(e) if over(&e) && allowed < rest => {
            wait();
            step(rest)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_light_file_is_allowed_up_to_the_mark_and_a_heavy_one_its_whole_budget() {
        let _file = Scope::enter();
        assert_eq!(allowance(0, 1000), 1000);
        assert_eq!(allowance(0, LIGHT_BYTES * 4), LIGHT_BYTES);
        assert_eq!(allowance(LIGHT_BYTES + 1, LIGHT_BYTES * 4), 0);
        text(LIGHT_TEXT_BYTES);
        assert!(!heavy(), "text at the mark is light");
        text(LIGHT_TEXT_BYTES + 1);
        assert!(heavy());
        assert_eq!(allowance(LIGHT_BYTES, LIGHT_BYTES * 4), LIGHT_BYTES * 3);
    }

    #[test]
    fn a_refused_step_is_run_again_with_the_files_whole_budget() {
        let _file = Scope::enter();
        let max = LIGHT_BYTES * 4;
        let need = LIGHT_BYTES * 2;
        let mut asked = Vec::new();
        let step = |allowed| {
            asked.push(allowed);
            if need <= allowed {
                Ok(need)
            } else {
                Err("over")
            }
        };
        assert_eq!(within(10, max, step, |e| *e == "over"), Ok(need));
        assert_eq!(asked, [LIGHT_BYTES - 10, max - 10]);
        // Over the file's own limit: refused, as when read alone.
        let small = |a| if need <= a { Ok(()) } else { Err(()) };
        assert_eq!(within(0, need - 1, small, |_| true), Err(()));
        // Refusals of another kind are not retried.
        let mut calls = 0;
        let damaged = |_| {
            calls += 1;
            Err::<(), _>("damaged")
        };
        assert_eq!(within(0, max, damaged, |e| *e == "over"), Err("damaged"));
        assert_eq!(calls, 1);
    }

    #[test]
    fn the_turn_is_kept_until_the_outermost_scope_closes() {
        let outer = Scope::enter();
        {
            let _inner = Scope::enter();
            wait();
        }
        assert!(heavy(), "released by an inner scope");
        drop(outer);
        assert!(!heavy());
        wait();
        assert!(!heavy(), "taken outside any scope");
    }

    #[test]
    fn a_second_heavy_file_waits_for_the_first_to_be_read() {
        let first = Scope::enter();
        wait();
        let (done, finished) = mpsc::channel();
        let second = std::thread::spawn(move || {
            let _file = Scope::enter();
            let before = waited();
            wait();
            done.send(waited() - before).expect("send");
        });
        assert!(
            finished.recv_timeout(Duration::from_millis(200)).is_err(),
            "the second file took the turn while the first held it"
        );
        drop(first);
        let spent = finished
            .recv_timeout(Duration::from_secs(10))
            .expect("the second file takes the turn once the first is read");
        assert!(
            spent >= Duration::from_millis(200),
            "the wait is counted: {spent:?}"
        );
        second.join().expect("join");
    }
}
