//! Descriptor checks: whether one is open, how many are.

use std::os::fd::RawFd;

/// Whether `fd` is an open descriptor of this process.
pub fn is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only queries the descriptor table.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

/// How many descriptors this process has open, where the platform lists them
/// (`/proc/self/fd`); `None` elsewhere. The count includes the one used to list them.
pub fn count_open() -> Option<usize> {
    std::fs::read_dir("/proc/self/fd")
        .ok()
        .map(|entries| entries.count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn open_descriptors_are_seen() {
        let file = std::fs::File::open("/").unwrap();
        let fd = file.as_raw_fd();
        assert!(is_open(fd));
        drop(file);
        // Another test thread may reuse the number at once; only check what is certain.
        assert!(!is_open(-1));
        if let Some(n) = count_open() {
            assert!(n >= 3, "stdin, stdout, stderr at least: {n}");
        }
    }
}
