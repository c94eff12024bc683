//! Idle on Windows: `GetLastInputInfo`.
#![allow(unsafe_code)] // the Win32 calls below, each with its SAFETY comment

use std::time::Duration;

use windows::Win32::System::SystemInformation::GetTickCount;
use windows::Win32::UI::Input::KeyboardAndMouse::{GetLastInputInfo, LASTINPUTINFO};

use super::IdleSource;
use crate::OsError;

/// The time since the last keyboard or mouse input in this session, from `GetLastInputInfo`
/// (milliseconds on the tick counter, which wraps every 49.7 days: the difference is taken
/// on the wrapping counter).
#[derive(Debug, Default, Clone, Copy)]
pub struct LastInput;

impl IdleSource for LastInput {
    fn idle_for(&self) -> Option<Duration> {
        let size = u32::try_from(std::mem::size_of::<LASTINPUTINFO>()).ok()?;
        let mut info = LASTINPUTINFO { cbSize: size, dwTime: 0 };
        // SAFETY: `info` is a LASTINPUTINFO with its size set, as the call requires.
        if !unsafe { GetLastInputInfo(&raw mut info) }.as_bool() {
            return None;
        }
        // SAFETY: no arguments; reads the tick counter.
        let now = unsafe { GetTickCount() };
        Some(Duration::from_millis(u64::from(now.wrapping_sub(info.dwTime))))
    }
    fn name(&self) -> &'static str {
        "Windows (GetLastInputInfo)"
    }
}

/// The idle source on Windows, if it answers.
pub fn connect_source() -> Result<Box<dyn IdleSource>, OsError> {
    super::if_answering(LastInput)
}
