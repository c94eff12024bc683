//! Where the window opens, over random monitors, pointers and sizes: on any monitor layout
//! (origins far from zero, negative ones left of or above the primary), with the pointer
//! anywhere on it and a window of any size, the window is inside the work area, clear of its
//! margins, whenever it fits; at the area's top-left margin when it does not; it reaches the
//! pointer and opens from it toward the monitor's middle, so beside the tray that was clicked. A size the agent gave is read
//! back exactly when it is within bounds.

use agent_core::placement::{Area, MARGIN, MIN_SIZE, beside_pointer, parse_size};
use proptest::prelude::*;

fn area() -> impl Strategy<Value = Area> {
    (-20_000i32..20_000, -20_000i32..20_000, 200u32..8_000, 200u32..5_000)
        .prop_map(|(x, y, width, height)| Area { x, y, width, height })
}

/// A work area, a pointer on it (anywhere, margins included) and a window size.
fn case() -> impl Strategy<Value = (Area, (i32, i32), (u32, u32))> {
    area().prop_flat_map(|a| {
        let right = a.x + i32::try_from(a.width).unwrap_or(i32::MAX) - 1;
        let bottom = a.y + i32::try_from(a.height).unwrap_or(i32::MAX) - 1;
        (Just(a), (a.x..=right, a.y..=bottom), (1u32..10_000, 1u32..10_000))
    })
}

/// The span `start..start + len` checked against `from..from + span` on one axis.
fn axis(start: i32, len: u32, pointer: i32, from: i32, span: u32) -> Result<(), String> {
    let (start, len, pointer, from, span) =
        (i64::from(start), i64::from(len), i64::from(pointer), i64::from(from), i64::from(span));
    let margin = i64::from(MARGIN);
    if len + 2 * margin > span {
        return if start == from + margin {
            Ok(())
        } else {
            Err(format!("too large for the area, yet not at its margin: {start}"))
        };
    }
    if start < from + margin || start + len > from + span - margin {
        return Err(format!(
            "{start}..{} is outside {}..{}",
            start + len,
            from + margin,
            from + span - margin
        ));
    }
    let pointer_clear = (from + margin..=from + span - margin).contains(&pointer);
    if pointer_clear && !(start..=start + len).contains(&pointer) {
        return Err(format!("{start}..{} does not reach the pointer at {pointer}", start + len));
    }
    // It opens from the pointer toward the middle of the monitor (a tray at the right edge
    // opens it leftwards), moved only as far as the margins make it.
    let (low, high) = (from + margin, from + span - margin - len);
    let toward_middle = if 2 * pointer > 2 * from + span {
        start + len <= pointer.max(low + len)
    } else {
        start >= pointer.min(high)
    };
    if !toward_middle {
        return Err(format!("{start}..{} opens away from the middle, pointer at {pointer}", start + len));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_window_opens_inside_the_work_area_and_beside_the_pointer((work, pointer, size) in case()) {
        let (x, y) = beside_pointer(pointer, work, size);
        let horizontal = axis(x, size.0, pointer.0, work.x, work.width);
        let vertical = axis(y, size.1, pointer.1, work.y, work.height);
        prop_assert!(horizontal.is_ok(), "across: {:?}", horizontal);
        prop_assert!(vertical.is_ok(), "down: {:?}", vertical);
    }

    #[test]
    fn whatever_the_os_reports_the_window_never_starts_off_the_area(
        x in any::<i32>(), y in any::<i32>(), width in any::<u32>(), height in any::<u32>(),
        px in any::<i32>(), py in any::<i32>(), w in any::<u32>(), h in any::<u32>(),
    ) {
        // Sizes and origins at the ends of their types: no overflow (a panic would take the
        // window down with it), and the window's corner is never left of or above the area.
        let (left, top) = beside_pointer((px, py), Area { x, y, width, height }, (w, h));
        prop_assert!(left >= x.saturating_add(MARGIN) && top >= y.saturating_add(MARGIN), "({left}, {top})");
    }

    #[test]
    fn a_size_is_read_back_exactly_when_it_is_within_bounds(w in 0u32..20_000, h in 0u32..20_000) {
        let within = (MIN_SIZE.0..=10_000).contains(&w) && (MIN_SIZE.1..=10_000).contains(&h);
        prop_assert_eq!(parse_size(&format!("{w}x{h}")), within.then_some((w, h)));
    }
}
