//! Where the window opens: beside the pointer, on the monitor that holds it. The window is
//! opened from the tray (or its shortcut), so the pointer is where the agent just clicked: on
//! the tray, wherever the desktop keeps it (top right on GNOME, bottom right on Windows, top
//! on macOS). The window's corner nearest the pointer is put at the pointer, and the window
//! is kept inside the monitor's work area (clear of panels and the taskbar).

/// A rectangle in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// The gap kept between the window and the work area's edges.
pub const MARGIN: i32 = 8;

/// The top-left corner for a window of `size` opened with the pointer at `pointer`, in
/// `work` (the work area of the monitor under the pointer).
pub fn beside_pointer(pointer: (i32, i32), work: Area, size: (u32, u32)) -> (i32, i32) {
    let (px, py) = pointer;
    let (w, h) = (clamp_len(size.0), clamp_len(size.1));
    let (right_half, bottom_half) = (
        i64::from(px) * 2 > 2 * i64::from(work.x) + i64::from(work.width),
        i64::from(py) * 2 > 2 * i64::from(work.y) + i64::from(work.height),
    );
    let x = if right_half { px.saturating_sub(w) } else { px };
    let y = if bottom_half { py.saturating_sub(h) } else { py };
    (fit(x, w, work.x, clamp_len(work.width)), fit(y, h, work.y, clamp_len(work.height)))
}

fn clamp_len(len: u32) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

/// `start` moved so that `len` from it lies within `from..from + span` (less the margins);
/// at the near edge when it cannot.
fn fit(start: i32, len: i32, from: i32, span: i32) -> i32 {
    let low = from.saturating_add(MARGIN);
    let high = from.saturating_add(span).saturating_sub(MARGIN).saturating_sub(len);
    start.min(high).max(low)
}

/// The window's size when the agent has given it none (logical pixels).
pub const DEFAULT_SIZE: (u32, u32) = (420, 700);

/// The smallest size the window may have (logical pixels).
pub const MIN_SIZE: (u32, u32) = (360, 420);

/// A window size given as `420x700` (logical pixels), within sensible bounds.
pub fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once('x')?;
    let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    let ok = |v: u32, min: u32| (min..=10_000).contains(&v);
    (ok(w, MIN_SIZE.0) && ok(h, MIN_SIZE.1)).then_some((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: Area = Area { x: 0, y: 0, width: 1280, height: 800 };

    #[test]
    fn the_window_opens_beside_the_tray_wherever_it_is() {
        let size = (420, 700);
        // GNOME: the tray top right; the window below and to the left of the click.
        assert_eq!(beside_pointer((1250, 10), SCREEN, size), (830, 10));
        // Windows: bottom right, above the taskbar (the work area ends at 760).
        let work = Area { height: 760, ..SCREEN };
        assert_eq!(beside_pointer((1250, 780), work, size), (830, 760 - MARGIN - 700));
        // Top left (a panel on the left).
        assert_eq!(beside_pointer((5, 5), SCREEN, size), (MARGIN, MARGIN));
    }

    #[test]
    fn the_window_stays_on_the_monitor_under_the_pointer() {
        // A second monitor to the right, with its own origin.
        let second = Area { x: 1280, y: 0, width: 1920, height: 1080 };
        let (x, y) = beside_pointer((3190, 1070), second, (420, 700));
        assert!((1280..=3200 - 420).contains(&x) && (0..=1080 - 700).contains(&y), "({x}, {y})");
        // Larger than the monitor: at its top-left corner, not off screen.
        assert_eq!(beside_pointer((600, 400), SCREEN, (2000, 2000)), (MARGIN, MARGIN));
    }

    #[test]
    fn only_sensible_sizes_are_kept() {
        assert_eq!(parse_size("420x700"), Some((420, 700)));
        assert_eq!(parse_size(" 500x900"), Some((500, 900)));
        for bad in ["", "420", "x700", "10x10", "NaNx700", "420x99999", "-420x700", "500.5x900"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }
}
