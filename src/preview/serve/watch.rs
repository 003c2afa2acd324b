//! Which file events make a rebuild, and when. Editors save in bursts (a file written in several
//! calls, a temporary file renamed over the real one, several files at once). A rebuild starts
//! once the burst is over: as soon as every file written to has been closed, plus a short pause
//! for the next file of a "save all"; while a file is still open for writing, it waits much
//! longer, so a slow save is not read half-written.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::EventKind;
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};

/// After the last written file is closed, wait this long for more files of the same save.
const SETTLE: Duration = Duration::from_millis(5);
/// While a file written to is still open, wait this long for its next event before
/// rebuilding anyway (a writer may never close: `truncate`, a crashed program).
const STILL_WRITING: Duration = Duration::from_millis(250);

/// The changes of one burst of events.
#[derive(Debug, Default)]
pub(super) struct Burst {
    /// The files that changed; `None` when the watcher lost track (rebuild everything).
    changed: Option<Vec<PathBuf>>,
    /// Files written to and not closed yet.
    open: BTreeSet<PathBuf>,
}

impl Burst {
    fn new() -> Self {
        Burst {
            changed: Some(Vec::new()),
            open: BTreeSet::new(),
        }
    }

    /// Takes one event of the watcher.
    pub(super) fn take(&mut self, event: notify::Result<notify::Event>) {
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
            EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)) => {
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
    pub(super) fn pause(&self) -> Duration {
        if self.open.is_empty() {
            SETTLE
        } else {
            STILL_WRITING
        }
    }

    /// What to rebuild: `Some(paths)` (possibly empty: nothing that matters changed), or
    /// `None` for everything.
    pub(super) fn changed(self) -> Option<Vec<PathBuf>> {
        self.changed
    }
}

/// Waits for the next burst of events and returns what it changed (see [`Burst::changed`]);
/// `Err(())` once the watcher is gone.
pub(super) fn next_burst(
    rx: &Receiver<notify::Result<notify::Event>>,
) -> Result<Option<Vec<PathBuf>>, ()> {
    let first = rx.recv().map_err(|_| ())?;
    let mut burst = Burst::new();
    burst.take(first);
    loop {
        match rx.recv_timeout(burst.pause()) {
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
    use notify::event::{DataChange, Flag};

    fn event(kind: EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));
    const CLOSE: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));

    #[test]
    fn a_file_still_open_for_writing_holds_the_rebuild_back() {
        let mut burst = Burst::new();
        burst.take(event(EventKind::Create(CreateKind::File), "c/p/a.yaml"));
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
        let mut burst = Burst::new();
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
        let mut burst = Burst::new();
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
        let mut burst = Burst::new();
        burst.take(event(
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            "c/p/a.yaml",
        ));
        assert_eq!(burst.changed(), Some(Vec::new()));

        let mut burst = Burst::new();
        burst.take(Ok(
            notify::Event::new(EventKind::Other).set_flag(Flag::Rescan)
        ));
        burst.take(event(WRITE, "c/p/a.yaml"));
        assert_eq!(burst.changed(), None);

        let mut burst = Burst::new();
        burst.take(Err(notify::Error::generic("queue overflow")));
        assert_eq!(burst.changed(), None);
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
            next_burst(&rx),
            Ok(Some(vec![PathBuf::from("c/p/a.yaml")])),
            "the first burst ended before b.yaml was written"
        );
        sender.join().unwrap();
        assert_eq!(
            next_burst(&rx),
            Err(()),
            "b.yaml never closed, and the watcher went away"
        );
    }
}
