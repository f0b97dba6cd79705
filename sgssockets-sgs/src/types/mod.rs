//! The module's object types, one file each: an [`crate::host::object::NativeType`]
//! implementation with its methods and properties.

pub mod address;
pub mod poller;
pub mod socket;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(feature = "tls")]
pub mod tls_context;
pub mod waitable;
