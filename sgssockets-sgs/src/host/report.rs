//! The one place where a call's outcome reaches the script: results are pushed through
//! [`Push`], and a [`Failure`] becomes at most one warning, the documented failure value
//! and `socket_error()`'s code, set *after* the warning was delivered so that a message
//! handler calling the module cannot overwrite it (SPEC §2, issue 11 item 14).

use std::ffi::{c_int, CStr};

use sgssockets_core::{Error, ErrorCategory};

use crate::host::context::Ctx;
use crate::last_error;

/// What a failed call returns to the script (SPEC §4: most methods `false`, those whose
/// success value is an object `null`, counts `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailValue {
    /// `false`.
    False,
    /// No result (the script sees `null`): global functions that make a value.
    Nothing,
    /// An explicit `null` result: methods whose success value is an object.
    Null,
    /// `-1`.
    MinusOne,
}

impl FailValue {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        match self {
            FailValue::False => ctx.push_bool(false),
            FailValue::Nothing => return 0,
            FailValue::Null => ctx.push_null(),
            FailValue::MinusOne => ctx.push_int(-1),
        }
        1
    }
}

/// Why a call failed, and how the script is told.
#[derive(Debug)]
pub enum Failure {
    /// A wrong argument type: SGScript's standard argument warning and `null`;
    /// `socket_error()` is left alone, nothing else happens (SPEC §4).
    ArgType {
        /// The stack item (0 is `this` in a method).
        item: i32,
        /// What was expected, as the warning says it (`"int"`, `"socket_address"`).
        expected: &'static CStr,
    },
    /// Too many arguments: SGScript's count warning and `null`.
    ArgCount {
        /// The fewest arguments the call takes.
        min: i32,
        /// The most.
        max: i32,
        /// How many were given.
        given: i32,
    },
    /// A warning alone: `socket_error()` is left alone (a value type's property that does
    /// not apply, such as `port` of a Unix address).
    Warning(String),
    /// A core error. With `warning`, the script gets that one warning; without, only the
    /// failure value and `socket_error()` (an OS outcome such as a receive timeout).
    Error {
        /// The error, whose code `socket_error()` reports.
        error: Error,
        /// The warning's text, if the failure warns.
        warning: Option<String>,
    },
}

/// The result of a call body.
pub type Outcome<T> = Result<T, Failure>;

impl Failure {
    /// A wrong argument type at stack `item`.
    pub fn arg_type(item: i32, expected: &'static CStr) -> Self {
        Failure::ArgType { item, expected }
    }

    /// A failure reported by the failure value and `socket_error()` only.
    pub fn quiet(error: Error) -> Self {
        Failure::Error {
            error,
            warning: None,
        }
    }

    /// A failure that warns with the error's own message ("socket is closed" for a closed
    /// socket).
    pub fn warn(error: Error) -> Self {
        let text = if error.is_closed() {
            "socket is closed".to_owned()
        } else {
            error.message().to_owned()
        };
        Failure::warn_with(error, text)
    }

    /// A failure that warns with `text`.
    pub fn warn_with(error: Error, text: impl Into<String>) -> Self {
        Failure::Error {
            error,
            warning: Some(text.into()),
        }
    }

    /// A bad argument value (as opposed to type): `EINVAL` and a warning saying what was
    /// wrong.
    pub fn invalid(operation: &'static str, text: impl Into<String>) -> Self {
        let text = text.into();
        Failure::warn_with(Error::invalid_input(operation, text.clone()), text)
    }

    /// A failure whose warning text gets `prefix` (a property name: the VM does not name
    /// properties in messages as it names functions).
    #[must_use]
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            Failure::Error {
                error,
                warning: Some(text),
            } => Failure::Error {
                error,
                warning: Some(format!("{prefix}: {text}")),
            },
            Failure::Warning(text) => Failure::Warning(format!("{prefix}: {text}")),
            other => other,
        }
    }

    /// Delivers the failure: at most one warning, then `socket_error()`'s code.
    pub fn report(self, ctx: &Ctx<'_>) {
        match self {
            Failure::ArgType { item, expected } => ctx.arg_error(item, expected),
            Failure::ArgCount { min, max, given } => {
                let text = if min == max {
                    format!("function expects exactly {max} arguments, {given} given")
                } else {
                    format!("function expects {min} to {max} arguments, {given} given")
                };
                ctx.warn(&text);
            }
            Failure::Warning(text) => ctx.warn(&text),
            Failure::Error { error, warning } => {
                if let Some(text) = warning {
                    ctx.warn(&text);
                }
                last_error::set_error(ctx, &error);
            }
        }
    }
}

/// A method's core error: a closed socket or a rejected value warns; what the OS said is
/// reported by the failure value and `socket_error()` alone (SPEC §4).
impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error.category() {
            ErrorCategory::Closed | ErrorCategory::InvalidInput => Failure::warn(error),
            ErrorCategory::Os | ErrorCategory::Resolver => Failure::quiet(error),
        }
    }
}

/// A value a call body returns, pushed onto the script's stack.
pub trait Push {
    /// Pushes the value; returns how many items were pushed.
    fn push_to(self, ctx: &Ctx<'_>) -> c_int;
}

/// The body pushed its results itself (e.g. received bytes straight from core's buffer);
/// the number is how many.
#[derive(Debug, Clone, Copy)]
pub struct Pushed(pub c_int);

impl Push for Pushed {
    fn push_to(self, _ctx: &Ctx<'_>) -> c_int {
        self.0
    }
}

/// `null`.
#[derive(Debug, Clone, Copy)]
pub struct Null;

impl Push for Null {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_null();
        1
    }
}

/// `true` for a call that returns nothing on success.
impl Push for () {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_bool(true);
        1
    }
}

impl Push for bool {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_bool(self);
        1
    }
}

impl Push for i64 {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_int(self);
        1
    }
}

/// A count or length (saturates at `i64::MAX`, which no count reaches).
impl Push for usize {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_int(i64::try_from(self).unwrap_or(i64::MAX));
        1
    }
}

impl Push for f64 {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_real(self);
        1
    }
}

impl Push for &str {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_str(self);
        1
    }
}

impl Push for String {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_str(&self);
        1
    }
}

/// Bytes as an SGScript string.
#[derive(Debug, Clone)]
pub struct Bytes(pub Vec<u8>);

impl Push for Bytes {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        ctx.push_bytes(&self.0);
        1
    }
}

/// A property's value, read while the object is borrowed and pushed after.
#[derive(Debug, Clone)]
pub enum Value {
    /// `null`.
    Null,
    /// A bool.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real.
    Real(f64),
    /// A string of bytes.
    Bytes(Vec<u8>),
    /// A text string.
    Text(String),
    /// An array of integers.
    Ints(Vec<i64>),
    /// An array of byte strings.
    ByteStrings(Vec<Vec<u8>>),
    /// A value the object holds (pushed with a new reference).
    Variable(crate::host::raw::sgs_Variable),
}

impl Push for Value {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        match self {
            Value::Null => Null.push_to(ctx),
            Value::Bool(v) => v.push_to(ctx),
            Value::Int(v) => v.push_to(ctx),
            Value::Real(v) => v.push_to(ctx),
            Value::Bytes(v) => Bytes(v).push_to(ctx),
            Value::Text(v) => v.push_to(ctx),
            Value::Ints(v) => v.push_to(ctx),
            Value::ByteStrings(v) => v.into_iter().map(Bytes).collect::<Vec<_>>().push_to(ctx),
            Value::Variable(v) => {
                ctx.push_variable(&v);
                1
            }
        }
    }
}

/// `None` is `null`.
impl<T: Push> Push for Option<T> {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        match self {
            Some(value) => value.push_to(ctx),
            None => Null.push_to(ctx),
        }
    }
}

/// Two results (`accept`'s socket and address, `recvfrom`'s data and sender).
impl<A: Push, B: Push> Push for (A, B) {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        self.0.push_to(ctx) + self.1.push_to(ctx)
    }
}

/// An array of values.
impl<T: Push> Push for Vec<T> {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        let count = self.len();
        for item in self {
            item.push_to(ctx);
        }
        ctx.make_array(i32::try_from(count).unwrap_or(i32::MAX));
        1
    }
}

/// Finishes a call: pushes the value and records success (0) in `socket_error()` when
/// `records` is set, or reports the failure and pushes `fail`. Returns the result count.
pub fn finish<T: Push>(
    ctx: &Ctx<'_>,
    outcome: Outcome<T>,
    fail: FailValue,
    records: bool,
) -> c_int {
    match outcome {
        Ok(value) => {
            if records {
                last_error::set(ctx, 0);
            }
            value.push_to(ctx)
        }
        Err(failure) => {
            // An argument error returns nothing (the script sees `null`), as SGScript's own
            // argument checks do.
            let value = match failure {
                Failure::ArgType { .. } | Failure::ArgCount { .. } => None,
                Failure::Error { .. } | Failure::Warning(_) => Some(fail),
            };
            failure.report(ctx);
            value.map_or(0, |value| value.push_to(ctx))
        }
    }
}
