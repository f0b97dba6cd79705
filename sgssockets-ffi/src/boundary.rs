//! The C boundary: the panic guard around every exported body, and the only places where
//! pointers from C become Rust references (handles, NUL-terminated text, `(ptr, len)`
//! slices, out-parameters and caller buffers).
//!
//! Every exported function is written out in full (cbindgen reads the source, it does not
//! expand macros); its body is `ffi_boundary!(err, { ... })` and it turns each pointer
//! argument into a reference with one of the `try_*!` macros before doing anything else,
//! so a NULL argument is reported before any side effect.
//!
//! Handles: each opaque handle type declares in one line which [`Castable`] kind it is:
//! owned ([`OwnershipBox`]: made once, freed by exactly one `_free`), shared
//! ([`OwnershipArc`]: one count per `_new`/clone, each given back by one `_free`) or
//! borrowed ([`OwnershipRef`]: points into a parent, never freed). The cast helpers below
//! take only the kinds they are sound for, so a wrong cast (freeing a borrowed value,
//! `Box::from_raw` on an `Arc`) does not compile; every one checks for NULL and reports
//! `Failure::Null` with the argument's name.

use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::result::{report, sgss_error, sgss_result, Failure};

/// Runs an exported function's body (a block evaluating to `Result<(), Failure>`) behind
/// the panic boundary, fills in the optional `sgss_error` and returns the result code.
///
/// Messages of failures found here in the C layer (NULL arguments, buffers, rejected
/// values) start with the exported function's name, taken from the path of an item nested
/// in it, so each message names its call as `sgss_error` promises.
macro_rules! ffi_boundary {
    ($err:expr, $body:block) => {{
        fn here() {}
        $crate::boundary::run(
            ::std::any::type_name_of_val(&here),
            $err,
            || -> ::std::result::Result<(), $crate::result::Failure> { $body },
        )
    }};
}

/// Runs the body of a function that returns nothing (`_free`) behind the panic boundary.
macro_rules! ffi_boundary_void {
    ($body:block) => {
        $crate::boundary::run_void(|| $body)
    };
}

/// Borrows the Rust value behind a handle argument of any kind ([`try_ref_from_ptr`]), or returns
/// `Failure::Null` naming it.
macro_rules! try_ref {
    ($ptr:ident) => {
        // SAFETY: `$ptr` is a handle argument of an exported function; its caller promises
        // it is NULL or a live handle (the crate-level safety contract).
        unsafe { $crate::boundary::try_ref_from_ptr($ptr, stringify!($ptr)) }?
    };
}

/// Borrows the Rust value behind an owned or lent handle argument mutably ([`try_mut_from_ptr`]),
/// or returns `Failure::Null`.
macro_rules! try_mut {
    ($ptr:ident) => {
        // SAFETY: `$ptr` is a handle argument of an exported function; its caller promises
        // it is NULL or a live handle that no other call uses meanwhile.
        unsafe { $crate::boundary::try_mut_from_ptr($ptr, stringify!($ptr)) }?
    };
}

/// Takes back an owned handle argument the call consumes ([`try_box_from_ptr`]), or returns
/// `Failure::Null`.
macro_rules! try_box {
    ($ptr:ident) => {
        // SAFETY: `$ptr` is an owned handle argument that the exported function consumes;
        // its caller promises it is NULL or a live handle it gives up and never uses again.
        unsafe { $crate::boundary::try_box_from_ptr($ptr, stringify!($ptr)) }?
    };
}

/// Checks an out-parameter: a `&mut MaybeUninit<T>` to `write` into, or `Failure::Null`.
macro_rules! try_out {
    ($ptr:ident) => {
        // SAFETY: `$ptr` is an out-parameter of an exported function; its caller promises
        // it is NULL or points at writable memory for one value.
        unsafe { $crate::boundary::out_param($ptr, stringify!($ptr)) }?
    };
}

/// A NUL-terminated UTF-8 argument as `&str`: `Failure::Null` or `Failure::Invalid`.
macro_rules! try_str {
    ($ptr:ident) => {
        // SAFETY: `$ptr` is a text argument of an exported function; its caller promises
        // it is NULL or a NUL-terminated string.
        unsafe { $crate::boundary::text_arg($ptr, stringify!($ptr)) }?
    };
}

/// A `(ptr, len)` argument as `&[u8]`; NULL is allowed when `len` is 0.
macro_rules! try_slice {
    ($ptr:ident, $len:ident) => {
        // SAFETY: `($ptr, $len)` is a buffer argument of an exported function; its caller
        // promises `$ptr` is NULL or points at `$len` readable bytes.
        unsafe { $crate::boundary::slice_arg($ptr.cast::<u8>(), $len, stringify!($ptr)) }?
    };
}

/// A `(ptr, len)` argument as `&mut [MaybeUninit<u8>]`; NULL is allowed when `len` is 0.
macro_rules! try_slice_mut {
    ($ptr:ident, $len:ident) => {
        // SAFETY: `($ptr, $len)` is a buffer argument of an exported function; its caller
        // promises `$ptr` is NULL or points at `$len` writable bytes.
        unsafe { $crate::boundary::slice_mut_arg($ptr.cast::<u8>(), $len, stringify!($ptr)) }?
    };
}

/// A text buffer argument `(buf, len, out_len)` as a [`TextOut`], checked for NULL.
macro_rules! try_text_out {
    ($buf:ident, $len:ident, $out_len:ident) => {
        // SAFETY: `($buf, $len, $out_len)` is a text buffer argument of an exported
        // function; its caller promises `$buf` is NULL or holds `$len` writable bytes and
        // `$out_len` is NULL or writable.
        unsafe { $crate::boundary::TextOut::new($buf, $len, $out_len) }?
    };
}

/// A byte buffer argument `(buf, len, out_len)` as a [`BytesOut`], checked for NULL.
macro_rules! try_bytes_out {
    ($buf:ident, $len:ident, $out_len:ident) => {
        // SAFETY: `($buf, $len, $out_len)` is a byte buffer argument of an exported
        // function; its caller promises `$buf` is NULL or holds `$len` writable bytes and
        // `$out_len` is NULL or writable.
        unsafe { $crate::boundary::BytesOut::new($buf, $len, $out_len) }?
    };
}

pub(crate) use {
    ffi_boundary, ffi_boundary_void, try_box, try_bytes_out, try_mut, try_out, try_ref, try_slice,
    try_slice_mut, try_str, try_text_out,
};

/// See [`ffi_boundary!`]. `here` is the path of an item nested in the exported function
/// (its name, for messages, is cut out of it only when a failure is reported).
pub fn run(
    here: &'static str,
    err: *mut sgss_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> sgss_result {
    // The function's name is cut out of `here`'s path only when a message needs it: a
    // successful call costs no string work.
    let function = || function_name(here);
    match catch_unwind(AssertUnwindSafe(|| report(function, err, body()))) {
        Ok(result) => result,
        Err(_) => catch_unwind(|| report(function, err, Err(Failure::Panic)))
            .unwrap_or(sgss_result::Panic),
    }
}

/// The last segment of an item path with `::here` cut off:
/// `"sgssockets_ffi::socket::sgss_socket_recv::here"` gives `"sgss_socket_recv"`.
pub fn function_name(path: &'static str) -> &'static str {
    let path = path.strip_suffix("::here").unwrap_or(path);
    path.rsplit("::").next().unwrap_or(path)
}

/// See [`ffi_boundary_void!`]. A panic is swallowed: there is no way to report it.
pub fn run_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// The kinds of handle ownership. Each is a marker type with no values, used only as
/// [`Castable::Ownership`]; the trait is sealed so no other kind can appear.
pub(crate) trait Ownership: sealed::Sealed {}

/// Owned handles: [`to_box`] gives the caller one `Box`, ended by exactly one `_free`
/// ([`free_box`]) or another call that consumes it ([`try_box_from_ptr`]).
#[derive(Debug)]
pub(crate) enum OwnershipBox {}

/// Shared handles: [`to_arc`] gives the caller one strong count of an `Arc`; every count
/// (including those made by [`clone_arc`]) is given back by one `_free` ([`free_arc`]).
///
/// The TLS configurations are of this kind (one configuration shared by many streams).
#[derive(Debug)]
pub(crate) enum OwnershipArc {}

/// Borrowed handles: [`lend`] points into a parent the caller already holds; the pointer is
/// valid while the parent is, and the caller never frees it.
///
/// No handle of this kind yet (the addrinfo entries lend `sgss_address`, an owned kind that
/// may also be lent); wave 2's borrowed TLS values (e.g. a peer certificate) will be.
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum OwnershipRef {}

impl Ownership for OwnershipBox {}
impl Ownership for OwnershipArc {}
impl Ownership for OwnershipRef {}

/// The kinds whose handle points straight at a value that can be lent from a parent
/// ([`lend`]): a pointer to any live `RustType` is then as good as a handle for reading.
/// Not [`OwnershipArc`]: [`clone_arc`] on a lent pointer would count a reference that no
/// `Arc` holds.
pub(crate) trait Lendable: Ownership {}
impl Lendable for OwnershipBox {}
impl Lendable for OwnershipRef {}

/// The kinds whose value one caller may change through [`try_mut_from_ptr`]. Not
/// [`OwnershipArc`]: a shared value has other owners, so it is only ever borrowed shared (a
/// type that needs changes behind an `Arc` uses a lock inside).
pub(crate) trait Exclusive: Ownership {}
impl Exclusive for OwnershipBox {}
impl Exclusive for OwnershipRef {}

mod sealed {
    /// Keeps the set of ownership kinds closed.
    pub trait Sealed {}
    impl Sealed for super::OwnershipBox {}
    impl Sealed for super::OwnershipArc {}
    impl Sealed for super::OwnershipRef {}
}

/// An opaque C handle type (`sgss_socket`, ...): the Rust value behind its pointers, and how
/// the caller holds them.
///
/// Every handle pointer points at a `RustType`: the `Box` made by [`to_box`], the `Arc`'s
/// value made by [`to_arc`], or a value inside a parent for [`lend`]. Because `Ownership` is
/// an associated type, a type has exactly one kind: declaring a handle both owned and shared
/// is two conflicting impls, which the compiler rejects; and each cast helper accepts only
/// the kinds it is sound for. Declare a handle with one line of [`box_castable!`],
/// [`arc_castable!`] or [`ref_castable!`].
pub(crate) trait Castable: Sized {
    /// The Rust value behind the handle.
    type RustType;
    /// [`OwnershipBox`], [`OwnershipArc`] or [`OwnershipRef`].
    type Ownership: Ownership;

    /// Borrows the value behind a handle of any kind, `None` for NULL (for arguments where
    /// NULL is allowed; [`try_ref_from_ptr`] reports it).
    ///
    /// # Safety
    /// `ptr` is NULL or a live handle of this type (owned, shared or lent, not yet freed and
    /// its parent not yet freed), not changed by anyone during `'a`.
    unsafe fn borrow<'a>(ptr: *const Self) -> Option<&'a Self::RustType> {
        // SAFETY: every handle pointer of any kind points at a live `RustType` (the trait's
        // layout rule and this function's contract); nobody changes it during `'a`.
        unsafe { ptr.cast::<Self::RustType>().as_ref() }
    }
}

/// The trait's former name, under which `select.rs` imports it for [`Castable::borrow`]
/// (kept until that file moves to the helpers below).
#[allow(unused_imports)]
pub(crate) use Castable as Handle;

/// Declares an owned handle type: `box_castable! { sgss_socket => Socket }`.
macro_rules! box_castable {
    ($handle:ty => $rust:ty) => {
        impl $crate::boundary::Castable for $handle {
            type RustType = $rust;
            type Ownership = $crate::boundary::OwnershipBox;
        }
    };
}

/// Declares a shared handle type: `arc_castable! { sgss_tls_client_config => ClientConfig }`.
#[cfg_attr(not(test), allow(unused_macros))]
macro_rules! arc_castable {
    ($handle:ty => $rust:ty) => {
        impl $crate::boundary::Castable for $handle {
            type RustType = $rust;
            type Ownership = $crate::boundary::OwnershipArc;
        }
    };
}

/// Declares a handle type that is only ever borrowed from a parent:
/// `ref_castable! { sgss_certificate => Certificate }`.
#[cfg_attr(not(test), allow(unused_macros))]
macro_rules! ref_castable {
    ($handle:ty => $rust:ty) => {
        impl $crate::boundary::Castable for $handle {
            type RustType = $rust;
            type Ownership = $crate::boundary::OwnershipRef;
        }
    };
}

// The macros are used in textual order inside this file (its tests), by path elsewhere.
#[allow(unused_imports)]
pub(crate) use {arc_castable, box_castable, ref_castable};

/// Boxes `value` and gives the C caller ownership: the result is freed by one `_free`
/// ([`free_box`]) or consumed by one call that takes it back ([`try_box_from_ptr`]).
pub(crate) fn to_box<C>(value: C::RustType) -> *mut C
where
    C: Castable<Ownership = OwnershipBox>,
{
    Box::into_raw(Box::new(value)).cast::<C>()
}

/// Takes back ownership of an owned handle from C, or `Failure::Null` naming it.
///
/// # Safety
/// `ptr` is NULL or a live handle made by [`to_box`] that nothing uses during or after this
/// call (the caller gives it up).
pub(crate) unsafe fn try_box_from_ptr<C>(
    ptr: *mut C,
    name: &'static str,
) -> Result<Box<C::RustType>, Failure>
where
    C: Castable<Ownership = OwnershipBox>,
{
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    // SAFETY: a non-NULL owned handle came from `Box::into_raw` in `to_box`, and the caller
    // gives it up for good (this function's contract), so the box is taken once.
    Ok(unsafe { Box::from_raw(ptr.cast::<C::RustType>()) })
}

/// Frees an owned handle (for `_free`); NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or a live handle made by [`to_box`], never used again afterwards.
pub(crate) unsafe fn free_box<C>(ptr: *mut C)
where
    C: Castable<Ownership = OwnershipBox>,
{
    // SAFETY: NULL or a handle the caller gives up (this function's contract).
    drop(unsafe { try_box_from_ptr(ptr, "handle") });
}

/// Gives the C caller one strong count of `value`; it is given back by one `_free`
/// ([`free_arc`]).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn to_arc<C>(value: std::sync::Arc<C::RustType>) -> *const C
where
    C: Castable<Ownership = OwnershipArc>,
{
    std::sync::Arc::into_raw(value).cast::<C>()
}

/// A new `Arc` of the value behind a shared handle (one more strong count, the caller's
/// stays), or `Failure::Null` naming it. For Rust code that keeps the value past the call.
///
/// # Safety
/// `ptr` is NULL or a live handle made by [`to_arc`] (or [`clone_arc`] + [`to_arc`]) whose
/// count the caller still holds during this call.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) unsafe fn clone_arc<C>(
    ptr: *const C,
    name: &'static str,
) -> Result<std::sync::Arc<C::RustType>, Failure>
where
    C: Castable<Ownership = OwnershipArc>,
{
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    let ptr = ptr.cast::<C::RustType>();
    // SAFETY: a non-NULL shared handle came from `Arc::into_raw` in `to_arc` and its count
    // is held by the caller during the call (this function's contract), so the value is
    // alive and adding a count is sound.
    unsafe { std::sync::Arc::increment_strong_count(ptr) };
    // SAFETY: as above; this takes over the count just added.
    Ok(unsafe { std::sync::Arc::from_raw(ptr) })
}

/// Gives back the caller's count of a shared handle (for `_free`); NULL is ignored. The
/// value is dropped with its last count.
///
/// # Safety
/// `ptr` is NULL or a live handle made by [`to_arc`] whose count the caller gives up: it
/// does not use this pointer again.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) unsafe fn free_arc<C>(ptr: *const C)
where
    C: Castable<Ownership = OwnershipArc>,
{
    if ptr.is_null() {
        return;
    }
    // SAFETY: a non-NULL shared handle came from `Arc::into_raw` in `to_arc`, and the
    // caller gives up its one count (this function's contract).
    drop(unsafe { std::sync::Arc::from_raw(ptr.cast::<C::RustType>()) });
}

/// A borrowed handle to `value`, which lives in a parent the caller holds: valid while that
/// parent is, never freed by the caller. `const`, so C cannot pass it to a `_free` (which
/// takes a non-`const` pointer) without a cast.
pub(crate) fn lend<C>(value: &C::RustType) -> *const C
where
    C: Castable,
    C::Ownership: Lendable,
{
    (value as *const C::RustType).cast::<C>()
}

/// Borrows the value behind a handle of any kind, or `Failure::Null` naming the argument.
///
/// # Safety
/// As [`Castable::borrow`].
pub(crate) unsafe fn try_ref_from_ptr<'a, C: Castable>(
    ptr: *const C,
    name: &'static str,
) -> Result<&'a C::RustType, Failure> {
    // SAFETY: this function's contract is `borrow`'s.
    unsafe { C::borrow(ptr) }.ok_or(Failure::Null(name))
}

/// Borrows the value behind an owned or lent handle mutably, `None` for NULL (for optional
/// arguments; [`try_mut_from_ptr`] reports NULL).
///
/// # Safety
/// `ptr` is NULL or a live handle of this type that nothing else uses during `'a`.
pub(crate) unsafe fn borrow_mut<'a, C>(ptr: *mut C) -> Option<&'a mut C::RustType>
where
    C: Castable,
    C::Ownership: Exclusive,
{
    // SAFETY: a handle of these kinds points at a live `RustType` owned by one caller or
    // lent from its parent, and nothing else uses it during `'a` (this function's contract,
    // the C rule of every non-`const` handle argument).
    unsafe { ptr.cast::<C::RustType>().as_mut() }
}

/// Borrows the value behind an owned or lent handle mutably, or `Failure::Null` naming it.
///
/// # Safety
/// As [`borrow_mut`].
pub(crate) unsafe fn try_mut_from_ptr<'a, C>(
    ptr: *mut C,
    name: &'static str,
) -> Result<&'a mut C::RustType, Failure>
where
    C: Castable,
    C::Ownership: Exclusive,
{
    // SAFETY: this function's contract is `borrow_mut`'s.
    unsafe { borrow_mut(ptr) }.ok_or(Failure::Null(name))
}

/// An out-parameter as writable memory, or `Failure::Null` naming it.
///
/// # Safety
/// `ptr` is NULL or points at memory for one `T`, writable and unused by others meanwhile.
pub unsafe fn out_param<'a, T>(
    ptr: *mut T,
    name: &'static str,
) -> Result<&'a mut MaybeUninit<T>, Failure> {
    // SAFETY: a non-NULL out-parameter points at writable memory for one `T` that nothing
    // else uses during the call (the C contract); it may be uninitialised, which
    // `MaybeUninit` allows, and `MaybeUninit<T>` has `T`'s layout.
    unsafe { ptr.cast::<MaybeUninit<T>>().as_mut() }.ok_or(Failure::Null(name))
}

/// A NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points at a NUL-terminated string left unchanged during the call.
pub unsafe fn text_arg<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    // SAFETY: a non-NULL text argument points at a NUL-terminated string that stays
    // unchanged during the call (the C contract).
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| Failure::Invalid(format!("argument {name} is not valid UTF-8")))
}

/// Checks that `len` bytes can be a Rust slice at all.
fn check_len(len: usize, name: &'static str) -> Result<(), Failure> {
    if len > isize::MAX as usize {
        return Err(Failure::Invalid(format!(
            "argument {name}: length {len} is too large"
        )));
    }
    Ok(())
}

/// A `(ptr, len)` byte argument; NULL is allowed when `len` is 0.
///
/// # Safety
/// `ptr` is NULL or points at `len` readable bytes left unchanged during the call.
pub unsafe fn slice_arg<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    check_len(len, name)?;
    // SAFETY: a non-NULL buffer argument points at `len` readable bytes that stay unchanged
    // during the call (the C contract); `len` fits `isize`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A `(ptr, len)` writable byte argument, as memory the OS may fill (its bytes need not be
/// initialised); NULL is allowed when `len` is 0.
///
/// # Safety
/// `ptr` is NULL or points at `len` writable bytes that nothing else uses meanwhile.
pub unsafe fn slice_mut_arg<'a>(
    ptr: *mut u8,
    len: usize,
    name: &'static str,
) -> Result<&'a mut [MaybeUninit<u8>], Failure> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    check_len(len, name)?;
    // SAFETY: a non-NULL buffer argument points at `len` writable bytes that nothing else
    // uses during the call (this function's contract); `MaybeUninit<u8>` has `u8`'s layout
    // and allows bytes C never initialised.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr.cast::<MaybeUninit<u8>>(), len) })
}

/// A caller's text buffer `(buf, len)` with its `out_len`, checked before the call's work.
///
/// The convention of every text getter: `*out_len` receives the text's length in bytes
/// without the terminating NUL; the buffer needs `*out_len + 1` bytes. A buffer too small
/// gives `Failure::TooSmall` and holds an empty string (when `len > 0`).
/// `buf` may be NULL when `len` is 0, to ask for the length alone.
#[derive(Debug)]
pub struct TextOut<'a> {
    buf: *mut c_char,
    len: usize,
    out_len: &'a mut MaybeUninit<usize>,
}

impl<'a> TextOut<'a> {
    /// Checks the arguments: `out_len` must not be NULL, `buf` only when `len` is 0.
    ///
    /// # Safety
    /// `buf` is NULL or points at `len` writable bytes, `out_len` is NULL or writable,
    /// and nothing else uses them until the value is dropped.
    pub unsafe fn new(buf: *mut c_char, len: usize, out_len: *mut usize) -> Result<Self, Failure> {
        // SAFETY: `out_len` is NULL or writable (this function's contract).
        let out_len = unsafe { out_param(out_len, "out_len") }?;
        if buf.is_null() && len != 0 {
            return Err(Failure::Null("buf"));
        }
        check_len(len, "len")?;
        Ok(TextOut { buf, len, out_len })
    }

    /// Copies `text` and a NUL into the buffer, or reports the length it needs.
    pub fn write(self, text: &str) -> Result<(), Failure> {
        self.out_len.write(text.len());
        if text.len() >= self.len {
            if self.len > 0 {
                // SAFETY: `buf` holds at least one writable byte (`len > 0`, checked in `new`).
                unsafe { self.buf.write(0) };
            }
            return Err(Failure::TooSmall {
                needed: text.len() + 1,
                given: self.len,
            });
        }
        // SAFETY: `buf` holds `len > text.len()` writable bytes (the C contract of a
        // `(buf, len)` argument, checked above), and Rust text cannot overlap C's buffer.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), self.buf.cast::<u8>(), text.len());
            self.buf.add(text.len()).write(0);
        }
        Ok(())
    }
}

/// A caller's byte buffer `(buf, len)` with its `out_len`: like [`TextOut`] without the NUL.
#[derive(Debug)]
pub struct BytesOut<'a> {
    buf: *mut u8,
    len: usize,
    out_len: &'a mut MaybeUninit<usize>,
}

impl<'a> BytesOut<'a> {
    /// Checks the arguments: `out_len` must not be NULL, `buf` only when `len` is 0.
    ///
    /// # Safety
    /// `buf` is NULL or points at `len` writable bytes, `out_len` is NULL or writable,
    /// and nothing else uses them until the value is dropped.
    pub unsafe fn new(buf: *mut u8, len: usize, out_len: *mut usize) -> Result<Self, Failure> {
        // SAFETY: `out_len` is NULL or writable (this function's contract).
        let out_len = unsafe { out_param(out_len, "out_len") }?;
        if buf.is_null() && len != 0 {
            return Err(Failure::Null("buf"));
        }
        check_len(len, "len")?;
        Ok(BytesOut { buf, len, out_len })
    }

    /// Copies `bytes` into the buffer, or reports how many it needs.
    pub fn write(self, bytes: &[u8]) -> Result<(), Failure> {
        self.out_len.write(bytes.len());
        if bytes.len() > self.len {
            return Err(Failure::TooSmall {
                needed: bytes.len(),
                given: self.len,
            });
        }
        if !bytes.is_empty() {
            // SAFETY: `buf` is not NULL (`len >= bytes.len() > 0`, checked in `new`) and
            // holds `len` writable bytes (the C contract of a `(buf, len)` argument).
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf, bytes.len()) };
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::SGSS_ERROR_MESSAGE_SIZE;

    fn blank_error() -> sgss_error {
        sgss_error {
            result: 99,
            code: 99,
            message: [b'x' as c_char; SGSS_ERROR_MESSAGE_SIZE],
        }
    }

    fn message(err: &sgss_error) -> String {
        let bytes: Vec<u8> = err.message.iter().map(|&c| c as u8).collect();
        let end = bytes.iter().position(|&b| b == 0).expect("NUL-terminated");
        String::from_utf8(bytes[..end].to_vec()).expect("UTF-8")
    }

    /// Test handles, one per kind, each declared the way the real ones are.
    #[derive(Debug)]
    struct test_owned {
        _private: [u8; 0],
    }
    box_castable! { test_owned => String }

    #[derive(Debug)]
    struct test_shared {
        _private: [u8; 0],
    }
    arc_castable! { test_shared => String }

    #[derive(Debug)]
    struct test_borrowed {
        _private: [u8; 0],
    }
    ref_castable! { test_borrowed => u32 }

    fn null_name(failure: Failure) -> &'static str {
        match failure {
            Failure::Null(name) => name,
            other => panic!("expected Failure::Null, got {other:?}"),
        }
    }

    #[test]
    fn every_helper_reports_null_with_the_argument_name() {
        // SAFETY: every pointer is NULL, which the helpers check before any access.
        unsafe {
            let owned = std::ptr::null_mut::<test_owned>();
            assert_eq!(
                null_name(try_ref_from_ptr(owned, "socket").unwrap_err()),
                "socket"
            );
            assert_eq!(
                null_name(try_mut_from_ptr(owned, "addr").unwrap_err()),
                "addr"
            );
            assert_eq!(
                null_name(try_box_from_ptr(owned, "list").unwrap_err()),
                "list"
            );
            assert!(borrow_mut(owned).is_none());
            let shared = std::ptr::null::<test_shared>();
            assert_eq!(
                null_name(try_ref_from_ptr(shared, "config").unwrap_err()),
                "config"
            );
            assert_eq!(
                null_name(clone_arc(shared, "config").unwrap_err()),
                "config"
            );
            assert!(test_shared::borrow(shared).is_none());
            let borrowed = std::ptr::null_mut::<test_borrowed>();
            assert_eq!(
                null_name(try_ref_from_ptr(borrowed, "entry").unwrap_err()),
                "entry"
            );
            assert_eq!(
                null_name(try_mut_from_ptr(borrowed, "entry").unwrap_err()),
                "entry"
            );
            // `_free` of NULL does nothing, for both kinds that can be freed.
            free_box(owned);
            free_arc(shared);
        }
    }

    #[test]
    fn the_macros_name_the_argument_they_were_given() {
        fn body(socket: *const test_owned, entry: *mut test_borrowed) -> Result<(), Failure> {
            let _ = try_ref!(socket);
            let _ = try_mut!(entry);
            Ok(())
        }
        fn consume(list: *mut test_owned) -> Result<String, Failure> {
            Ok(*try_box!(list))
        }
        let mut value = 7u32;
        let entry = (&mut value as *mut u32).cast::<test_borrowed>();
        let socket = to_box::<test_owned>("s".to_owned());
        let null_socket = std::ptr::null::<test_owned>();
        assert_eq!(null_name(body(null_socket, entry).unwrap_err()), "socket");
        let null_entry = std::ptr::null_mut::<test_borrowed>();
        assert_eq!(null_name(body(socket, null_entry).unwrap_err()), "entry");
        assert!(body(socket, entry).is_ok());
        let null_list = std::ptr::null_mut::<test_owned>();
        assert_eq!(null_name(consume(null_list).unwrap_err()), "list");
        assert_eq!(consume(socket).unwrap(), "s");
    }

    #[test]
    fn an_owned_handle_is_read_changed_and_taken_back() {
        let handle = to_box::<test_owned>("one".to_owned());
        // SAFETY: `handle` is live and used by this thread alone until it is taken back.
        unsafe {
            assert_eq!(try_ref_from_ptr(handle, "h").unwrap(), "one");
            try_mut_from_ptr(handle, "h").unwrap().push_str("+two");
            assert_eq!(test_owned::borrow(handle).unwrap(), "one+two");
            assert_eq!(*try_box_from_ptr(handle, "h").unwrap(), "one+two");
        }
        let handle = to_box::<test_owned>("freed".to_owned());
        // SAFETY: `handle` is live and never used again.
        unsafe { free_box(handle) };
    }

    #[test]
    fn a_shared_handle_counts_each_clone_and_each_free() {
        let value = std::sync::Arc::new("config".to_owned());
        let handle = to_arc::<test_shared>(std::sync::Arc::clone(&value));
        assert_eq!(std::sync::Arc::strong_count(&value), 2);
        // SAFETY: `handle` holds a count until the `free_arc` below.
        unsafe {
            assert_eq!(try_ref_from_ptr(handle, "h").unwrap(), "config");
            let clone = clone_arc(handle, "h").unwrap();
            assert!(std::sync::Arc::ptr_eq(&clone, &value));
            assert_eq!(std::sync::Arc::strong_count(&value), 3);
            let second = to_arc::<test_shared>(clone);
            assert_eq!(second, handle);
            assert_eq!(std::sync::Arc::strong_count(&value), 3);
            free_arc(second);
            assert_eq!(std::sync::Arc::strong_count(&value), 2);
            free_arc(handle);
        }
        assert_eq!(std::sync::Arc::strong_count(&value), 1);
    }

    #[test]
    fn a_lent_handle_points_into_its_parent() {
        let mut parent = vec![10u32, 20, 30];
        let entry = lend::<test_borrowed>(&parent[1]);
        // SAFETY: `entry` points into `parent`, which outlives every use below.
        unsafe {
            assert_eq!(*try_ref_from_ptr(entry, "entry").unwrap(), 20);
        }
        let entry = (&mut parent[2] as *mut u32).cast::<test_borrowed>();
        // SAFETY: as above, and nothing else uses `parent[2]` meanwhile.
        unsafe { *try_mut_from_ptr(entry, "entry").unwrap() += 1 };
        assert_eq!(parent, [10, 20, 31]);
        // An owned kind may be lent from a parent too (the addresses of an addrinfo list).
        let owner = ["a".to_owned()];
        let lent = lend::<test_owned>(&owner[0]);
        // SAFETY: `lent` points into `owner`, alive here.
        assert_eq!(unsafe { try_ref_from_ptr(lent, "addr") }.unwrap(), "a");
    }

    #[test]
    fn a_panic_becomes_a_result_code() {
        let mut err = blank_error();
        let result = run("sgss_test", &mut err, || panic!("boom"));
        assert_eq!(result, sgss_result::Panic);
        assert_eq!(err.result, sgss_result::Panic as u32);
        assert!(message(&err).contains("panic"));
        run_void(|| panic!("swallowed"));
    }

    #[test]
    fn success_clears_the_error_and_null_err_is_fine() {
        let mut err = blank_error();
        assert_eq!(run("sgss_test", &mut err, || Ok(())), sgss_result::Ok);
        assert_eq!((err.result, err.code, message(&err).as_str()), (0, 0, ""));
        assert_eq!(
            run("sgss_test", std::ptr::null_mut(), || Err(Failure::Null(
                "x"
            ))),
            sgss_result::NullArgument
        );
    }

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        let mut err = blank_error();
        let long = "é".repeat(SGSS_ERROR_MESSAGE_SIZE);
        run("sgss_test", &mut err, || {
            Err(Failure::Invalid(long.clone()))
        });
        let text = message(&err);
        assert!(text.len() < SGSS_ERROR_MESSAGE_SIZE && text.len() >= SGSS_ERROR_MESSAGE_SIZE - 3);
        let cause = text.strip_prefix("sgss_test: ").expect("named");
        assert!(cause.chars().all(|c| c == 'é'));
    }

    #[test]
    fn messages_of_the_c_layer_name_the_exported_function() {
        // Found by the ffi_calls fuzz target: these said "argument name is NULL" and the
        // like, without the call that `sgss_error.message` promises to name.
        let mut err = blank_error();
        let mut value = 0;
        // SAFETY: NULL is checked; `value` and `err` are locals.
        unsafe { crate::constants::sgss_constant_by_name(std::ptr::null(), &mut value, &mut err) };
        assert_eq!(
            message(&err),
            "sgss_constant_by_name: argument name is NULL"
        );
        let mut received = 0;
        // SAFETY: as above.
        unsafe {
            crate::socket::sgss_socket_recv(
                std::ptr::null(),
                std::ptr::null_mut(),
                0,
                0,
                &mut received,
                &mut err,
            )
        };
        assert_eq!(message(&err), "sgss_socket_recv: argument socket is NULL");
        let mut buf = [0 as c_char; 1];
        let mut len = 0;
        // SAFETY: `buf` holds 1 byte; the rest are locals.
        unsafe { crate::errno::sgss_version(buf.as_mut_ptr(), 1, &mut len, &mut err) };
        assert!(message(&err).starts_with("sgss_version: the buffer holds 1 bytes"));
        // Errors from core already name their operation and stay as they are.
        let mut socket = std::ptr::null_mut();
        // SAFETY: `socket` and `err` are locals.
        unsafe { crate::socket::sgss_socket_new(-1, -1, 0, &mut socket, &mut err) };
        assert!(socket.is_null() && !message(&err).starts_with("sgss_"));
        assert!(message(&err).contains(": "));
    }

    #[test]
    fn function_names_come_from_the_item_path() {
        assert_eq!(
            function_name("sgssockets_ffi::socket::sgss_socket_recv::here"),
            "sgss_socket_recv"
        );
        assert_eq!(function_name("sgss_version"), "sgss_version");
    }

    #[test]
    fn result_numbers_convert_without_transmuting() {
        for code in 0..=10 {
            assert_eq!(sgss_result::from_u32(code).map(|r| r as u32), Some(code));
        }
        assert_eq!(sgss_result::from_u32(11), None);
        assert_eq!(sgss_result::from_u32(u32::MAX), None);
    }

    #[test]
    fn text_out_reports_the_length_it_needs() {
        let mut buf = [b'x' as c_char; 4];
        let mut len = 0usize;
        // SAFETY: `buf` holds 4 writable bytes and `len` is writable.
        let out = unsafe { TextOut::new(buf.as_mut_ptr(), buf.len(), &mut len) }.unwrap();
        assert!(matches!(
            out.write("abcd"),
            Err(Failure::TooSmall {
                needed: 5,
                given: 4
            })
        ));
        assert_eq!((len, buf[0]), (4, 0));
        // SAFETY: as above.
        let out = unsafe { TextOut::new(buf.as_mut_ptr(), buf.len(), &mut len) }.unwrap();
        out.write("abc").unwrap();
        assert_eq!(buf.map(|c| c as u8), *b"abc\0");
        // SAFETY: NULL with length 0 is allowed; `len` is writable.
        assert!(unsafe { TextOut::new(std::ptr::null_mut(), 0, &mut len) }.is_ok());
        // SAFETY: NULL pointers are checked, not dereferenced.
        assert!(unsafe { TextOut::new(std::ptr::null_mut(), 3, &mut len) }.is_err());
        // SAFETY: as above.
        assert!(unsafe { TextOut::new(buf.as_mut_ptr(), 4, std::ptr::null_mut()) }.is_err());
    }
}
