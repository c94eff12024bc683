//! A fleet sharing one account, in simulated time: with the admin's preset from the rule of
//! thumb, the syncs of all agents stay within the account's read budget, (almost) nothing is
//! refused, and every click is confirmed; the app as it was sends more reads than the account
//! allows (so this test can tell the two apart).

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use agent_bench::fleet::{FleetConfig, Policy, rule_of_thumb, run};

const AGENTS: usize = 60;
const READS: u32 = 60;

fn fleet(policy: Policy) -> agent_bench::fleet::FleetReport {
    run(&FleetConfig {
        agents: AGENTS,
        shift: Duration::from_secs(2 * 3600),
        reads_per_min: READS,
        writes_per_min: 60,
        policy,
        seed: 7,
    })
    .expect("the fleet ran")
}

#[test]
fn with_the_preset_a_fleets_syncs_stay_within_the_budget_and_every_click_is_confirmed() {
    assert_eq!(rule_of_thumb(AGENTS, READS), Duration::from_secs(75));
    let shared = fleet(Policy::preset(AGENTS, READS));
    assert!(shared.clicks > 4 * AGENTS, "a day's clicks were made: {}", shared.clicks);
    assert_eq!(shared.confirmed, shared.clicks, "failed: {:?}", shared.failures);
    assert!(
        shared.reads_max() <= u64::from(READS),
        "reads sent in the busiest minute: {} of {READS} allowed",
        shared.reads_max()
    );
    assert!(shared.limited_share() < 0.01, "429s: {:.2} %", shared.limited_share() * 100.0);
    assert!(shared.click_p99() < Duration::from_secs(2), "click p99 {:?}", shared.click_p99());
    assert_eq!(shared.mints, AGENTS as u64, "one token per agent for the day");
    // A change made elsewhere is seen within about one interval.
    assert!(!shared.notice_times.is_empty());
    assert!(shared.notice_p95() <= Duration::from_secs(75 + 10), "p95 {:?}", shared.notice_p95());

    let before = fleet(Policy::BEFORE);
    assert!(before.reads_max() > u64::from(READS), "the old app overran: {}", before.reads_max());
    assert!(before.limited_share() > 0.05, "and was refused: {:.2} %", before.limited_share() * 100.0);
}
