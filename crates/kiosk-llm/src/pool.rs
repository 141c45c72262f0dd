//! A small fork-join thread pool for the forward pass.
//!
//! One token's forward pass runs about a hundred parallel sections (each
//! matmul, the attention), each a fraction of a millisecond. Waking sleeping
//! threads for each would cost more than the work, so workers spin briefly
//! between sections and park only when the model is idle (between turns).
//!
//! Work is handed out in chunks from a shared counter rather than split
//! evenly up front: on a busy kiosk (the UI, speech recognition) a worker
//! may be descheduled, and then the caller takes its chunks instead of
//! waiting. A worker that wakes after the caller has finished a section
//! does not join it at all: the section is closed, and the caller waits only
//! for workers that are inside it.

use std::cell::UnsafeCell;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long an idle worker spins before parking.
const SPIN: Duration = Duration::from_micros(500);

/// The bit of `state` that says the current section takes workers; the
/// other bits count the workers inside it.
const OPEN: usize = 1 << (usize::BITS - 1);

type Job = dyn Fn(usize, usize) + Sync;

struct Shared {
    epoch: AtomicUsize,
    state: AtomicUsize,
    /// The next chunk to hand out, and how many there are.
    next: AtomicUsize,
    n_chunks: AtomicUsize,
    shutdown: AtomicBool,
    panicked: AtomicBool,
    /// The current job: `f(chunk, thread_idx)`; valid while `state` is open
    /// or has workers inside.
    job: UnsafeCell<Option<*const Job>>,
}

// SAFETY: `job` is written only by the caller of `run` while no worker is
// inside a section (closed, count zero), and read by a worker only after it
// entered an open section.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

/// A fixed set of threads that share out chunks of work.
pub struct Pool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    n_threads: usize,
    /// Serializes callers: one section at a time.
    caller: Mutex<()>,
}

impl Pool {
    /// A pool of `n_threads` (at least 1; the caller is one of them).
    pub fn new(n_threads: usize) -> Pool {
        let n_threads = n_threads.max(1);
        let shared = Arc::new(Shared {
            epoch: AtomicUsize::new(0),
            state: AtomicUsize::new(0),
            next: AtomicUsize::new(0),
            n_chunks: AtomicUsize::new(0),
            shutdown: AtomicBool::new(false),
            panicked: AtomicBool::new(false),
            job: UnsafeCell::new(None),
        });
        let workers = (1..n_threads)
            .filter_map(|tid| {
                let shared = Arc::clone(&shared);
                std::thread::Builder::new()
                    .name(format!("kiosk-llm-{tid}"))
                    .spawn(move || worker(&shared, tid))
                    .ok()
            })
            .collect::<Vec<_>>();
        // If a thread could not be spawned, run with the ones we have.
        let n_threads = workers.len() + 1;
        Pool {
            shared,
            workers,
            n_threads,
            caller: Mutex::new(()),
        }
    }

    pub fn n_threads(&self) -> usize {
        self.n_threads
    }

    /// Runs `f(chunk, thread_idx)` for every chunk in `0..n_chunks`, each
    /// once, on whichever threads are free, and returns when all are done.
    /// `thread_idx < n_threads()` is for per-thread scratch space.
    ///
    /// # Panics
    /// If `f` panicked on a worker thread (a bug), the panic is re-raised
    /// here so the caller's `catch_unwind` sees it.
    pub fn run(&self, n_chunks: usize, f: &(dyn Fn(usize, usize) + Sync)) {
        if self.n_threads == 1 || n_chunks <= 1 {
            for c in 0..n_chunks {
                f(c, 0);
            }
            return;
        }
        let _one_at_a_time = self.caller.lock().unwrap_or_else(PoisonError::into_inner);
        let s = &*self.shared;
        // SAFETY: no worker is inside a section (the previous run closed it
        // and waited). The pointer outlives its use: we wait below for every
        // worker that entered.
        unsafe {
            let erased: *const Job =
                std::mem::transmute::<*const (dyn Fn(usize, usize) + Sync + '_), *const Job>(f);
            *s.job.get() = Some(erased);
        }
        s.next.store(0, Ordering::Relaxed);
        s.n_chunks.store(n_chunks, Ordering::Relaxed);
        s.state.store(OPEN, Ordering::Release);
        s.epoch.fetch_add(1, Ordering::Release);
        for w in &self.workers {
            w.thread().unpark();
        }
        let mine = catch_unwind(AssertUnwindSafe(|| take_chunks(s, f, 0)));
        // Close the section to late workers, then wait for those inside.
        s.state.fetch_and(!OPEN, Ordering::AcqRel);
        while s.state.load(Ordering::Acquire) != 0 {
            std::hint::spin_loop();
        }
        // SAFETY: no worker is inside.
        unsafe { *s.job.get() = None };
        if let Err(p) = mine {
            std::panic::resume_unwind(p);
        }
        if s.panicked.swap(false, Ordering::Relaxed) {
            panic!("a kiosk-llm worker thread panicked");
        }
    }

    /// Runs `f(rows, thread_idx)` over `0..n` in row ranges of about
    /// `n / (8 · threads)` (multiples of `align`).
    pub fn run_rows(&self, n: usize, align: usize, f: &(dyn Fn(Range<usize>, usize) + Sync)) {
        let per = (n / (8 * self.n_threads)).clamp(align, 4096);
        let chunk = per.div_ceil(align) * align;
        let n_chunks = n.div_ceil(chunk);
        self.run(n_chunks, &|c, tid| {
            f(c * chunk..((c + 1) * chunk).min(n), tid)
        });
    }
}

fn take_chunks(s: &Shared, f: &(dyn Fn(usize, usize) + Sync), tid: usize) {
    let n = s.n_chunks.load(Ordering::Relaxed);
    loop {
        let c = s.next.fetch_add(1, Ordering::Relaxed);
        if c >= n {
            return;
        }
        f(c, tid);
    }
}

fn worker(s: &Shared, tid: usize) {
    let mut seen = 0usize;
    loop {
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            let now = s.epoch.load(Ordering::Acquire);
            if now != seen {
                seen = now;
                break;
            }
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(256) && start.elapsed() > SPIN {
                std::thread::park_timeout(Duration::from_millis(50));
            } else {
                std::hint::spin_loop();
            }
        }
        if s.shutdown.load(Ordering::Acquire) {
            return;
        }
        // Enter the section if it is still open.
        let mut state = s.state.load(Ordering::Acquire);
        while state & OPEN != 0 {
            match s.state.compare_exchange_weak(
                state,
                state + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    // SAFETY: we are inside an open section, so `job` is set
                    // and stays valid until we leave.
                    if let Some(job) = unsafe { *s.job.get() } {
                        let f = unsafe { &*job };
                        if catch_unwind(AssertUnwindSafe(|| take_chunks(s, f, tid))).is_err() {
                            s.panicked.store(true, Ordering::Relaxed);
                        }
                    }
                    s.state.fetch_sub(1, Ordering::Release);
                    break;
                }
                Err(now) => state = now,
            }
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::Release);
        self.shared.epoch.fetch_add(1, Ordering::Release);
        for w in &self.workers {
            w.thread().unpark();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("n_threads", &self.n_threads)
            .finish()
    }
}
