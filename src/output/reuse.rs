//! Reusing the files of the output a build replaces.
//!
//! A rebuild into `public/` makes mostly the same files as the build before it: every page an
//! edit did not touch (archived years are linked from their kept copies, `archive::store`, and
//! come here only where those cannot be linked). Writing each one again costs a new inode and
//! its data blocks, gives it a new modification time, and removing the old output later frees
//! them all again. So a file whose bytes are exactly those of the same path in the replaced
//! output is hard-linked from it instead of written. (On the benchmark's 100,000 site this saves
//! about what comparing costs: the folders are made either way. What it buys is after the
//! build: nothing unchanged is rewritten, redeployed or freed.)
//!
//! What stays true:
//! - the replaced output is only read and linked from, never written: a failed or killed build
//!   leaves its bytes as they were (only its files' link counts change while staging exists);
//! - a file is reused only after its bytes were compared in full with the new ones, so a page
//!   edited by hand in the old output is written afresh;
//! - on Linux the old file is compared only if its bytes are in the page cache
//!   ([`read_if_cached`]): this machine's cache empties within minutes, and reading a cold
//!   100,000-page output from disk made a rebuild slower than writing it (49.7 s against 40 s);
//! - a reused file keeps its modification time, so `rsync` and HTTP caches see it unchanged;
//! - a staged path is always created new ([`write_new`]), so a second write to a path never
//!   writes through a link into the old output.
//!
//! Where links are not possible (another file system, no hard links), the first failure turns
//! reuse off for the rest of the build and files are written as before.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The replaced output a build may link unchanged files from.
#[derive(Debug)]
pub struct Reuse {
    previous: PathBuf,
    links_work: AtomicBool,
}

impl Reuse {
    /// Reuse files of `previous`, the output folder the build will replace, if it is a folder
    /// (not a link to one).
    pub fn from(previous: &Path) -> Option<Reuse> {
        super::is_real_folder(previous).then(|| Reuse {
            previous: previous.to_path_buf(),
            links_work: AtomicBool::new(true),
        })
    }

    /// Link `relative` from the previous output to `staged` if that file holds exactly `bytes`.
    /// Returns whether it did; on `false` the caller writes the file. The one error is
    /// `NotFound` when the folder of `staged` does not exist yet: the caller makes it and asks
    /// again.
    pub fn link_if_unchanged(
        &self,
        relative: &str,
        bytes: &[u8],
        staged: &Path,
    ) -> io::Result<bool> {
        if !self.links_work.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let old = self.previous.join(relative);
        let same_size = fs::symlink_metadata(&old)
            .is_ok_and(|meta| meta.file_type().is_file() && meta.len() == bytes.len() as u64);
        if !same_size
            || read_if_cached(&old, bytes.len()).is_none_or(|old_bytes| old_bytes != bytes)
        {
            return Ok(false);
        }
        match fs::hard_link(&old, staged) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == io::ErrorKind::NotFound && old.is_file() => Err(err),
            Err(_) => {
                self.links_work.store(false, Ordering::Relaxed);
                Ok(false)
            }
        }
    }
}

/// The whole of the regular file at `path` if it is exactly `len` bytes long and (on Linux) all
/// of its pages are in the page cache; `None` otherwise, without reading the disk.
///
/// Residency is asked of the kernel with `cachestat(2)` (Linux 6.5), which only counts pages.
/// An earlier version read with `preadv2(RWF_NOWAIT)` instead; that does not wait for the disk,
/// but it still starts readahead, so a cold old output was read from disk all the same and a
/// fast disk sometimes answered before the read gave up. On a kernel without `cachestat` nothing
/// is reused. A page evicted between the question and the read is read from disk: one file,
/// rarely.
#[cfg(target_os = "linux")]
pub(super) fn read_if_cached(path: &Path, len: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let file = fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() != len as u64 {
        return None;
    }
    if len > 0 && !page_cache::holds_all(&file, len as u64)? {
        return None;
    }
    let mut bytes = vec![0; len];
    file.read_exact_at(&mut bytes, 0).ok()?;
    Some(bytes)
}

/// Elsewhere every file is read.
#[cfg(not(target_os = "linux"))]
pub(super) fn read_if_cached(path: &Path, len: usize) -> Option<Vec<u8>> {
    fs::read(path).ok().filter(|bytes| bytes.len() == len)
}

#[cfg(target_os = "linux")]
mod page_cache {
    //! `cachestat(2)`, which neither libc nor rustix wraps on every architecture yet.
    use std::fs::File;
    use std::os::fd::AsRawFd;

    /// The system call's number: 451 on every Linux architecture (numbers from 424 on are
    /// shared), except alpha, which disclose does not build for.
    const SYS_CACHESTAT: libc::c_long = 451;

    /// `struct cachestat_range` of <linux/mman.h>.
    #[repr(C)]
    struct Range {
        offset: u64,
        len: u64,
    }

    /// `struct cachestat` of <linux/mman.h>; counts are in pages. Only `cached` is read; the
    /// rest are there for the layout.
    #[repr(C)]
    #[derive(Default)]
    #[allow(dead_code)]
    struct Stat {
        cached: u64,
        dirty: u64,
        writeback: u64,
        evicted: u64,
        recently_evicted: u64,
    }

    /// Whether every page of the first `len` (> 0) bytes of `file` is in the page cache; `None`
    /// when the kernel cannot say (before Linux 6.5, or a file system without a page cache).
    pub(super) fn holds_all(file: &File, len: u64) -> Option<bool> {
        // SAFETY: sysconf only reads a value of the process.
        let page_size = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).ok()?;
        Some(cached_pages(file, len)? >= len.div_ceil(page_size.max(1)))
    }

    /// How many pages of the first `len` (> 0; 0 would mean the whole file) bytes of `file`
    /// are in the page cache.
    pub(super) fn cached_pages(file: &File, len: u64) -> Option<u64> {
        let range = Range { offset: 0, len };
        let mut stat = Stat::default();
        // SAFETY: the kernel reads `range` and writes `stat`, both live and laid out as the
        // kernel's structs for the duration of the call.
        let result = unsafe {
            libc::syscall(
                SYS_CACHESTAT,
                file.as_raw_fd(),
                &range as *const Range,
                &mut stat as *mut Stat,
                0 as libc::c_uint,
            )
        };
        (result == 0).then_some(stat.cached)
    }
}

/// Write `bytes` to `path` (in a staging folder) as a new file. An existing file there is
/// unlinked first, never truncated: it may be a link into the previous output. A folder there
/// (only ever one carried over from an earlier build, `super::carry`) is removed with what it
/// holds, or it would fail every build after this one the same way.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let create = || OpenOptions::new().write(true).create_new(true).open(path);
    let mut file = match create() {
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            match super::is_real_folder(path) {
                true => fs::remove_dir_all(path)?,
                false => fs::remove_file(path)?,
            }
            create()?
        }
        opened => opened?,
    };
    file.write_all(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn inode(path: &Path) -> u64 {
        fs::metadata(path).expect("metadata").ino()
    }

    #[test]
    fn only_a_file_with_the_same_bytes_is_linked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (previous, staging) = (dir.path().join("public"), dir.path().join("staging"));
        fs::create_dir_all(previous.join("2023")).expect("mkdir");
        fs::create_dir_all(staging.join("2023")).expect("mkdir");
        fs::write(previous.join("2023/a.html"), "同样的页面").expect("write");
        fs::write(previous.join("2023/b.html"), "旧的页面").expect("write");
        let reuse = Reuse::from(&previous).expect("a folder");

        let staged_a = staging.join("2023/a.html");
        assert!(
            reuse
                .link_if_unchanged("2023/a.html", "同样的页面".as_bytes(), &staged_a)
                .expect("staged folder exists")
        );
        assert_eq!(inode(&staged_a), inode(&previous.join("2023/a.html")));

        // Same length, other bytes; other length; missing.
        let staged_b = staging.join("2023/b.html");
        assert!(
            !reuse
                .link_if_unchanged("2023/b.html", "新的页面".as_bytes(), &staged_b)
                .expect("staged folder exists")
        );
        assert!(
            !reuse
                .link_if_unchanged("2023/b.html", b"longer than before", &staged_b)
                .expect("staged folder exists")
        );
        assert!(
            !reuse
                .link_if_unchanged("2023/c.html", b"", &staging.join("2023/c.html"))
                .expect("staged folder exists")
        );
        assert!(!staged_b.exists());
    }

    #[test]
    fn writing_over_a_linked_file_leaves_the_previous_output_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (previous, staging) = (dir.path().join("public"), dir.path().join("staging"));
        fs::create_dir_all(&previous).expect("mkdir");
        fs::create_dir_all(&staging).expect("mkdir");
        fs::write(previous.join("index.html"), "旧").expect("write");
        let reuse = Reuse::from(&previous).expect("a folder");
        let staged = staging.join("index.html");
        assert!(
            reuse
                .link_if_unchanged("index.html", "旧".as_bytes(), &staged)
                .expect("staged folder exists")
        );

        write_new(&staged, "新".as_bytes()).expect("write");
        assert_eq!(fs::read_to_string(&staged).expect("read"), "新");
        assert_eq!(
            fs::read_to_string(previous.join("index.html")).expect("read"),
            "旧"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_no_longer_in_memory_is_written_not_read_from_disk() {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().expect("tempdir");
        let (previous, staging) = (dir.path().join("public"), dir.path().join("staging"));
        fs::create_dir_all(&previous).expect("mkdir");
        fs::create_dir_all(&staging).expect("mkdir");
        let page = previous.join("page.html");
        let bytes = "归档页面".repeat(4096).into_bytes();
        fs::write(&page, &bytes).expect("write");
        assert!(read_if_cached(&page, bytes.len()).is_some(), "just written");

        let file = fs::File::open(&page).expect("open");
        let len = bytes.len() as u64;
        let cached = || page_cache::cached_pages(&file, len).expect("cachestat (Linux 6.5)");
        file.sync_all().expect("sync");
        // SAFETY: a plain advice call on a file descriptor this test owns.
        let advised =
            unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        assert_eq!(advised, 0, "fadvise");
        assert_eq!(cached(), 0, "evicted (is the temp dir on tmpfs?)");

        let reuse = Reuse::from(&previous).expect("a folder");
        assert!(
            !reuse
                .link_if_unchanged("page.html", &bytes, &staging.join("page.html"))
                .expect("staged folder exists"),
            "an evicted file is written, not compared"
        );
        assert_eq!(cached(), 0, "not even readahead was started");
        assert_eq!(
            read_if_cached(&page, bytes.len() - 1),
            None,
            "length differs"
        );
        assert_eq!(fs::read(&page).expect("read"), bytes);
        assert!(cached() > 0);
        assert!(read_if_cached(&page, bytes.len()).is_some(), "cached again");
    }

    #[test]
    fn a_missing_staged_folder_is_reported_and_reuse_stays_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let previous = dir.path().join("public");
        fs::create_dir_all(previous.join("2023")).expect("mkdir");
        fs::write(previous.join("2023/a.html"), "页").expect("write");
        let reuse = Reuse::from(&previous).expect("a folder");
        let staged = dir.path().join("staging/2023/a.html");
        let missing = reuse.link_if_unchanged("2023/a.html", "页".as_bytes(), &staged);
        assert_eq!(
            missing.map_err(|err| err.kind()),
            Err(io::ErrorKind::NotFound)
        );
        fs::create_dir_all(dir.path().join("staging/2023")).expect("mkdir");
        let linked = reuse.link_if_unchanged("2023/a.html", "页".as_bytes(), &staged);
        assert!(linked.expect("staged folder exists"), "reuse is still on");
    }

    #[test]
    fn an_empty_file_is_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join(".nojekyll"), "").expect("write");
        let reuse = Reuse::from(dir.path()).expect("a folder");
        let staged = dir.path().join("staged");
        assert!(
            reuse
                .link_if_unchanged(".nojekyll", b"", &staged)
                .expect("staged folder exists")
        );
    }

    #[test]
    fn a_link_or_a_missing_folder_is_not_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(Reuse::from(&dir.path().join("missing")).is_none());
        let real = dir.path().join("real");
        fs::create_dir(&real).expect("mkdir");
        let linked = dir.path().join("linked");
        std::os::unix::fs::symlink(&real, &linked).expect("symlink");
        assert!(Reuse::from(&linked).is_none());
        fs::write(real.join("page.html"), "x").expect("write");
        let reuse = Reuse::from(&real).expect("a folder");
        std::os::unix::fs::symlink(real.join("page.html"), real.join("alias.html"))
            .expect("symlink");
        let staged = dir.path().join("alias.html");
        assert!(
            !reuse
                .link_if_unchanged("alias.html", b"x", &staged)
                .expect("staged folder exists")
        );
    }
}
