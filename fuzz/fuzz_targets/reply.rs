//! The reply parser (envelope and user, and the token reply) on arbitrary bytes and statuses:
//! it must return a value or an error, never panic; and a parsed user's availability is always
//! one of the four, derived without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        // The first byte picks a status among the interesting ones.
        Some((s, rest)) => ([200u16, 400, 401, 404, 429, 500, 502, 503][usize::from(*s) % 8], rest),
        None => (200, data),
    };
    if let Ok(user) = exotel_api::parse_user_reply(status, body) {
        let _ = user.availability();
        let _ = user.display_name();
    }
    let _ = exotel_api::parse_token_reply(status, body);
});
