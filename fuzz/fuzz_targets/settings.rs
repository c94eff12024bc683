//! The settings file parser on arbitrary bytes: settings or a reason, never a panic; and what
//! parses serialises and parses back to the same settings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(settings) = agent_core::Settings::parse(data) {
        if let Ok(text) = toml::to_string(&settings) {
            assert_eq!(agent_core::Settings::parse(text.as_bytes()).ok(), Some(settings));
        }
    }
});
