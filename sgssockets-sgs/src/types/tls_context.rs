//! The `socket_tls_context` object type (SPEC §8): a client or server configuration built
//! once from an options dict by `socket_tls_client_context(opts)` /
//! `socket_tls_server_context(opts)`, then shared by every `socket_tls` made with it.
//!
//! Options are read strictly: an unknown name, a value of the wrong type (a boolean option
//! given `"no"`) or bad PEM is a warning naming the option, and `null`.

use std::ffi::{c_int, CStr};

use sgssockets_core::tls::{ClientConfig, ClientOptions, Roots, ServerConfig, ServerOptions};

use crate::host::context::Ctx;
use crate::host::object::{native_interface, object_at, push_object, NativeType};
use crate::host::raw;
use crate::host::report::{Failure, Outcome, Push, Value};

/// The data of a `socket_tls_context` object.
#[derive(Debug)]
pub enum TlsContextObject {
    /// Made by `socket_tls_client_context`.
    Client(ClientConfig),
    /// Made by `socket_tls_server_context`.
    Server(ServerConfig),
}

impl Push for TlsContextObject {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        push_object(ctx, self);
        1
    }
}

/// The `socket_tls_context` object at stack `item`, if it is one.
pub fn tls_context_at<'call>(ctx: &Ctx<'call>, item: i32) -> Option<&'call TlsContextObject> {
    object_at::<TlsContextObject>(ctx, item)
}

impl TlsContextObject {
    fn side(&self) -> &'static str {
        match self {
            TlsContextObject::Client(_) => "client",
            TlsContextObject::Server(_) => "server",
        }
    }
}

impl NativeType for TlsContextObject {
    const NAME: &'static CStr = c"socket_tls_context";
    native_interface!(TlsContextObject);

    fn get_property(&self, _ctx: &Ctx<'_>, name: &str) -> Option<Outcome<Value>> {
        (name == "side").then(|| Ok(Value::Text(self.side().to_owned())))
    }

    fn to_text(&self) -> Option<String> {
        Some("socket_tls_context".to_owned())
    }

    fn dump(&self) -> String {
        format!("socket_tls_context ({})", self.side())
    }
}

/// `socket_tls_client_context([opts])`.
pub fn socket_tls_client_context(ctx: &Ctx<'_>) -> Outcome<TlsContextObject> {
    const OP: &str = "socket_tls_client_context";
    let mut options = ClientOptions::default();
    read_options(ctx, |name, item| {
        match name {
            "roots" => {
                let text = text_option(ctx, OP, name, item)?;
                options.roots = match text.as_str() {
                    "system" => Roots::System,
                    "mozilla" => Roots::Mozilla,
                    _ if text.contains("-----BEGIN") => Roots::Pem(text),
                    _ => {
                        return Err(Failure::invalid(
                            OP,
                            "option 'roots' must be \"system\", \"mozilla\" or PEM text",
                        ))
                    }
                };
            }
            "alpn" => options.alpn = strings_option(ctx, OP, name, item)?,
            "cipher_suites" => options.cipher_suites = suites_option(ctx, OP, item)?,
            "client_cert" => options.client_cert = Some(text_option(ctx, OP, name, item)?),
            "client_key" => options.client_key = Some(text_option(ctx, OP, name, item)?),
            "insecure_skip_verify" => {
                options.insecure_skip_verify = bool_option(ctx, OP, name, item)?;
            }
            _ => return Err(unknown_option(OP, name)),
        }
        Ok(())
    })?;
    let config = ClientConfig::new(&options).map_err(config_failure)?;
    Ok(TlsContextObject::Client(config))
}

/// `socket_tls_server_context(opts)`: `cert` and `key` are required.
pub fn socket_tls_server_context(ctx: &Ctx<'_>) -> Outcome<TlsContextObject> {
    const OP: &str = "socket_tls_server_context";
    let mut options = ServerOptions::default();
    read_options(ctx, |name, item| {
        match name {
            "cert" => options.cert = text_option(ctx, OP, name, item)?,
            "key" => options.key = text_option(ctx, OP, name, item)?,
            "alpn" => options.alpn = strings_option(ctx, OP, name, item)?,
            "cipher_suites" => options.cipher_suites = suites_option(ctx, OP, item)?,
            "client_ca" => options.client_ca = Some(text_option(ctx, OP, name, item)?),
            _ => return Err(unknown_option(OP, name)),
        }
        Ok(())
    })?;
    let config = ServerConfig::new(&options).map_err(config_failure)?;
    Ok(TlsContextObject::Server(config))
}

/// Visits each entry of the options dict (argument 0: a dict, or absent/`null` for none).
fn read_options(ctx: &Ctx<'_>, visit: impl FnMut(&str, i32) -> Outcome<()>) -> Outcome<()> {
    if ctx.is_null(0) {
        return Ok(());
    }
    let dict = ctx.variable_at(0);
    if !ctx.is_dict(&dict) {
        return Err(Failure::arg_type(0, c"dict (options)"));
    }
    ctx.for_each_dict_entry(&dict, visit)
}

fn unknown_option(operation: &'static str, name: &str) -> Failure {
    Failure::invalid(operation, format!("unknown option '{name}'"))
}

/// A string option, copied (its stack item goes after the visit).
fn text_option(ctx: &Ctx<'_>, operation: &'static str, name: &str, item: i32) -> Outcome<String> {
    if ctx.item_type(item) != raw::SGS_VT_STRING {
        return Err(Failure::invalid(
            operation,
            format!("option '{name}' must be a string"),
        ));
    }
    ctx.str_at(item)
        .map(str::to_owned)
        .ok_or_else(|| Failure::invalid(operation, format!("option '{name}' is not valid UTF-8")))
}

/// A boolean option: only `true` or `false` (`"no"` is not a boolean).
fn bool_option(ctx: &Ctx<'_>, operation: &'static str, name: &str, item: i32) -> Outcome<bool> {
    match ctx.item_type(item) {
        raw::SGS_VT_BOOL => Ok(ctx.bool_at(item).unwrap_or(false)),
        _ => Err(Failure::invalid(
            operation,
            format!("option '{name}' must be true or false"),
        )),
    }
}

/// An array of strings (`alpn`, `cipher_suites`), copied. Core checks the items' contents.
fn strings_option(
    ctx: &Ctx<'_>,
    operation: &'static str,
    name: &str,
    item: i32,
) -> Outcome<Vec<Vec<u8>>> {
    let bad = || {
        Failure::invalid(
            operation,
            format!("option '{name}' must be an array of strings"),
        )
    };
    let array = ctx.variable_at(item);
    let len = ctx.array_len(&array).ok_or_else(bad)?;
    (0..len)
        .map(|index| {
            let value = ctx.array_item(&array, index).ok_or_else(bad)?;
            ctx.variable_bytes(value.variable()).ok_or_else(bad)
        })
        .collect()
}

/// `cipher_suites`: IANA names.
fn suites_option(ctx: &Ctx<'_>, operation: &'static str, item: i32) -> Outcome<Vec<String>> {
    let names = strings_option(ctx, operation, "cipher_suites", item)?;
    Ok(names
        .into_iter()
        .map(|name| String::from_utf8_lossy(&name).into_owned())
        .collect())
}

/// Core's configuration error (bad PEM, an unusable key) as a warning: its text starts
/// with the option's name (`"key: ..."`).
fn config_failure(err: sgssockets_core::Error) -> Failure {
    Failure::warn(err)
}
