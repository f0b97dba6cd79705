//! The C boundary: the panic guard around every exported body, and the only places where
//! pointers from C become Rust references (handles, NUL-terminated text, `(ptr, len)`
//! slices, out-parameters and caller buffers).
//!
//! Every exported function is written out in full (cbindgen reads the source, it does not
//! expand macros); its body is `ffi_boundary!(err, { ... })` and it turns each pointer
//! argument into a reference with one of the `try_*!` macros before doing anything else,
//! so a NULL argument is reported before any side effect.

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
            $crate::boundary::function_name(::std::any::type_name_of_val(&here)),
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

/// Borrows the Rust value behind a handle argument, or returns `Failure::Null` naming it.
macro_rules! try_ref {
    ($ptr:ident) => {
        // SAFETY: `$ptr` is a handle argument of an exported function; its caller promises
        // it is NULL or a live handle (the crate-level safety contract).
        match unsafe { $crate::boundary::Handle::borrow($ptr) } {
            Some(value) => value,
            None => return Err($crate::result::Failure::Null(stringify!($ptr))),
        }
    };
}

/// Borrows the Rust value behind a handle argument mutably, or returns `Failure::Null`.
macro_rules! try_mut {
    ($ptr:ident) => {
        // SAFETY: `$ptr` is a handle argument of an exported function; its caller promises
        // it is NULL or a live handle that no other call uses meanwhile.
        match unsafe { $crate::boundary::Handle::borrow_mut($ptr) } {
            Some(value) => value,
            None => return Err($crate::result::Failure::Null(stringify!($ptr))),
        }
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
    ffi_boundary, ffi_boundary_void, try_bytes_out, try_mut, try_out, try_ref, try_slice,
    try_slice_mut, try_str, try_text_out,
};

/// See [`ffi_boundary!`]. `function` is the exported function's name, for messages.
pub fn run(
    function: &str,
    err: *mut sgss_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> sgss_result {
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

/// An opaque C handle type (`sgss_socket`, ...) that points at a boxed Rust value.
///
/// The handle pointer *is* the `Box<Target>` pointer, cast; handles are made only by
/// [`Handle::into_handle`] and destroyed only by [`Handle::take`].
pub trait Handle: Sized {
    /// The Rust type behind the handle.
    type Target;

    /// Boxes `value` and gives the C caller ownership of it.
    fn into_handle(value: Self::Target) -> *mut Self {
        Box::into_raw(Box::new(value)).cast::<Self>()
    }

    /// Borrows the value behind a handle, `None` for NULL.
    ///
    /// # Safety
    /// `ptr` is NULL or a live handle made by `into_handle`, not used mutably meanwhile.
    unsafe fn borrow<'a>(ptr: *const Self) -> Option<&'a Self::Target> {
        // SAFETY: a non-NULL handle was made by `into_handle` and not yet freed (the C
        // contract of every handle argument), so it points at a live `Target`; shared use
        // from several threads is allowed for the handle types that document it.
        unsafe { ptr.cast::<Self::Target>().as_ref() }
    }

    /// Borrows the value behind a handle mutably, `None` for NULL.
    ///
    /// # Safety
    /// `ptr` is NULL or a live handle made by `into_handle` that nothing else uses meanwhile.
    unsafe fn borrow_mut<'a>(ptr: *mut Self) -> Option<&'a mut Self::Target> {
        // SAFETY: as in `borrow`; in addition the C contract of every function taking a
        // non-const handle is that no other call uses the handle at the same time.
        unsafe { ptr.cast::<Self::Target>().as_mut() }
    }

    /// Takes back ownership from C (for `_free`), `None` for NULL.
    ///
    /// # Safety
    /// `ptr` is NULL or a live handle made by `into_handle`, never used again afterwards.
    unsafe fn take(ptr: *mut Self) -> Option<Box<Self::Target>> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: a non-NULL handle came from `Box::into_raw` in `into_handle`, and the C
        // contract of `_free` is that it is called once, after every other use.
        Some(unsafe { Box::from_raw(ptr.cast::<Self::Target>()) })
    }
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
