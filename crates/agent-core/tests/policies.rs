//! The organisation's policies in the agent: an enforced rule holds over the agent's own
//! choice (saved before it, or written into their file later), a change to it is refused, a
//! default applies until the agent chooses, and an enforced account field or a sandbox not
//! allowed refuse the sign-in.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use agent_core::policy::{Policies, Source, Tier};
use agent_core::{Agent, AwayEvent, ControllerConfig, CoreError, Preferences, SignInInput, Target};
use exotel_api::{Device, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID};
use serde_json::json;
use support::World;

fn policies(enforced: &[(&str, serde_json::Value)], defaults: &[(&str, serde_json::Value)]) -> Policies {
    let tier = |tier, values: &[(&str, serde_json::Value)]| Source {
        origin: format!("test {tier:?}"),
        tier: Some(tier),
        values: values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
    };
    Policies::from_sources(&[tier(Tier::Enforced, enforced), tier(Tier::Default, defaults)])
}

async fn agent(world: &World, policies: Policies) -> Arc<Agent> {
    let accounts = agent_core::Accounts::new(agent_core::Keyring::default(), world.settings());
    let agent = Arc::new(Agent::new(accounts, ControllerConfig::default()).with_policies(policies));
    let input = SignInInput {
        host: world.sandbox.url(),
        app_id: DEMO_APP_ID.into(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.into(),
    };
    agent.sign_in_in_memory(input).await.unwrap();
    agent
}

#[tokio::test]
async fn an_enforced_rule_holds_over_the_agents_own_choice_and_a_lock_obeys_it() {
    let world = World::new().await;
    // The agent chose "not on lock" before the organisation's rule came.
    let before = agent(&world, Policies::default()).await;
    before.set_preferences(Preferences { offline_on_lock: false, ..Preferences::default() }).unwrap();
    drop(before);
    let agent = agent(&world, policies(&[("offline_on_lock", json!(true))], &[])).await;
    assert!(agent.preferences().offline_on_lock, "enforced over the agent's own choice");
    let refused = agent.set_preferences(Preferences { offline_on_lock: false, ..agent.preferences() });
    assert_eq!(refused.err(), Some(CoreError::Enforced { setting: "offline_on_lock".into() }));
    assert!(agent.preferences().offline_on_lock);
    // The agent's own file edited by hand: still enforced, at the next look and at a lock.
    world.settings().update(|s| s.preferences.offline_on_lock = false).unwrap();
    agent.change(Target::Receiving(Device::Phone), agent_core::Source::Tray).await.unwrap();
    assert!(agent.preferences().offline_on_lock, "a file edit cannot undo an enforced value");
    agent.away(AwayEvent::Locked).await.unwrap().unwrap();
    assert_eq!(world.active(), None, "offline at the lock");
    // Other settings stay the agent's.
    let mine = agent.set_preferences(Preferences { offline_on_sleep: true, ..agent.preferences() }).unwrap();
    assert!(mine.offline_on_sleep && mine.offline_on_lock);
}

#[tokio::test]
async fn a_default_applies_until_the_agent_chooses_and_a_later_default_still_applies_to_the_rest() {
    let world = World::new().await;
    let first =
        agent(&world, policies(&[], &[("idle_minutes", json!(15)), ("notify_elsewhere", json!(false))]))
            .await;
    assert_eq!((first.preferences().idle_minutes, first.preferences().notify_elsewhere), (15, false));
    // Saving the window unchanged makes nothing the agent's own: the defaults still apply.
    first.set_preferences(first.preferences()).unwrap();
    let chosen = first.set_preferences(Preferences { idle_minutes: 25, ..first.preferences() }).unwrap();
    assert_eq!(chosen.idle_minutes, 25);
    drop(first);
    // The organisation changes its defaults: the agent's choice stays, the rest follows.
    let later =
        agent(&world, policies(&[], &[("idle_minutes", json!(5)), ("notify_elsewhere", json!(true))])).await;
    assert_eq!(later.preferences().idle_minutes, 25, "the agent's own choice beats a default");
    assert!(
        later.preferences().notify_elsewhere,
        "a default the agent never touched follows the organisation"
    );
}

#[tokio::test]
async fn an_enforced_account_field_and_a_sandbox_not_allowed_refuse_the_sign_in() {
    let world = World::new().await;
    let p = policies(
        &[("host", json!("https://integrationscore.mum1.exotel.com")), ("sandbox_allowed", json!(false))],
        &[],
    );
    let accounts = agent_core::Accounts::new(agent_core::Keyring::default(), world.settings());
    let agent = Agent::new(accounts, ControllerConfig::default()).with_policies(p);
    let input = || SignInInput {
        host: world.sandbox.url(),
        app_id: DEMO_APP_ID.into(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.into(),
    };
    assert_eq!(agent.sign_in(input()).await.err(), Some(CoreError::Enforced { setting: "host".into() }));
    assert_eq!(
        agent.sign_in_sandbox(input()).await.err(),
        Some(CoreError::Enforced { setting: "sandbox_allowed".into() })
    );
    assert!(!agent.status().signed_in, "nothing signed in");
    let form = agent.sign_in_defaults();
    assert_eq!(
        (form.host.as_str(), form.enforced.clone(), form.sandbox_allowed),
        ("https://integrationscore.mum1.exotel.com", vec!["host".to_owned()], false)
    );
}
