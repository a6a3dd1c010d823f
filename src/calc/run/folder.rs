//! A folder input (`energy/` of partition files) through the default reader, with the same
//! duplicate rule as one file: every row's fingerprint is spilled while the files are
//! computed, one file per thread; only when a fingerprint repeats are the files read again for
//! the candidates' identities, and only when some are confirmed is the folder computed again
//! without them. A duplicate may be in another file than its first copy: the files are taken
//! in name order, rows in file order. Memory stays bounded as for one file (the spill).

use super::{InputFile, LineVisit, Part, Pass, RunOptions, Worker};
use crate::calc::dedupe::{self, Candidates, Spill};
use crate::calc::folder::FolderInput;
use crate::diag::{Diagnostic, Span};
use crate::project::Project;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Reads a folder input: computed on every core when no visitor needs its lines in order,
/// else in one pass in file order (a window reads the folder from its start: its byte
/// offsets are of one file, and only the inputs it names).
pub(super) fn run_folder(
    project: &Project,
    options: RunOptions,
    file: InputFile,
    folder: &FolderInput,
    visit: Option<&mut dyn FnMut(&LineVisit<'_>)>,
    pass: Pass<'_>,
) -> Result<Part, Vec<Diagnostic>> {
    if pass.window.is_some_and(|w| !w.from.contains_key(&file)) {
        return Ok(Part::default());
    }
    let threads = threads(options, folder);
    let mut part = match visit {
        None => computed(project, options, file, folder, threads)?,
        Some(visit) => {
            let candidates = fingerprints(project, file, folder, threads)?;
            let (exclude, diagnostics) = confirmed(project, file, folder, &candidates, threads)?;
            let mut part = visited(project, options, file, folder, &exclude, visit, pass)?;
            part.diagnostics.extend(diagnostics);
            part
        }
    };
    part.stats.file = folder.shown.clone();
    part.stats.present = true;
    part.diagnostics.extend(folder.skipped_warnings());
    Ok(part)
}

/// Threads for a folder: `--threads`, else one per core when the files are large enough for
/// threads to pay (as for one file), never more than the files.
fn threads(options: RunOptions, folder: &FolderInput) -> usize {
    let threads = if options.threads > 0 {
        options.threads
    } else if folder.bytes() < super::PARALLEL_MIN_BYTES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    threads.clamp(1, folder.len().max(1))
}

/// Runs `work` on every file index on `threads` threads (each takes the next file when it is
/// done with one, with a state of its own: `S::default()` when the thread starts, handed to
/// `end` when it has no more files) and hands each result to `sink` in file order, as soon as
/// the files before it are done (files are taken in order, so a result waits only for the
/// slower files before it, not for the whole folder). Returns every file's problems, in file
/// order, when any failed.
fn each_file<T: Send, S: Default>(
    folder: &FolderInput,
    threads: usize,
    work: impl Fn(usize, &mut S) -> Result<T, Vec<Diagnostic>> + Sync,
    end: impl Fn(S) + Sync,
    sink: impl FnMut(T) -> Result<(), Vec<Diagnostic>> + Send,
) -> Result<(), Vec<Diagnostic>> {
    /// Results waiting for the files before them.
    struct InOrder<T, F> {
        next: usize,
        waiting: BTreeMap<usize, Result<T, Vec<Diagnostic>>>,
        sink: F,
        problems: Vec<Diagnostic>,
    }
    let n = folder.len();
    let next = AtomicUsize::new(0);
    let order = Mutex::new(InOrder {
        next: 0,
        waiting: BTreeMap::new(),
        sink,
        problems: Vec::new(),
    });
    let run = || {
        let mut state = S::default();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                end(state);
                return;
            }
            let result = work(i, &mut state);
            let Ok(mut o) = order.lock() else { return };
            o.waiting.insert(i, result);
            loop {
                let at = o.next;
                let Some(r) = o.waiting.remove(&at) else {
                    break;
                };
                o.next += 1;
                // After a failure the sums are not needed; the problems still are.
                let r = r.and_then(|t| {
                    if o.problems.is_empty() {
                        (o.sink)(t)
                    } else {
                        Ok(())
                    }
                });
                if let Err(mut d) = r {
                    o.problems.append(&mut d);
                }
            }
        }
    };
    let failed = if threads <= 1 {
        run();
        false
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(run)).collect();
            handles.into_iter().any(|h| h.join().is_err())
        })
    };
    let o = match order.into_inner() {
        Ok(o) => o,
        Err(poisoned) => poisoned.into_inner(),
    };
    if failed || o.next < n {
        return Err(vec![Diagnostic::error(
            "internal",
            Span::file(&Arc::from(folder.shown.as_str())),
            "a worker thread failed",
        )]);
    }
    if o.problems.is_empty() {
        Ok(())
    } else {
        Err(o.problems)
    }
}

/// A worker for file `i` of the folder.
fn worker_for<'p>(
    project: &'p Project,
    options: RunOptions,
    file: InputFile,
    folder: &FolderInput,
    i: usize,
) -> Worker<'p> {
    let mut worker = Worker::new(project, options, file);
    worker.name = Arc::from(folder.name(i));
    worker
}

/// Computes every file with `exclude` (per file, lines left out as duplicates) and merges
/// their parts in file order; with `spill`, every row's fingerprint is spilled too.
fn summed(
    project: &Project,
    options: RunOptions,
    file: InputFile,
    folder: &FolderInput,
    threads: usize,
    exclude: Option<&[BTreeSet<u64>]>,
    spill: Option<&Spill>,
) -> Result<Part, Vec<Diagnostic>> {
    let none = BTreeSet::new();
    let mut all = Part::default();
    each_file(
        folder,
        threads,
        |i, pending: &mut dedupe::Pending| {
            let mut worker = worker_for(project, options, file, folder, i);
            // One thread's buffers across its files, so that they fill and spill.
            worker.pending = std::mem::take(pending);
            let skip = exclude.map_or(&none, |e| &e[i]);
            let read = folder.rows_of(i, file, &mut |row| {
                worker.row(row, skip, spill, &mut |_| {});
            });
            *pending = std::mem::take(&mut worker.pending);
            read?;
            worker.finish(None).map_err(|d| vec![d])
        },
        |pending| {
            if let Some(s) = spill {
                pending.finish(s);
            }
        },
        |part| all.merge(part).map_err(|u| vec![super::unheld(project, u)]),
    )?;
    Ok(all)
}

/// The computation of the folder, one worker per file, with the duplicate check.
fn computed(
    project: &Project,
    options: RunOptions,
    file: InputFile,
    folder: &FolderInput,
    threads: usize,
) -> Result<Part, Vec<Diagnostic>> {
    let spill = Spill::for_file_size(folder.bytes());
    let first = summed(project, options, file, folder, threads, None, Some(&spill))?;
    let candidates = candidates_of(&spill, folder, threads)?;
    if candidates.is_empty() {
        return Ok(first);
    }
    let (exclude, diagnostics) = confirmed(project, file, folder, &candidates, threads)?;
    if exclude.iter().all(BTreeSet::is_empty) {
        return Ok(first);
    }
    drop(first);
    let mut part = summed(
        project,
        options,
        file,
        folder,
        threads,
        Some(&exclude),
        None,
    )?;
    part.diagnostics.extend(diagnostics);
    Ok(part)
}

fn candidates_of(
    spill: &Spill,
    folder: &FolderInput,
    threads: usize,
) -> Result<Candidates, Vec<Diagnostic>> {
    spill.candidates(threads).map_err(|e| {
        vec![Diagnostic::error(
            "io-error",
            Span::file(&Arc::from(folder.shown.as_str())),
            format!("the duplicate check's temporary files could not be read back: {e}"),
        )]
    })
}

/// The duplicate check's fingerprints of every row, without computing (for a pass that
/// visits lines, which must reject the rows the computation rejected).
fn fingerprints(
    project: &Project,
    file: InputFile,
    folder: &FolderInput,
    threads: usize,
) -> Result<Candidates, Vec<Diagnostic>> {
    let spill = Spill::for_file_size(folder.bytes());
    each_file(
        folder,
        threads,
        |i, pending: &mut dedupe::Pending| {
            folder.rows_of(i, file, &mut |row| {
                if let Ok(a) = file.parse(row, project) {
                    let k = dedupe::prekey_of(row.get(0), a.period, row.get(file.ref_col()));
                    let id = dedupe::identity(row, &a, file.ref_col());
                    pending.push(dedupe::record(&id, k), &spill);
                }
            })
        },
        |pending| pending.finish(&spill),
        |()| Ok(()),
    )?;
    candidates_of(&spill, folder, threads)
}

/// Per file, the lines of rows that repeat an earlier row; and their diagnostics.
type Confirmed = (Vec<BTreeSet<u64>>, Vec<Diagnostic>);

/// The candidates confirmed by their identities, across the files in order: per file, the
/// lines of later copies, and a diagnostic for each naming the first copy's file and line.
fn confirmed(
    project: &Project,
    file: InputFile,
    folder: &FolderInput,
    candidates: &Candidates,
    threads: usize,
) -> Result<Confirmed, Vec<Diagnostic>> {
    let mut exclude = vec![BTreeSet::new(); folder.len()];
    let mut diagnostics = Vec::new();
    if candidates.is_empty() {
        return Ok((exclude, diagnostics));
    }
    let parse = |row: &crate::ingest::RowRef<'_>| file.parse(row, project).ok();
    let what = file.subject_name();
    // The first copy of each confirmed identity, in file order: the hits of each file are
    // taken as soon as the files before it are done.
    let mut first: HashMap<String, (usize, u64)> = HashMap::new();
    let mut at = 0;
    each_file(
        folder,
        threads,
        |i, (): &mut ()| {
            let mut hits = Vec::new();
            folder.rows_of(i, file, &mut |row| {
                hits.extend(candidates.hit(row, file.ref_col(), parse));
            })?;
            Ok(hits)
        },
        |()| {},
        |hits| {
            let i = at;
            at += 1;
            for (line, key, text) in hits {
                match first.get(&key) {
                    Some(&(fi, fl)) => {
                        exclude[i].insert(line);
                        let here = folder.shown_file(i);
                        diagnostics.push(if fi == i {
                            dedupe::diagnostic(here, &(line, fl, text), what)
                        } else {
                            dedupe::diagnostic_across(
                                (here, line),
                                (folder.shown_file(fi), fl),
                                text,
                                what,
                            )
                        });
                    }
                    None => {
                        first.insert(key, (i, line));
                    }
                }
            }
            Ok(())
        },
    )?;
    Ok((exclude, diagnostics))
}

/// One pass over the files in order, calling `visit` for each line, the confirmed
/// duplicates left out.
fn visited(
    project: &Project,
    options: RunOptions,
    file: InputFile,
    folder: &FolderInput,
    exclude: &[BTreeSet<u64>],
    visit: &mut dyn FnMut(&LineVisit<'_>),
    pass: Pass<'_>,
) -> Result<Part, Vec<Diagnostic>> {
    let stopped = || {
        pass.window
            .is_some_and(|w| w.stop.load(std::sync::atomic::Ordering::Relaxed))
    };
    let mut worker = Worker::new(project, options, file);
    worker.visiting = true;
    worker.outside_only = pass.outside_only;
    for (i, skip) in exclude.iter().enumerate() {
        worker.name = Arc::from(folder.name(i));
        folder.rows_of(i, file, &mut |row| {
            if !stopped() {
                worker.row(row, skip, None, visit);
            }
        })?;
    }
    worker.finish(None).map_err(|d| vec![d])
}
