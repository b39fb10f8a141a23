//! Writing users' files without damaging them.
//!
//! The text goes to a temporary file beside the target, which is then
//! renamed over it (a rename within a folder is atomic), so an interrupted
//! run never leaves half a file. Around that:
//!
//! - the temporary file is created exclusively (`create_new`), never
//!   through a link planted at its name, and only its owner can read it
//!   until it takes the target's permissions and, where allowed, owner;
//! - a link is followed: the file it leads to is written and the link
//!   stays a link;
//! - a file with several hard links is rewritten in place, so that the
//!   names stay one file (this one case is not atomic);
//! - a file that changed since it was read is left as it is;
//! - temporary files left by a run that was killed are removed by the
//!   next one that writes beside them.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// The file is not what was read: someone else wrote to it meanwhile.
    Changed,
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> WriteError {
        WriteError::Io(e)
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => f.write_str("it changed while redress was working on it"),
            WriteError::Io(e) => e.fmt(f),
        }
    }
}

/// Writes `text` to `path`, which may not exist yet, atomically.
pub(crate) fn atomic_write(path: &Path, text: &str) -> std::io::Result<()> {
    let target = resolve(path);
    let existing = std::fs::metadata(&target).ok();
    write_beside(&target, text, existing.as_ref(), None).map_err(|e| match e {
        WriteError::Io(e) => e,
        WriteError::Changed => std::io::Error::other(e.to_string()),
    })
}

/// Replaces the file at `path` by `text`, provided it still holds
/// `read`, the bytes it was read as.
pub(crate) fn replace(path: &Path, read: &[u8], text: &str) -> Result<(), WriteError> {
    let target = resolve(path);
    let metadata = std::fs::metadata(&target)?;
    if links(&metadata) > 1 {
        return rewrite_in_place(&target, read, text);
    }
    write_beside(&target, text, Some(&metadata), Some(read))
}

/// The file a path names, through any links: writing there leaves the
/// link a link.
fn resolve(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn write_beside(
    target: &Path,
    text: &str,
    existing: Option<&Metadata>,
    read: Option<&[u8]>,
) -> Result<(), WriteError> {
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale(folder, &name);
    let (temporary, mut file) = create_temporary(folder, &name, existing.is_some())?;
    let result = (|| {
        file.write_all(text.as_bytes())?;
        if let Some(metadata) = existing {
            keep_owner_and_mode(&file, metadata);
        }
        file.sync_all()?;
        drop(file);
        if let Some(read) = read {
            if std::fs::read(target)? != read {
                return Err(WriteError::Changed);
            }
        }
        std::fs::rename(&temporary, target)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Rewrites a hard-linked file through its own inode.
fn rewrite_in_place(target: &Path, read: &[u8], text: &str) -> Result<(), WriteError> {
    let mut file = OpenOptions::new().read(true).write(true).open(target)?;
    let mut now = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut now)?;
    if now != read {
        return Err(WriteError::Changed);
    }
    std::io::Seek::rewind(&mut file)?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)?;
    file.sync_all()?;
    Ok(())
}

/// The prefix of our temporary files for `name`; the process id follows,
/// so a later run can tell whether the writer is still alive.
fn prefix(name: &str) -> String {
    format!(".{name}.redress-")
}

fn create_temporary(folder: &Path, name: &str, private: bool) -> std::io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut attempt = 0u32;
    loop {
        let temporary = folder.join(format!("{}{pid}-{attempt}.tmp", prefix(name)));
        let mut options = OpenOptions::new();
        // `create_new` fails on anything already at the name, a link
        // included, rather than writing through it.
        options.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        match options.open(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Gives the new file the old one's permissions and, where the system
/// allows it, its owner and group.
fn keep_owner_and_mode(file: &File, metadata: &Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only the superuser may give a file away; anyone may keep it.
        let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
    }
    let _ = file.set_permissions(metadata.permissions());
}

#[cfg(unix)]
fn links(metadata: &Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink()
}

#[cfg(not(unix))]
fn links(_: &Metadata) -> u64 {
    1
}

/// Removes temporary files for `name` left by runs that were killed
/// before they could clean up: ours by their name, regular files only,
/// and only when the process that made them is gone (or, where that
/// cannot be known, when they are more than an hour old).
fn remove_stale(folder: &Path, name: &str) {
    let prefix = prefix(name);
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|n| n.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if metadata.file_type().is_file() && !alive(pid, &metadata) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn alive(pid: u32, metadata: &Metadata) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    metadata
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_none_or(|age| age.as_secs() < 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("redress-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A line appended while `fmt` worked on a file was lost, every time.
    #[test]
    fn a_file_that_changed_since_it_was_read_is_left_as_it_is() {
        let dir = scratch("changed");
        let path = dir.join("p.proc");
        std::fs::write(&path, "as read\n").unwrap();
        std::fs::write(&path, "as read\nappended meanwhile\n").unwrap();
        let result = replace(&path, b"as read\n", "formatted\n");
        assert!(matches!(result, Err(WriteError::Changed)), "{result:?}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "as read\nappended meanwhile\n"
        );
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1, "a temporary file was left behind");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `File::create` on the temporary name wrote through a link planted
    /// there.
    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_temporary_name_is_not_written_through() {
        let dir = scratch("planted");
        let path = dir.join("p.proc");
        std::fs::write(&path, "old\n").unwrap();
        let victim = dir.join("victim");
        let planted = dir.join(format!("{}{}-0.tmp", prefix("p.proc"), std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        replace(&path, b"old\n", "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert!(!victim.exists(), "the write went through the planted link");
        assert!(std::fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_symlink());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
