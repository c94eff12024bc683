//! Idle on macOS: `CGEventSourceSecondsSinceLastEventType`.

use std::time::Duration;

use objc2_core_graphics::{CGEventSource, CGEventSourceStateID, CGEventType};

use super::IdleSource;
use crate::OsError;

/// The time since the last keyboard or mouse input in this login session, from
/// `CGEventSourceSecondsSinceLastEventType` (any input event type).
#[derive(Debug, Default, Clone, Copy)]
pub struct EventSourceIdle;

/// `kCGAnyInputEventType`.
const ANY_INPUT: CGEventType = CGEventType(u32::MAX);

impl IdleSource for EventSourceIdle {
    fn idle_for(&self) -> Option<Duration> {
        let seconds = CGEventSource::seconds_since_last_event_type(
            CGEventSourceStateID::CombinedSessionState,
            ANY_INPUT,
        );
        Duration::try_from_secs_f64(seconds).ok()
    }
    fn name(&self) -> &'static str {
        "macOS (CGEventSource)"
    }
}

/// The idle source on macOS, if it answers.
pub fn connect_source() -> Result<Box<dyn IdleSource>, OsError> {
    super::if_answering(EventSourceIdle)
}
