//! A floor locks during an outage, in simulated time: with the away-offline owed and retried,
//! every agent is offline within a bound once Exotel answers again (the account's writes a
//! minute set it: one offline each), and the account's limit holds (never more served than it
//! allows); the app as it was (one attempt) leaves most of them receiving calls (so this test
//! can tell the two apart).

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use agent_bench::outage::{OutageConfig, run};

const AGENTS: usize = 120;
const WRITES: u32 = 60;

fn floor(retried: bool) -> agent_bench::outage::OutageReport {
    run(&OutageConfig {
        agents: AGENTS,
        outage: Duration::from_secs(5 * 60),
        reads_per_min: 120,
        writes_per_min: WRITES,
        seed: 11,
        retried,
    })
    .expect("the floor ran")
}

#[test]
fn after_an_outage_every_locked_agent_is_offline_within_the_accounts_pace() {
    let owed = floor(true);
    assert_eq!(owed.not_offline, 0, "every agent offline");
    assert_eq!(owed.offline_after.len(), AGENTS);
    // One write each at 60 a minute: two minutes at best; a minute of slack for the spread
    // and the longest wait between attempts.
    let bound = Duration::from_secs(60 * (AGENTS as u64).div_ceil(u64::from(WRITES)) + 120);
    assert!(owed.offline_max() <= bound, "max {:?} > {bound:?}", owed.offline_max());
    for m in &owed.per_minute {
        assert!(m.writes - m.limited_writes <= u64::from(WRITES), "served past the limit: {m:?}");
    }

    let before = floor(false);
    assert!(before.not_offline > AGENTS / 2, "one attempt: most stay on ({})", before.not_offline);
}
