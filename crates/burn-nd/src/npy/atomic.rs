//! Replacing a file so that a failed write leaves it exactly as it was: the new contents go to
//! a temporary file in the same folder, which is synced and then renamed over the destination
//! (an atomic step on POSIX file systems). On any error the temporary file is removed.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::Error;

/// A temporary file that is removed when dropped, unless it was renamed into place.
struct Temp {
    path: PathBuf,
    kept: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes `path` through `body`, atomically: `body` gets the temporary file (through `wrap`,
/// which tests use to inject failures) and must write and flush everything; only if it
/// succeeds is the file synced and renamed over `path`. A symbolic link at `path` is
/// followed, so the file it points to is replaced; an existing file's permissions are kept. A
/// destination that is neither a file nor a folder (a device, a pipe) is written in place.
pub(super) fn replace<W: Write + Seek>(
    path: &Path,
    wrap: impl FnOnce(File) -> W,
    body: impl FnOnce(W) -> Result<(), Error>,
) -> Result<(), Error> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
        }
        _ => path.to_owned(),
    };
    // A device or a pipe (`/dev/stdout`, `/dev/full`) cannot be replaced by a rename without
    // destroying it: it is written in place, and its errors are returned as they come.
    if let Ok(meta) = fs::metadata(&target) {
        if !meta.is_file() && !meta.is_dir() {
            let file = OpenOptions::new().write(true).open(&target).map_err(io)?;
            return body(wrap(file));
        }
    }
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io(io::Error::other("the path names no file")))?;
    let temp = Temp {
        path: dir.join(format!(
            ".{}.burn-nd-{}-{}.tmp",
            name.to_string_lossy(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        )),
        kept: false,
    };
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp.path)
        .map_err(io)?;
    if let Ok(meta) = fs::metadata(&target) {
        file.set_permissions(meta.permissions()).map_err(io)?;
    }
    // A second handle to the same file, to sync it after `body` has consumed the first.
    let sync = file.try_clone().map_err(io)?;
    body(wrap(file))?;
    sync.sync_all().map_err(io)?;
    drop(sync);
    fs::rename(&temp.path, &target).map_err(io)?;
    let mut temp = temp;
    temp.kept = true;
    // Syncing the folder makes the rename itself durable. Some file systems cannot sync a
    // folder; the file is in place either way, so a failure here is not an error.
    if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Passes writes through until one fails, keeps a copy of that error, and from then on
/// accepts every write and seek without doing it, keeping the position and length the writes
/// would have given. A zip writer dropped after a failure finalises itself, and prints to
/// stderr if that fails; behind this wrapper it finalises into nothing instead (the temporary
/// file is discarded anyway), and the failure is returned as an `Err`.
pub(super) struct Poison<W> {
    inner: W,
    failed: Option<io::Error>,
    /// The stream position and length, as seen through this wrapper.
    pos: u64,
    len: u64,
}

impl<W> Poison<W> {
    /// Wraps `inner`, which must be at position 0 of an empty stream.
    pub(super) fn new(inner: W) -> Self {
        Poison {
            inner,
            failed: None,
            pos: 0,
            len: 0,
        }
    }

    /// The wrapped writer, or the first error any write met.
    pub(super) fn into_inner(self) -> io::Result<W> {
        match self.failed {
            Some(e) => Err(e),
            None => Ok(self.inner),
        }
    }

    fn advance(&mut self, n: usize) -> usize {
        self.pos += n as u64;
        self.len = self.len.max(self.pos);
        n
    }

    fn check<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result {
            self.failed = Some(io::Error::new(e.kind(), e.to_string()));
        }
        result
    }
}

impl<W: Write> Write for Poison<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed.is_some() {
            return Ok(self.advance(buf.len()));
        }
        let result = self.inner.write(buf);
        self.check(result).map(|n| self.advance(n))
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        let result = self.inner.flush();
        self.check(result)
    }
}

impl<W: Seek> Seek for Poison<W> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let (base, offset) = match pos {
            SeekFrom::Start(n) => (n, 0),
            SeekFrom::Current(d) => (self.pos, d),
            SeekFrom::End(d) => (self.len, d),
        };
        // Where the seek lands, also when it fails: the zip writer goes on from there.
        let target = base.saturating_add_signed(offset);
        if self.failed.is_none() {
            let result = self.inner.seek(pos);
            self.check(result)?;
        }
        self.pos = target;
        Ok(target)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A file that fails every write once `budget` bytes have been written.
    pub(in crate::npy) struct FailAfter {
        pub file: File,
        pub budget: usize,
    }

    impl Write for FailAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.budget == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "injected: disk full",
                ));
            }
            let n = self.file.write(&buf[..buf.len().min(self.budget)])?;
            self.budget -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            self.file.flush()
        }
    }

    impl Seek for FailAfter {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.file.seek(pos)
        }
    }

    /// The names in `dir`, to show no temporary file is left behind.
    pub(in crate::npy) fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_body_leaves_the_old_file_and_no_temp() {
        let dir = std::env::temp_dir().join(format!("burn_nd_atomic_{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.bin");
        fs::write(&path, b"old").unwrap();
        let err = replace(
            &path,
            |f| FailAfter { file: f, budget: 2 },
            |mut w| {
                w.write_all(b"new contents").map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })
            },
        );
        assert!(err.unwrap_err().to_string().contains("injected: disk full"));
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(listing(&dir), ["x.bin"]);

        // Success replaces it, keeping its permissions, also through a symbolic link.
        #[cfg(unix)]
        {
            use std::os::unix::fs::{symlink, PermissionsExt};
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            let link = dir.join("link.bin");
            symlink(&path, &link).unwrap();
            let write = |mut w: File| {
                w.write_all(b"new").unwrap();
                Ok(())
            };
            replace(&link, |f| f, write).unwrap();
            assert_eq!(fs::read(&path).unwrap(), b"new");
            assert!(fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
