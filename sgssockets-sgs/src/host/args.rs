//! Reading a call's arguments: each reader returns the value or the [`Failure`] that
//! reports it, so a body stops at its first bad argument with `?` and the report happens
//! once, in [`crate::host::report`].

use std::time::Duration;

use sgssockets_core::{convert, MsgFlags};

use crate::host::context::Ctx;
use crate::host::raw;
use crate::host::report::{Failure, Outcome};

impl<'call> Ctx<'call> {
    /// A required integer argument (converted as SGScript does).
    pub fn arg_int(&self, item: i32) -> Outcome<i64> {
        self.int_at(item).ok_or(Failure::arg_type(item, c"int"))
    }

    /// A required integer argument that must fit `T` (an OS integer type); a value outside
    /// it is refused, never truncated (SPEC §10). `what` names it for the warning.
    pub fn arg_int_in<T: TryFrom<i64>>(
        &self,
        item: i32,
        operation: &'static str,
        what: &str,
    ) -> Outcome<T> {
        let value = self.arg_int(item)?;
        T::try_from(value).map_err(|_| {
            Failure::invalid(
                operation,
                format!(
                    "argument {} ({what}) is out of range: {value}",
                    self.arg_number(item)
                ),
            )
        })
    }

    /// An optional integer argument: `None` when absent or `null`.
    pub fn arg_optional_int(&self, item: i32) -> Outcome<Option<i64>> {
        if self.is_null(item) {
            return Ok(None);
        }
        self.arg_int(item).map(Some)
    }

    /// An optional bool argument: `false` when absent or `null` (strings are refused).
    pub fn arg_optional_bool(&self, item: i32) -> Outcome<bool> {
        if self.is_null(item) {
            return Ok(false);
        }
        self.bool_at(item).ok_or(Failure::arg_type(item, c"bool"))
    }

    /// A required real argument.
    pub fn arg_real(&self, item: i32) -> Outcome<f64> {
        self.real_at(item).ok_or(Failure::arg_type(item, c"real"))
    }

    /// A required string argument (an actual string: no conversion from other types).
    pub fn arg_bytes(&self, item: i32) -> Outcome<&'call [u8]> {
        if self.item_type(item) != raw::SGS_VT_STRING {
            return Err(Failure::arg_type(item, c"string"));
        }
        self.bytes_at(item)
            .ok_or(Failure::arg_type(item, c"string"))
    }

    /// A string argument, or `null` (present) for none.
    pub fn arg_optional_text(&self, item: i32) -> Outcome<Option<&'call str>> {
        if item >= self.stack_size() {
            return Err(Failure::arg_type(item, c"string"));
        }
        if self.is_null(item) {
            return Ok(None);
        }
        self.str_at(item)
            .map(Some)
            .ok_or(Failure::arg_type(item, c"string"))
    }

    /// The optional `flags` argument of sends and receives (no flags when absent): a value
    /// outside the C `int` range is refused.
    pub fn arg_msg_flags(&self, item: i32, operation: &'static str) -> Outcome<MsgFlags> {
        if self.is_null(item) {
            return Ok(MsgFlags::empty());
        }
        let bits: i32 = self.arg_int_in(item, operation, "MSG_* flags")?;
        Ok(MsgFlags::from_bits_retain(bits))
    }

    /// A timeout argument of a call that waits (SPEC §10): seconds; 0 does not wait; too
    /// large for the OS waits forever (`None`); negative or NaN is refused, with a warning
    /// naming `what`.
    pub fn arg_wait_timeout(
        &self,
        item: i32,
        operation: &'static str,
        what: &str,
    ) -> Outcome<Option<Duration>> {
        let secs = self.arg_real(item)?;
        convert::wait_timeout_from_secs(secs).map_err(|_| {
            Failure::invalid(
                operation,
                format!("{what} must be 0 or more seconds, got {secs}"),
            )
        })
    }

    /// How messages number the argument at stack `item` (from 1, without a method's object).
    pub fn arg_number(&self, item: i32) -> i32 {
        item + 1 - i32::from(self.object_first())
    }

    /// Checks the argument count (without the object of a method): at most `max`. Too few
    /// is reported by the first missing argument's type check, as SGScript does.
    pub fn check_arg_count(&self, min: i32, max: i32) -> Outcome<()> {
        let given = self.stack_size() - i32::from(self.object_first());
        if given > max {
            return Err(Failure::ArgCount { min, max, given });
        }
        Ok(())
    }
}
