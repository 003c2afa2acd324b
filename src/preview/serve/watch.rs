//! Which file events make a rebuild, and when. Editors save in bursts (a file written in several
//! calls, a temporary file renamed over the real one, several files at once). A rebuild starts
//! once the burst is over: as soon as every file written to has been closed, plus a short pause
//! for the next file of a "save all"; while a file is still open for writing, it waits much
//! longer, so a slow save is not read half-written, though never more than [`LONGEST`] in all
//! (a log kept open and appended to must not hold every rebuild back). Only inotify (Linux)
//! reports closes; with other watchers a burst ends after [`QUIET`] without events.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::EventKind;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};

/// After the last written file is closed, wait this long for more files of the same save.
const SETTLE: Duration = Duration::from_millis(5);
/// While a file written to is still open, wait this long for its next event before
/// rebuilding anyway (a writer may never close: `truncate`, a crashed program).
const STILL_WRITING: Duration = Duration::from_millis(250);
/// The longest a burst lasts, from its first event.
const LONGEST: Duration = Duration::from_millis(500);
/// Without close events: the quiet time that ends a burst.
const QUIET: Duration = Duration::from_millis(25);

/// The changes of one burst of events.
#[derive(Debug)]
struct Burst {
    /// The files that changed; `None` when the watcher lost track (rebuild everything).
    changed: Option<Vec<PathBuf>>,
    /// Files written to and not closed yet.
    open: BTreeSet<PathBuf>,
    /// Whether the watcher reports closes (inotify).
    closes: bool,
}

impl Burst {
    fn new(closes: bool) -> Self {
        Burst {
            changed: Some(Vec::new()),
            open: BTreeSet::new(),
            closes,
        }
    }

    /// Takes one event of the watcher.
    fn take(&mut self, event: notify::Result<notify::Event>) {
        let event = match event {
            // Events were lost (the watcher's queue overflowed): rebuild everything.
            Ok(ev) if !ev.need_rescan() => ev,
            _ => {
                self.changed = None;
                return;
            }
        };
        let paths = relevant_paths(&event);
        match event.kind {
            // Closed, deleted or moved away: nothing more will be written under that name.
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
                for p in &paths {
                    self.open.remove(p);
                }
            }
            // Written to. (Not on creation alone: links and pipes are created, never closed.)
            EventKind::Modify(ModifyKind::Data(_)) => {
                self.open.extend(paths.iter().cloned());
            }
            _ => {}
        }
        if event.kind.is_access() {
            return;
        }
        if let Some(changed) = self.changed.as_mut() {
            changed.extend(paths);
        }
    }

    /// How long to wait for another event before the burst counts as over.
    fn pause(&self) -> Duration {
        if !self.closes {
            QUIET
        } else if self.open.is_empty() {
            SETTLE
        } else {
            STILL_WRITING
        }
    }

    /// What to rebuild: `Some(paths)` (possibly empty: nothing that matters changed), or
    /// `None` for everything.
    fn changed(self) -> Option<Vec<PathBuf>> {
        self.changed
    }
}

/// Waits for the next burst of the recommended watcher's events and returns what it changed
/// (see [`Burst::changed`]); `Err(())` once the watcher is gone.
pub(super) fn next_burst(
    rx: &Receiver<notify::Result<notify::Event>>,
) -> Result<Option<Vec<PathBuf>>, ()> {
    // Only inotify reports when a written file is closed.
    let closes = matches!(
        <notify::RecommendedWatcher as notify::Watcher>::kind(),
        notify::WatcherKind::Inotify
    );
    burst_of(rx, closes)
}

/// [`next_burst`] for a watcher that reports closes or not.
fn burst_of(
    rx: &Receiver<notify::Result<notify::Event>>,
    closes: bool,
) -> Result<Option<Vec<PathBuf>>, ()> {
    let first = rx.recv().map_err(|_| ())?;
    let end = Instant::now() + LONGEST;
    let mut burst = Burst::new(closes);
    burst.take(first);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(burst.changed());
        }
        match rx.recv_timeout(burst.pause().min(left)) {
            Ok(ev) => burst.take(ev),
            Err(RecvTimeoutError::Timeout) => return Ok(burst.changed()),
            Err(RecvTimeoutError::Disconnected) => return Err(()),
        }
    }
}

/// The paths an event names, leaving out editors' swap and backup files.
fn relevant_paths(ev: &notify::Event) -> Vec<PathBuf> {
    ev.paths
        .iter()
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !(name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp"))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, Flag};

    fn event(kind: EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));
    const CLOSE: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));

    #[test]
    fn a_file_still_open_for_writing_holds_the_rebuild_back() {
        let mut burst = Burst::new(true);
        burst.take(event(EventKind::Create(CreateKind::File), "c/p/a.yaml"));
        assert_eq!(
            burst.pause(),
            SETTLE,
            "created, not written to yet (or a link)"
        );
        burst.take(event(WRITE, "c/p/a.yaml"));
        assert_eq!(burst.pause(), STILL_WRITING);
        burst.take(event(WRITE, "c/p/b.yaml"));
        burst.take(event(CLOSE, "c/p/a.yaml"));
        assert_eq!(burst.pause(), STILL_WRITING, "b.yaml is still open");
        burst.take(event(CLOSE, "c/p/b.yaml"));
        assert_eq!(burst.pause(), SETTLE);
        assert_eq!(
            burst.changed(),
            Some(vec![
                PathBuf::from("c/p/a.yaml"),
                PathBuf::from("c/p/a.yaml"),
                PathBuf::from("c/p/b.yaml"),
            ]),
            "closing is not a change of its own"
        );
    }

    #[test]
    fn renames_removals_and_swap_files_do_not_wait_for_a_close() {
        let mut burst = Burst::new(true);
        burst.take(event(WRITE, "c/p/.a.yaml.swp"));
        burst.take(event(WRITE, "c/p/a.yaml~"));
        assert_eq!(
            burst.pause(),
            SETTLE,
            "swap and backup files are not waited for"
        );
        burst.take(event(
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            "c/p/a.yaml",
        ));
        burst.take(event(
            EventKind::Remove(notify::event::RemoveKind::File),
            "c/p/old.yaml",
        ));
        assert_eq!(burst.pause(), SETTLE);
        assert_eq!(
            burst.changed(),
            Some(vec![
                PathBuf::from("c/p/a.yaml"),
                PathBuf::from("c/p/old.yaml")
            ])
        );
    }

    #[test]
    fn a_file_deleted_or_moved_away_while_open_is_not_waited_for() {
        let mut burst = Burst::new(true);
        burst.take(event(WRITE, "c/p/a.yaml.tmp"));
        burst.take(event(
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            "c/p/a.yaml.tmp",
        ));
        burst.take(event(WRITE, "c/p/4913"));
        burst.take(event(
            EventKind::Remove(notify::event::RemoveKind::File),
            "c/p/4913",
        ));
        assert_eq!(burst.pause(), SETTLE);
    }

    #[test]
    fn reads_change_nothing_and_lost_events_rebuild_everything() {
        let mut burst = Burst::new(true);
        burst.take(event(
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            "c/p/a.yaml",
        ));
        assert_eq!(burst.changed(), Some(Vec::new()));

        let mut burst = Burst::new(true);
        burst.take(Ok(
            notify::Event::new(EventKind::Other).set_flag(Flag::Rescan)
        ));
        burst.take(event(WRITE, "c/p/a.yaml"));
        assert_eq!(burst.changed(), None);

        let mut burst = Burst::new(true);
        burst.take(Err(notify::Error::generic("queue overflow")));
        assert_eq!(burst.changed(), None);
    }

    #[test]
    fn without_close_events_a_quiet_time_ends_the_burst() {
        let mut burst = Burst::new(false);
        burst.take(event(WRITE, "c/p/a.yaml"));
        assert_eq!(burst.pause(), QUIET);
    }

    #[test]
    fn a_file_kept_open_holds_a_burst_back_only_so_long() {
        let (tx, rx) = std::sync::mpsc::channel();
        let writer = std::thread::spawn(move || {
            // A log appended to every 50 ms and never closed, while a.yaml is saved.
            tx.send(event(WRITE, "c/p/log.txt")).unwrap();
            tx.send(event(WRITE, "c/p/a.yaml")).unwrap();
            tx.send(event(CLOSE, "c/p/a.yaml")).unwrap();
            for _ in 0..80 {
                std::thread::sleep(Duration::from_millis(50));
                if tx.send(event(WRITE, "c/p/log.txt")).is_err() {
                    return;
                }
            }
        });
        let started = Instant::now();
        let changed = burst_of(&rx, true).unwrap().unwrap();
        assert!(changed.contains(&PathBuf::from("c/p/a.yaml")));
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the burst ended at its cap ({LONGEST:?}), not when the writer stopped (4 s)"
        );
        drop(rx);
        writer.join().unwrap();
    }

    #[test]
    fn a_burst_ends_when_its_files_are_closed() {
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(event(WRITE, "c/p/a.yaml")).unwrap();
        tx.send(event(CLOSE, "c/p/a.yaml")).unwrap();
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            tx.send(event(WRITE, "c/p/b.yaml")).unwrap();
            // `tx` is dropped here: the next wait ends with the watcher gone.
        });
        assert_eq!(
            burst_of(&rx, true),
            Ok(Some(vec![PathBuf::from("c/p/a.yaml")])),
            "the first burst ended before b.yaml was written"
        );
        sender.join().unwrap();
        assert_eq!(
            burst_of(&rx, true),
            Err(()),
            "b.yaml never closed, and the watcher went away"
        );
    }
}
