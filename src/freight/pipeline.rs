//! The register's rows in file order, with the legs priced on several threads.
//!
//! The reading thread turns rows into [`Item`]s in file order: everything that depends on the
//! rows before it (duplicates, shipment chains, hubs and operation legs) is settled there, and
//! a plain leg is sent on as it is. Batches of items go round-robin to workers, each with its
//! own intensity memo; a worker prices the legs of a batch (`leg::calculate`, a pure function
//! of the leg and its resolved factors) and hands the batch back. The reading thread takes
//! batches back in the order it sent them, so whoever consumes the items sees them in file
//! order whatever the number of threads: the entries, diagnostics and totals are the same
//! with one thread or many.
//!
//! On the totals path the priced legs are summed where they were priced (`sums::Folder`),
//! each leg's entries as soon as it is priced, so that they are neither sent back nor added
//! one by one by the ledger: a batch's legs become one `Item::Summed` after its other items.
//! The sums are cut every [`BATCH`] items on one thread as on several, so they are the same.
//!
//! The file read in one piece passes here (the traced path, and the totals path of a small
//! file); so does each chunk of a file read in chunks (`chunked`), on its own thread and with
//! no workers, its items made by a `rows::Rows` of its own.

use super::intensity::Memo;
use super::leg::LegError;
use super::shipments::Leg;
use super::sums::{Folder, Summing};
use crate::diag::Diagnostic;
use crate::register::Entry;
use rust_decimal::Decimal;
use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::Arc;

/// One row's outcome, or a leg still to price.
pub(super) enum Item {
    /// A row's diagnostic (boxed: items are moved in batches, and most are legs).
    Diag(Box<Diagnostic>),
    /// A rejected row, with its readable mass (value, unit) if it has one.
    Reject(Option<(Decimal, &'static str)>),
    /// A row priced where it was read (a hub, a leg of an operation): its entries.
    Used(Vec<Entry>),
    /// A plain leg at a line, to price.
    Leg(u64, Box<Leg>),
    /// The same leg, priced.
    Priced(u64, Box<Leg>, Result<Vec<Entry>, LegError>),
    /// A batch's priced legs, summed (the totals path).
    Summed(Box<super::sums::Summed>),
}

/// Prices a leg with what the pricing thread keeps.
pub(super) type Price<'a> = dyn Fn(&Pricer, u64, &Leg) -> Result<Vec<Entry>, LegError> + Sync + 'a;

/// What a pricing thread keeps: its memo of resolutions, and its own copy of the file's name
/// (every entry holds the name: threads cloning one shared `Arc` contend for its count's
/// cache line on every leg).
pub(super) struct Pricer {
    pub memo: Memo,
    pub file: Arc<str>,
}

impl Pricer {
    pub(super) fn new(file: &str) -> Self {
        Pricer {
            memo: Memo::default(),
            file: Arc::from(file),
        }
    }
}

/// Items per batch: large enough that a batch costs far more to price than to pass between
/// threads, small enough that a few batches in flight hold little memory.
pub(super) const BATCH: usize = 2048;

fn priced(pricer: &Pricer, price: &Price<'_>, item: Item) -> Item {
    match item {
        Item::Leg(line, leg) => {
            let r = price(pricer, line, &leg);
            Item::Priced(line, leg, r)
        }
        other => other,
    }
}

/// A batch priced and, when `sum` names the file, summed.
fn priced_batch(
    pricer: &Pricer,
    price: &Price<'_>,
    sum: Option<Summing<'_>>,
    batch: Vec<Item>,
) -> Vec<Item> {
    let mut out = Vec::new();
    let mut folder = Folder::new(sum);
    for i in batch {
        folder.push(priced(pricer, price, i), &mut |i| out.push(i));
    }
    folder.finish(&mut |i| out.push(i));
    out
}

/// Runs `produce` (which emits items in file order) and hands every item, priced, to `apply`
/// in the same order; legs are priced on `threads` worker threads (inline with one). With
/// `sum` (the file), the priced legs are summed (`sums::Folder`). `file` is the file's name
/// as entries show it.
pub(super) fn run(
    threads: usize,
    file: &str,
    (price, sum): (&Price<'_>, Option<Summing<'_>>),
    produce: impl FnOnce(&mut dyn FnMut(Item)),
    apply: &mut dyn FnMut(Item),
) {
    if threads <= 1 {
        let pricer = Pricer::new(file);
        let mut folder = Folder::new(sum);
        produce(&mut |item| folder.push(priced(&pricer, price, item), apply));
        folder.finish(apply);
        return;
    }
    std::thread::scope(|s| {
        let mut jobs = Vec::with_capacity(threads);
        let mut done = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (job_tx, job_rx) = mpsc::channel::<Vec<Item>>();
            let (done_tx, done_rx) = mpsc::channel::<Vec<Item>>();
            s.spawn(move || {
                let pricer = Pricer::new(file);
                for batch in job_rx {
                    if done_tx
                        .send(priced_batch(&pricer, price, sum, batch))
                        .is_err()
                    {
                        return;
                    }
                }
            });
            jobs.push(job_tx);
            done.push(done_rx);
        }
        let mut order = Order {
            price,
            sum,
            pricer: Pricer::new(file),
            jobs,
            done,
            in_flight: VecDeque::new(),
            next: 0,
            batch: Vec::with_capacity(BATCH),
        };
        produce(&mut |item| order.push(item, apply));
        order.finish(apply);
    });
}

/// The batches in flight, by the worker each went to, oldest first.
struct Order<'p, 'a> {
    price: &'p Price<'a>,
    sum: Option<Summing<'p>>,
    /// For pricing here when a worker is gone.
    pricer: Pricer,
    jobs: Vec<mpsc::Sender<Vec<Item>>>,
    done: Vec<mpsc::Receiver<Vec<Item>>>,
    in_flight: VecDeque<usize>,
    next: usize,
    batch: Vec<Item>,
}

impl Order<'_, '_> {
    fn push(&mut self, item: Item, apply: &mut dyn FnMut(Item)) {
        self.batch.push(item);
        if self.batch.len() >= BATCH {
            self.send(apply);
        }
    }

    /// Sends the current batch; with two batches per worker in flight, first takes the oldest
    /// back (so memory stays bounded and the workers stay busy).
    fn send(&mut self, apply: &mut dyn FnMut(Item)) {
        if self.in_flight.len() >= 2 * self.jobs.len() {
            self.take_oldest(apply);
        }
        let w = self.next % self.jobs.len();
        self.next += 1;
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        match self.jobs[w].send(batch) {
            Ok(()) => self.in_flight.push_back(w),
            // A worker gone (it panicked, which the scope re-raises at its end): price here,
            // in order, rather than drop rows.
            Err(mpsc::SendError(batch)) => {
                self.drain(apply);
                priced_batch(&self.pricer, self.price, self.sum, batch)
                    .into_iter()
                    .for_each(apply);
            }
        }
    }

    /// Applies the oldest batch in flight. A worker that panicked closes its channel and its
    /// batch is lost here, but the scope re-raises the panic when it ends: a bug stops the run,
    /// it never yields totals short of rows.
    fn take_oldest(&mut self, apply: &mut dyn FnMut(Item)) {
        if let Some(w) = self.in_flight.pop_front() {
            if let Ok(batch) = self.done[w].recv() {
                for i in batch {
                    apply(i);
                }
            }
        }
    }

    fn drain(&mut self, apply: &mut dyn FnMut(Item)) {
        while !self.in_flight.is_empty() {
            self.take_oldest(apply);
        }
    }

    fn finish(mut self, apply: &mut dyn FnMut(Item)) {
        if !self.batch.is_empty() {
            self.send(apply);
        }
        self.drain(apply);
        // Closing the job channels ends the workers.
        self.jobs.clear();
    }
}
