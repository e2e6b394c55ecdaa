//! Removing the output a build replaced, without making the user wait for it.
//!
//! After the swap, the replaced output sits beside the new one as `.NAME.previous-PID` and must
//! go, once its year folders were carried over for the next build ([`super::carry`]). A small one is removed at once. A large one is not worth waiting for: the output of the
//! 100,000-declaration benchmark site took 15–30 s to delete on the benchmark machine (longer
//! than building it with nine years archived), and nothing published depends on it any more. So
//! `build` hands it to a detached `disclose` process, the way `git gc --auto` detaches, and
//! returns as soon as the new output is in place.
//!
//! The hand-over keeps the leftover rules of [`super::lock`]:
//! 1. The remover starts with a pipe as its stdin and waits for the pipe to close.
//! 2. The build renames the folder to `.NAME.retired-REMOVER_PID`. While the remover runs, the
//!    next build's clean-up leaves that folder alone; if the remover dies half-way, the next
//!    build removes the rest. A retired folder is never put back as the output.
//! 3. The build closes the pipe and returns. The remover removes `.NAME.retired-<its own PID>`
//!    and nothing else.
//!
//! Any failure on the way falls back to removing the folder before returning.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use super::lock;
use crate::layout::MANIFEST;

/// The variable that turns a `disclose` process into a remover: the retired folder's path
/// without the PID (`PARENT/.NAME.retired-`).
const REMOVER_ENV: &str = "DISCLOSE_REMOVE_RETIRED_OUTPUT";

/// The user's choice, read by the command line from this variable: `auto` (the default),
/// `always` or `never`.
pub const POLICY_ENV: &str = "DISCLOSE_BACKGROUND_REMOVAL";

/// A replaced output whose manifest is at least this large (about 4,500 files, at about 90
/// bytes a line) is removed in the background under [`Removal::Auto`]. Below it, removing
/// takes about a second or less, and finishing before returning is simpler for scripts.
const BACKGROUND_FROM_MANIFEST_BYTES: u64 = 400_000;

/// What happens to the output a build replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Removed before the build returns (library callers, snapshots, `never`).
    Wait,
    /// Handed to a detached remover when large (the command line's default).
    Auto,
    /// Always handed to a detached remover.
    Background,
}

impl Removal {
    /// Read the policy from the value of [`POLICY_ENV`] (unset means `auto`).
    pub fn from_policy(value: Option<&str>) -> Result<Removal, String> {
        match value.map(str::trim) {
            None | Some("" | "auto") => Ok(Removal::Auto),
            Some("always") => Ok(Removal::Background),
            Some("never") => Ok(Removal::Wait),
            Some(other) => Err(format!(
                "{POLICY_ENV}={other:?} is not a choice: use auto (the default: large outputs are removed in the background), always, or never (wait until the old output is gone)"
            )),
        }
    }
}

/// Remove `previous`, the output just replaced at `parent/name`. Returns the folder a detached
/// process is still removing, if it was handed over.
pub fn remove_replaced(
    previous: &Path,
    parent: &Path,
    name: &str,
    removal: Removal,
) -> Option<PathBuf> {
    if in_background(previous, removal)
        && let Ok(retired) = hand_over_to_remover(previous, parent, name)
    {
        return Some(retired);
    }
    // If this fails, the next build removes it: it is named after this process, which will
    // have ended.
    let _ = fs::remove_dir_all(previous);
    None
}

/// Whether `previous` goes to a detached remover under `removal`.
fn in_background(previous: &Path, removal: Removal) -> bool {
    match removal {
        Removal::Wait => false,
        Removal::Background => true,
        Removal::Auto => fs::metadata(previous.join(MANIFEST))
            .is_ok_and(|manifest| manifest.len() >= BACKGROUND_FROM_MANIFEST_BYTES),
    }
}

/// Start a detached remover and rename `previous` to the folder it will remove.
fn hand_over_to_remover(previous: &Path, parent: &Path, name: &str) -> io::Result<PathBuf> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .env(REMOVER_ENV, parent.join(lock::retired_prefix(name)))
        // Only a `disclose` binary reads the variable above; any other program reached through
        // `current_exe` (a test harness calling the library) refuses this argument and exits.
        .arg("--remove-retired-output")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .current_dir(parent);
    // Its own process group: a Ctrl-C at the terminal after the build returned does not stop
    // the removal half-way (the next build would finish it, but need not).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut remover = command.spawn()?;
    let retired = parent.join(format!("{}{}", lock::retired_prefix(name), remover.id()));
    let renamed = fs::rename(previous, &retired);
    // Closing the pipe starts the remover; if the rename failed it finds nothing and exits.
    drop(remover.stdin.take());
    renamed.map(|()| retired)
}

/// If this process was started as a remover, do that job and return its exit code.
pub fn remover_main() -> Option<ExitCode> {
    let prefix = std::env::var_os(REMOVER_ENV)?;
    // Wait until the build has renamed the folder (or died): it closes this pipe either way.
    let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
    let folder = own_folder(prefix);
    if is_retired_folder(&folder) {
        let _ = fs::remove_dir_all(&folder);
    }
    Some(ExitCode::SUCCESS)
}

/// `PREFIX<this PID>`: the only folder this remover may remove.
fn own_folder(prefix: OsString) -> PathBuf {
    let mut folder = prefix;
    folder.push(std::process::id().to_string());
    PathBuf::from(folder)
}

/// Whether `folder` is a real folder named `.NAME.retired-<this PID>`.
fn is_retired_folder(folder: &Path) -> bool {
    let suffix = format!(".retired-{}", std::process::id());
    let named = folder
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.') && name.ends_with(&suffix));
    named && super::is_real_folder(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_has_three_choices_and_names_them_when_wrong() {
        assert_eq!(Removal::from_policy(None), Ok(Removal::Auto));
        assert_eq!(Removal::from_policy(Some("auto")), Ok(Removal::Auto));
        assert_eq!(
            Removal::from_policy(Some("always")),
            Ok(Removal::Background)
        );
        assert_eq!(Removal::from_policy(Some("never")), Ok(Removal::Wait));
        let wrong = Removal::from_policy(Some("sometimes")).unwrap_err();
        assert!(wrong.contains("auto") && wrong.contains("never"), "{wrong}");
    }

    #[test]
    fn a_remover_removes_only_its_own_retired_folder() {
        let dir = tempfile::tempdir().unwrap();
        let pid = std::process::id();
        let own = dir.path().join(format!(".public.retired-{pid}"));
        let other = dir.path().join(format!(".public.retired-{}", pid + 1));
        fs::create_dir(&own).unwrap();
        fs::create_dir(&other).unwrap();
        let prefix = dir.path().join(".public.retired-").into_os_string();
        assert_eq!(own_folder(prefix), own);
        assert!(is_retired_folder(&own));
        assert!(!is_retired_folder(&other));
        assert!(!is_retired_folder(&dir.path().join(format!("public{pid}"))));
        // A symlink with the right name is not a folder of ours.
        #[cfg(unix)]
        {
            let link = dir.path().join(format!(".site.retired-{pid}"));
            std::os::unix::fs::symlink(&other, &link).unwrap();
            assert!(!is_retired_folder(&link));
        }
    }

    #[test]
    fn auto_hands_over_only_a_large_output() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        let large = dir.path().join("large");
        fs::create_dir(&small).unwrap();
        fs::create_dir(&large).unwrap();
        fs::write(small.join(MANIFEST), "x".repeat(1_000)).unwrap();
        fs::write(large.join(MANIFEST), "x".repeat(400_000)).unwrap();
        assert!(!in_background(&small, Removal::Auto));
        assert!(in_background(&large, Removal::Auto));
        assert!(in_background(&small, Removal::Background));
        assert!(!in_background(&large, Removal::Wait));
        // No manifest (not a finished output of ours): nothing to gain from waiting less.
        assert!(!in_background(dir.path(), Removal::Auto));
    }

    #[test]
    fn waiting_removes_before_returning() {
        let dir = tempfile::tempdir().unwrap();
        let previous = dir.path().join(".public.previous-1");
        fs::create_dir(&previous).unwrap();
        fs::write(previous.join(MANIFEST), "x".repeat(500_000)).unwrap();
        let handed = remove_replaced(&previous, dir.path(), "public", Removal::Wait);
        assert_eq!(handed, None);
        assert!(!previous.exists());
    }
}
