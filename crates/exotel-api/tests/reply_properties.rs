//! Properties of the reply parser over generated input: no input makes it panic, a valid user
//! always parses with the contract's availability, and no error message repeats a secret.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use exotel_api::{Availability, Device, parse_token_reply, parse_user_reply};
use proptest::prelude::*;
use serde_json::json;

/// The contract's rule, written again independently of the crate's.
fn contract(active: &str, phone: &str, sip: &str) -> Availability {
    if active.is_empty() {
        Availability::Offline
    } else if active == phone && active != sip {
        Availability::Receiving(Device::Phone)
    } else if active == sip && active != phone {
        Availability::Receiving(Device::Sip)
    } else {
        Availability::Unknown
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_and_status_give_a_value_or_an_error(
        status in 0u16..1000,
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let user = parse_user_reply(status, &body);
        let token = parse_token_reply(status, &body);
        // A value only from a 2xx reply whose body is the envelope (JSON) with Data.
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let has_data = json.as_ref().and_then(|j| j.get("Data")).is_some_and(|d| !d.is_null());
        for ok in [user.is_ok(), token.is_ok()] {
            prop_assert!(!ok || ((200..300).contains(&status) && has_data), "status {} body {:?}", status, body);
        }
        // Anything else is an error a person can read, without a control character.
        if let Err(e) = &user {
            prop_assert!(!e.to_string().chars().any(char::is_control), "{}", e);
        }
    }

    #[test]
    fn any_envelope_like_json_gives_a_value_or_an_error(
        text in "\\{(\"[A-Za-z]{1,12}\": ?(null|true|[0-9]{1,5}|\"[a-z0-9 ]{0,20}\"|\\{\\}|\\[\\]), ?){0,6}\"Data\": ?(null|\\{\\}|\"x\"|[0-9])\\}",
    ) {
        let parsed = parse_user_reply(200, text.as_bytes());
        let data = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|j| j.get("Data").cloned());
        let failed = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|j| j.get("Status").and_then(|s| s.as_str().map(|s| s.eq_ignore_ascii_case("failed"))))
            .unwrap_or(false);
        match data {
            // An object is a user; what it lacks is unknown, never guessed.
            Some(serde_json::Value::Object(_)) if !failed => {
                prop_assert_eq!(parsed.map(|u| u.availability()), Ok(Availability::Unknown), "{}", text)
            }
            // No Data, null, a string or a number: an error, never a user.
            _ => prop_assert!(parsed.is_err(), "{}", text),
        }
    }

    #[test]
    fn a_valid_user_parses_with_the_contracts_availability(
        active in "[0-9]{0,3}",
        phone in "[0-9]{1,3}",
        sip in "[0-9]{1,3}",
        name in "\\PC{0,30}",
        extra in "[a-z]{1,8}",
    ) {
        let body = json!({
            "RequestId": "r", "Status": "Success", "Code": 200, "Error": "",
            "Data": { "ActiveDeviceId": active, "PhoneDeviceID": phone, "SipDeviceID": sip,
                      "ExotelUserName": name, "SipSecret": "s", extra: [1, 2] }
        });
        let user = parse_user_reply(200, body.to_string().as_bytes()).unwrap();
        prop_assert_eq!(user.availability(), contract(&active, &phone, &sip));
    }

    #[test]
    fn error_messages_never_repeat_a_secret(
        secret in "[A-Za-z0-9#$!&*]{12,24}",
        status in prop_oneof![Just(200u16), Just(500u16), Just(502u16)],
    ) {
        // A user reply cut off just after the agent's SIP password.
        let body = format!(r#"{{"RequestId":"x","Status":"Success","Data":{{"SipSecret":"{secret}","Act"#);
        let err = parse_user_reply(status, body.as_bytes()).unwrap_err();
        prop_assert!(!err.to_string().contains(&secret), "{}", err);
        // A token reply cut off inside the token.
        let token = format!(r#"{{"RequestId":"x","Status":"Success","Data":"{secret}"#);
        let err = parse_token_reply(status, token.as_bytes()).unwrap_err();
        prop_assert!(!err.to_string().contains(&secret), "{}", err);
    }

    /// Replies that are not the envelope, or whose `Data` is of the wrong shape, are described,
    /// never quoted: whatever they carry (a token, a secret) stays out of the message.
    #[test]
    fn odd_shapes_are_described_never_quoted(
        secret in "[A-Za-z0-9#$!&*]{6,24}",
        status in prop_oneof![Just(200u16), Just(418u16), Just(500u16)],
        shape in 0usize..5,
    ) {
        let body = match shape {
            0 => json!(secret),
            1 => json!([secret]),
            2 => json!({ "Status": "Success", "Data": secret }),
            3 => json!({ "Status": "Success", "Data": [secret] }),
            _ => json!({ "Status": "Success", "Data": { "Token": secret } }),
        }
        .to_string();
        let token_err = parse_token_reply(status, body.as_bytes()).err().map(|e| e.to_string());
        let user_err = parse_user_reply(status, body.as_bytes()).err().map(|e| e.to_string());
        for text in [token_err, user_err].into_iter().flatten() {
            prop_assert!(!text.contains(&secret), "{}", text);
        }
        // A bare string is never taken as a token: the contract's token is the envelope's Data.
        prop_assert!(shape != 0 || parse_token_reply(status, body.as_bytes()).is_err());
    }

    /// Exotel's `Error` text is shown, but a token-shaped value in it is not.
    #[test]
    fn token_shaped_values_in_exotels_error_text_are_hidden(
        token in "[a-z]{3}-[a-z]{5}-[a-f0-9]{16,32}",
        status in prop_oneof![Just(400u16), Just(401u16), Just(404u16), Just(500u16)],
        words in "[A-Za-z]{2,8}( [A-Za-z]{2,8}){0,4}",
    ) {
        let body = json!({ "Status": "Failed", "Code": status, "Error": format!("{words} {token}") });
        let text = parse_user_reply(status, body.to_string().as_bytes()).unwrap_err().to_string();
        prop_assert!(!text.contains(&token), "{}", text);
        prop_assert!(text.contains(words.split(' ').next().unwrap_or_default()), "{}", text);
    }
}
