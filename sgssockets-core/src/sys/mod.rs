//! Everything that differs between operating systems, behind one set of `pub(crate)` names.
//!
//! Both backends define the same items; the rest of the crate uses only those.

cfg_if::cfg_if! {
    if #[cfg(unix)] {
        mod unix;
        pub(crate) use unix::*;
        pub use unix::RawSocket;
    } else if #[cfg(windows)] {
        mod windows;
        pub(crate) use windows::*;
        pub use windows::RawSocket;
    } else {
        compile_error!("sgssockets-core supports Unix-like systems and Windows");
    }
}
