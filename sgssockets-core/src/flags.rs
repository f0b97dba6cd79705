//! Message flags for `send`/`recv` calls.

use crate::sys;

bitflags::bitflags! {
    /// Flags for [`Socket::send`](crate::Socket::send), [`Socket::recv`](crate::Socket::recv)
    /// and their `_to`/`_from` forms, with the platform's values.
    ///
    /// A flag the platform lacks is `0` (so `MsgFlags::MORE` is empty on Windows) and has no effect.
    /// Unknown bits from a caller are passed through with [`MsgFlags::from_bits_retain`].
    ///
    /// ```
    /// use sgssockets_core::MsgFlags;
    /// let flags = MsgFlags::from_bits_retain(MsgFlags::PEEK.bits());
    /// assert!(flags.contains(MsgFlags::PEEK));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct MsgFlags: i32 {
        /// `MSG_OOB`: out-of-band data.
        const OOB = sys::MSG_OOB;
        /// `MSG_PEEK`: look at incoming data without taking it.
        const PEEK = sys::MSG_PEEK;
        /// `MSG_DONTROUTE`: bypass routing, send to a directly connected host.
        const DONTROUTE = sys::MSG_DONTROUTE;
        /// `MSG_DONTWAIT`: this one call does not block (0 on Windows).
        const DONTWAIT = sys::MSG_DONTWAIT;
        /// `MSG_WAITALL`: wait for the whole buffer.
        const WAITALL = sys::MSG_WAITALL;
        /// `MSG_EOR`: end of record (0 on Windows).
        const EOR = sys::MSG_EOR;
        /// `MSG_CONFIRM`: the link layer made progress (Linux only, else 0).
        const CONFIRM = sys::MSG_CONFIRM;
        /// `MSG_MORE`: more data follows (Linux only, else 0).
        const MORE = sys::MSG_MORE;
        /// `MSG_NOSIGNAL`: no `SIGPIPE` (this crate always adds it where it exists).
        const NOSIGNAL = sys::MSG_NOSIGNAL;
    }
}
