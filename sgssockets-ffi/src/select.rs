//! `sgss_socket_select`: select(2)'s meaning over arrays of socket handles, with no limit on
//! descriptor numbers or counts (core's poll-based `select`).

use sgssockets_core::{select, Socket};

use crate::boundary::{ffi_boundary, try_out, Handle};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;
use crate::wait::wait_from_secs;

/// One of the three lists: the caller's array and its count (in: entries, out: ready ones).
struct List<'a> {
    array: *mut *mut sgss_socket,
    count: *mut usize,
    sockets: Vec<&'a Socket>,
}

impl<'a> List<'a> {
    /// Borrows the sockets of one list.
    ///
    /// # Safety
    /// `count` is NULL or points at a writable count; when it is non-NULL and non-zero,
    /// `array` points at that many writable entries, each NULL or a live socket.
    unsafe fn new(
        array: *mut *mut sgss_socket,
        count: *mut usize,
        name: &'static str,
    ) -> Result<List<'a>, Failure> {
        let len = if count.is_null() {
            0
        } else {
            // SAFETY: `count` is not NULL, so it is readable (this function's contract).
            unsafe { count.read() }
        };
        if len > isize::MAX as usize / std::mem::size_of::<*mut sgss_socket>() {
            return Err(Failure::Invalid(format!("{name} count {len} is too large")));
        }
        let mut sockets = Vec::with_capacity(len);
        if len > 0 {
            if array.is_null() {
                return Err(Failure::Null(name));
            }
            for index in 0..len {
                // SAFETY: `array` holds `len` entries (this function's contract).
                let entry = unsafe { array.add(index).read() }.cast_const();
                // SAFETY: each entry is NULL or a live socket handle (the contract).
                let socket = unsafe { sgss_socket::borrow(entry) }
                    .ok_or_else(|| Failure::Invalid(format!("{name}[{index}] is NULL")))?;
                sockets.push(socket);
            }
        }
        Ok(List {
            array,
            count,
            sockets,
        })
    }

    /// Writes the ready sockets back to the front of the array and their number to the count.
    fn write_back(self) {
        if self.count.is_null() {
            return;
        }
        for (index, socket) in self.sockets.iter().enumerate() {
            // The caller's own (non-`const`) pointer, given back: the socket is not changed here.
            let handle = (*socket as *const Socket).cast::<sgss_socket>().cast_mut();
            // SAFETY: the ready sockets are a subset of the `*count` entries read in `new`,
            // so `index < *count` and the entry is writable.
            unsafe { self.array.add(index).write(handle) };
        }
        // SAFETY: `count` is not NULL, so it is writable (the contract of `new`); it is
        // written through the raw pointer, so two lists sharing one count are no problem.
        unsafe { self.count.write(self.sockets.len()) };
    }
}

/// Waits until a socket in `read` is readable (data, a connection to accept, or the end of
/// a stream), one in `write` writable, or one in `except` has an exceptional condition
/// (out-of-band data); or until `timeout` seconds pass (the rule of every call that waits,
/// see `SGSS_WAIT_FOREVER`: 0 polls once, `SGSS_WAIT_FOREVER` or `INFINITY` waits forever,
/// negative or NaN is `SGSS_RESULT_INVALID_ARGUMENT`).
///
/// The arrays are plain `sgss_socket *list[]` (no cast needed from C or C++): the sockets are
/// only read, the array itself is rewritten.
///
/// Each list is an array of socket handles with its count: `*read_count` entries of `read`,
/// and so on. A NULL count means an empty list (the array is then ignored). On success
/// each array is filtered in place to its ready sockets, in their original order, each
/// count is set to the number left, and `*out_ready` receives the total (0 on timeout,
/// with every count set to 0). There is no limit on descriptor numbers or list sizes.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out_ready`, an array with a non-zero count),
/// `SGSS_RESULT_INVALID_ARGUMENT` (a NULL entry, an impossible count, a negative or NaN
/// timeout), `SGSS_RESULT_CLOSED` (a closed socket in a list), `SGSS_RESULT_OS_ERROR`. On
/// error the arrays and counts are unchanged.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sgss_socket_select(
    read: *mut *mut sgss_socket,
    read_count: *mut usize,
    write: *mut *mut sgss_socket,
    write_count: *mut usize,
    except: *mut *mut sgss_socket,
    except_count: *mut usize,
    timeout: f64,
    out_ready: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out_ready);
        // SAFETY: the three `(array, count)` pairs are list arguments of this function, whose
        // caller promises what `List::new` needs.
        let (mut read, mut write, mut except) = unsafe {
            (
                List::new(read, read_count, "read")?,
                List::new(write, write_count, "write")?,
                List::new(except, except_count, "except")?,
            )
        };
        let wait = wait_from_secs(timeout)?;
        let ready = select(
            &mut read.sockets,
            &mut write.sockets,
            &mut except.sockets,
            wait,
        )
        .map_err(Failure::from)?;
        read.write_back();
        write.write_back();
        except.write_back();
        out.write(ready);
        Ok(())
    })
}

/// Deprecated: use `sgss_socket_select`, which takes natural `sgss_socket *list[]` arrays.
/// This old name keeps its `const sgss_socket *list[]` arrays and forwards to it, timeout
/// rule included (a negative timeout is `SGSS_RESULT_INVALID_ARGUMENT`, no longer forever).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sgss_select(
    read: *mut *const sgss_socket,
    read_count: *mut usize,
    write: *mut *const sgss_socket,
    write_count: *mut usize,
    except: *mut *const sgss_socket,
    except_count: *mut usize,
    timeout: f64,
    out_ready: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_socket_select`; an array of
    // `const sgss_socket *` has the layout of one of `sgss_socket *`, and the entries
    // written back are the caller's own pointers.
    unsafe {
        sgss_socket_select(
            read.cast(),
            read_count,
            write.cast(),
            write_count,
            except.cast(),
            except_count,
            timeout,
            out_ready,
            err,
        )
    }
}
