//! The commands the page may call:
//! - [`names`]: their names, one list for `build.rs`, the capability and the parser;
//! - [`command`]: the typed enum a call is parsed into, once;
//! - [`dispatch`]: the answer to each, a thin call into the core.

pub mod command;
pub mod dispatch;
#[cfg(test)]
pub mod names;
