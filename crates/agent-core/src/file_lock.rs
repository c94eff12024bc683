//! One writer at a time for the files the app and `exotel-agent` share (settings, history):
//! each read-change-write holds an advisory lock on a file beside the data file
//! (`settings.toml.lock`), so two processes (or two of the window's calls at once) never lose
//! each other's update.
//!
//! The lock is on a file of its own because the data files are replaced by a rename (so that a
//! crash never leaves half a file), and a lock on the replaced file would no longer be on the
//! file that the next writer opens. It is the standard library's `File::lock` (`flock` on
//! Unix, `LockFileEx` on Windows), released when the file is closed, so a process that dies
//! holding it holds it no more. A lock that stays taken (another process stuck while writing)
//! is waited for at most [`LOCK_WAIT`], then the change fails with a clear error instead of
//! hanging the app.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{CoreError, Result};

/// How long a writer waits for another to finish.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Runs `change` while holding the lock of `data_file`.
pub(crate) fn locked<T>(data_file: &Path, change: impl FnOnce() -> Result<T>) -> Result<T> {
    let lock = acquire(data_file)?;
    let out = change();
    drop(lock);
    out
}

fn acquire(data_file: &Path) -> Result<File> {
    let path = lock_path(data_file);
    let fail = |e: &dyn std::fmt::Display| {
        CoreError::Settings(format!("could not lock {} for writing: {e}", data_file.display()))
    };
    if let Some(dir) = path.parent() {
        crate::paths::create_private_dir(dir).map_err(|e| fail(&e))?;
    }
    let file = open_private(&path).map_err(|e| fail(&e))?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(fail(&format!(
                    "another program has held it for more than {} s",
                    LOCK_WAIT.as_secs()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(fail(&e)),
        }
    }
}

fn lock_path(data_file: &Path) -> PathBuf {
    let mut name = data_file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    data_file.with_file_name(name)
}

fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_makes_the_next_writer_wait_then_go() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("settings.toml");
        let held = acquire(&data).unwrap();
        assert!(dir.path().join("settings.toml.lock").exists());
        let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (d, o) = (data, order.clone());
        let waiter = std::thread::spawn(move || {
            locked(&d, || {
                o.lock().unwrap().push("second");
                Ok(())
            })
        });
        std::thread::sleep(Duration::from_millis(100));
        order.lock().unwrap().push("first");
        drop(held);
        waiter.join().unwrap().unwrap();
        assert_eq!(*order.lock().unwrap(), ["first", "second"]);
    }
}
