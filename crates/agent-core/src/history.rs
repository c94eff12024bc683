//! The history of changes: the last [`HISTORY_LIMIT`] changes and failed attempts, one JSON
//! object a line, in the OS data directory. Shared by the app and `exotel-agent`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{CoreError, Result};
use crate::status::Change;

/// How many changes the history keeps.
pub const HISTORY_LIMIT: usize = 500;

/// Told about every change the controller records.
pub trait ChangeSink: Send + Sync + std::fmt::Debug {
    fn record(&self, change: &Change);
    /// The newest confirmed change kept (by this process or another sharing the file); a
    /// failed attempt after it does not hide it.
    fn latest_confirmed(&self) -> Option<Change> {
        None
    }
}

/// The history file at one path.
#[derive(Debug, Clone)]
pub struct History {
    path: PathBuf,
}

impl History {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `history.jsonl` in [`crate::paths::data_dir`].
    pub fn default_location() -> Result<Self> {
        Ok(Self::new(crate::paths::data_dir()?.join("history.jsonl")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The kept changes, oldest first. Lines that do not parse (a torn write, a newer format)
    /// are skipped, not fatal.
    pub fn read(&self) -> Result<Vec<Change>> {
        let text = match fs::read(&self.path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(CoreError::Settings(format!("could not read {}: {e}", self.path.display())));
            }
        };
        Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
    }

    /// Adds a change, keeping the last [`HISTORY_LIMIT`]. The file is rewritten atomically
    /// (temporary file, then rename), so a full disk or a crash never loses what was kept, and
    /// under the file's lock ([`crate::file_lock`]), so that changes recorded at once by the
    /// app and `exotel-agent` are all kept.
    pub fn append(&self, change: &Change) -> Result<()> {
        crate::file_lock::locked(&self.path, || self.rewrite_with(change))
    }

    fn rewrite_with(&self, change: &Change) -> Result<()> {
        let mut all = self.read()?;
        all.push(change.clone());
        let keep = &all[all.len().saturating_sub(HISTORY_LIMIT)..];
        let mut text = String::with_capacity(keep.len() * 160);
        for c in keep {
            let line = serde_json::to_string(c).map_err(|e| CoreError::Settings(e.to_string()))?;
            text.push_str(&line);
            text.push('\n');
        }
        let fail = |e: &dyn std::fmt::Display| {
            CoreError::Settings(format!("could not write {}: {e}", self.path.display()))
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        crate::paths::create_private_dir(dir).map_err(|e| fail(&e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
        tmp.write_all(text.as_bytes()).and_then(|()| tmp.as_file().sync_all()).map_err(|e| fail(&e))?;
        tmp.persist(&self.path).map_err(|e| fail(&e.error))?;
        Ok(())
    }
}

impl ChangeSink for History {
    fn record(&self, change: &Change) {
        if let Err(e) = self.append(change) {
            tracing::warn!("could not add to the history: {e}");
        }
    }

    fn latest_confirmed(&self) -> Option<Change> {
        self.read().ok()?.into_iter().rev().find(|c| c.outcome == crate::status::Outcome::Confirmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{Outcome, Source};
    use exotel_api::{Availability, Device};

    fn change(at: u64) -> Change {
        Change {
            at,
            from: Availability::Offline,
            to: Availability::Receiving(Device::Phone),
            source: Source::Tray,
            outcome: Outcome::Confirmed,
            target: None,
            error_kind: None,
            attempts: None,
        }
    }

    #[test]
    fn keeps_the_last_500_in_order_and_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/history.jsonl");
        let h = History::new(&path);
        for at in 0..510 {
            h.append(&change(at)).unwrap();
        }
        let again = History::new(&path).read().unwrap();
        assert_eq!(again.len(), HISTORY_LIMIT);
        assert_eq!(again.first().map(|c| c.at), Some(10));
        assert_eq!(again.last().map(|c| c.at), Some(509));
    }

    #[test]
    fn a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let good = serde_json::to_string(&change(1)).unwrap();
        fs::write(&path, format!("{good}\n{{\"at\": 2, \"fro\n")).unwrap();
        assert_eq!(History::new(&path).read().unwrap(), vec![change(1)]);
    }
}
