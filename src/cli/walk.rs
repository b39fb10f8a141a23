//! Finding the files under folders, for `check`, `test`, `fmt` and `diff`.
//!
//! A folder may hold symbolic links, including links to itself or to a
//! folder above it. The walk visits each real folder and each real file
//! once (by device and inode, or by canonical path where there are none),
//! so a loop of links ends, and a file reachable by two names is checked,
//! tested or formatted once. A link that leads somewhere already visited
//! is skipped with a note on stderr; so is a file that is not a regular
//! file (a FIFO named `a.proc` would make a read wait forever).

use std::collections::HashSet;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use super::output::errln;

/// Folders nested deeper than this are not searched: no repository of
/// procedures needs it, and it bounds the walk's stack.
const MAX_DEPTH: usize = 32;

/// What makes a file or folder the same one under another name.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

#[cfg(unix)]
fn identity(_: &Path, metadata: &Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path, _: &Metadata) -> Option<Identity> {
    std::fs::canonicalize(path).ok()
}

/// Collects files with given extensions from folders and paths, each real
/// file once, in the order given and by name within a folder.
pub(crate) struct Walker<'a> {
    extensions: &'a [&'a str],
    leave_out: fn(&Path) -> bool,
    folders: HashSet<Identity>,
    seen: HashSet<Identity>,
    files: Vec<PathBuf>,
}

impl<'a> Walker<'a> {
    /// A walker for files ending in one of `extensions`, leaving out those
    /// `leave_out` says are not wanted.
    pub(crate) fn new(extensions: &'a [&'a str], leave_out: fn(&Path) -> bool) -> Walker<'a> {
        Walker {
            extensions,
            leave_out,
            folders: HashSet::new(),
            seen: HashSet::new(),
            files: Vec::new(),
        }
    }

    /// The files found so far.
    pub(crate) fn into_files(self) -> Vec<PathBuf> {
        self.files
    }

    /// Adds a file named on the command line, whatever its extension. A
    /// path that is not a regular file is refused, with the reason.
    pub(crate) fn file(&mut self, path: &Path) -> Result<(), String> {
        let metadata = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if !metadata.is_file() {
            return Err(format!(
                "`{}` is {}; redress reads only regular files",
                path.display(),
                super::load::kind_of(metadata.file_type())
            ));
        }
        self.add(path.to_path_buf(), &metadata);
        Ok(())
    }

    /// Adds the wanted files under `dir`, and says how many it found,
    /// counting those already found by another name.
    pub(crate) fn folder(&mut self, dir: &Path) -> Result<usize, String> {
        let metadata = std::fs::metadata(dir)
            .map_err(|e| format!("cannot read folder `{}`: {e}", dir.display()))?;
        if let Some(id) = identity(dir, &metadata) {
            if !self.folders.insert(id) {
                return Ok(0);
            }
        }
        self.descend(dir, 0)
    }

    fn descend(&mut self, dir: &Path, depth: usize) -> Result<usize, String> {
        if depth > MAX_DEPTH {
            errln!(
                "note: `{}` is more than {MAX_DEPTH} folders deep; not searched",
                dir.display()
            );
            return Ok(0);
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read folder `{}`: {e}", dir.display()))?;
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        let mut found = 0;
        for entry in entries {
            let path = entry.path();
            let Ok(own_type) = entry.file_type() else {
                continue;
            };
            let link = own_type.is_symlink();
            // A link is judged by what it leads to. A wanted file that
            // cannot be looked at (a broken link, no permission) is listed
            // all the same, so that the command reports it as unreadable
            // instead of leaving it out without a word.
            let Ok(metadata) = std::fs::metadata(&path) else {
                if self.wanted(&path) {
                    self.files.push(path);
                    found += 1;
                }
                continue;
            };
            if metadata.is_dir() {
                if let Some(id) = identity(&path, &metadata) {
                    if !self.folders.insert(id) {
                        if link {
                            errln!(
                                "note: skipped the link `{}`: it leads to a folder already searched",
                                path.display()
                            );
                        }
                        continue;
                    }
                }
                found += self.descend(&path, depth + 1)?;
            } else if self.wanted(&path) {
                if !metadata.is_file() {
                    errln!(
                        "note: skipped `{}`: it is {}, not a regular file",
                        path.display(),
                        super::load::kind_of(metadata.file_type())
                    );
                    continue;
                }
                found += 1;
                if !self.add(path.clone(), &metadata) && link {
                    errln!(
                        "note: skipped the link `{}`: it leads to a file already found",
                        path.display()
                    );
                }
            }
        }
        Ok(found)
    }

    fn wanted(&self, path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| self.extensions.contains(&e))
            && !(self.leave_out)(path)
    }

    /// Records a file unless it was found before; says whether it was new.
    fn add(&mut self, path: PathBuf, metadata: &Metadata) -> bool {
        if let Some(id) = identity(&path, metadata) {
            if !self.seen.insert(id) {
                return false;
            }
        }
        self.files.push(path);
        true
    }
}

/// The wanted files under one folder, each once; an unreadable folder
/// gives what was found before it.
pub(crate) fn files_under(
    dir: &Path,
    extensions: &[&str],
    leave_out: fn(&Path) -> bool,
) -> Vec<PathBuf> {
    let mut walker = Walker::new(extensions, leave_out);
    let _ = walker.folder(dir);
    walker.into_files()
}
