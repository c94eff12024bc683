//! The shapes Exotel sends and receives, and the one rule that says which device is on.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::secret::Secret;

/// Where the agent receives calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    /// The agent's phone (`DeviceName: "phone"`).
    Phone,
    /// The computer, web/SIP (`DeviceName: "sip"`).
    Sip,
}

impl Device {
    /// The `DeviceName` Exotel expects.
    pub fn api_name(self) -> &'static str {
        match self {
            Device::Phone => "phone",
            Device::Sip => "sip",
        }
    }

    pub fn other(self) -> Device {
        match self {
            Device::Phone => Device::Sip,
            Device::Sip => Device::Phone,
        }
    }
}

/// What Exotel confirmed about the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Availability {
    /// No device is on: no new calls reach the agent.
    Offline,
    /// Calls ring on this device.
    Receiving(Device),
    /// Not read yet, or a reply that matches neither device. Never guessed.
    Unknown,
}

impl Availability {
    /// The stable machine word: `offline`, `phone`, `sip` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Offline => "offline",
            Availability::Receiving(Device::Phone) => "phone",
            Availability::Receiving(Device::Sip) => "sip",
            Availability::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Availability {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Availability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "offline" => Availability::Offline,
            "phone" => Availability::Receiving(Device::Phone),
            "sip" => Availability::Receiving(Device::Sip),
            _ => Availability::Unknown,
        })
    }
}

/// The envelope around every reply. Only these fields are documented; all are optional here so
/// that a partial envelope is reported as what it is rather than failing to parse.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    #[serde(rename = "Status", default)]
    pub status: Option<String>,
    /// A number; also taken when sent as text (`"200"`).
    #[serde(rename = "Code", default, deserialize_with = "lenient_code")]
    pub code: Option<i64>,
    #[serde(rename = "Error", default, deserialize_with = "lenient_string")]
    pub error: Option<String>,
    #[serde(rename = "Data", default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// The agent as Exotel knows them: the `Data` of the device and usermapping replies.
/// Every documented field; unknown fields ignored; missing or null fields tolerated.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct User {
    #[serde(rename = "CustomerId", deserialize_with = "lenient_string")]
    pub customer_id: Option<String>,
    #[serde(rename = "AppID", deserialize_with = "lenient_string")]
    pub app_id: Option<String>,
    #[serde(rename = "AppUserId", deserialize_with = "lenient_string")]
    pub app_user_id: Option<String>,
    #[serde(rename = "ExotelAccountSid", deserialize_with = "lenient_string")]
    pub exotel_account_sid: Option<String>,
    #[serde(rename = "ExotelUserId", deserialize_with = "lenient_string")]
    pub exotel_user_id: Option<String>,
    #[serde(rename = "AppUsername", deserialize_with = "lenient_string")]
    pub app_username: Option<String>,
    #[serde(rename = "ExotelUserName", deserialize_with = "lenient_string")]
    pub exotel_user_name: Option<String>,
    #[serde(rename = "AgentNumber", deserialize_with = "lenient_string")]
    pub agent_number: Option<String>,
    #[serde(rename = "ActiveDeviceId", deserialize_with = "lenient_string")]
    pub active_device_id: Option<String>,
    #[serde(rename = "PhoneDeviceID", deserialize_with = "lenient_string")]
    pub phone_device_id: Option<String>,
    #[serde(rename = "SipDeviceID", deserialize_with = "lenient_string")]
    pub sip_device_id: Option<String>,
    #[serde(rename = "VirtualNumber", deserialize_with = "lenient_string")]
    pub virtual_number: Option<String>,
    #[serde(rename = "Email", deserialize_with = "lenient_string")]
    pub email: Option<String>,
    #[serde(rename = "OutboundActive", deserialize_with = "lenient_bool")]
    pub outbound_active: Option<bool>,
    #[serde(rename = "Role", deserialize_with = "lenient_string")]
    pub role: Option<String>,
    #[serde(rename = "SipId", deserialize_with = "lenient_string")]
    pub sip_id: Option<String>,
    /// The agent's SIP password. Kept only because it is documented; never logged, stored or
    /// sent to the UI (see [`Secret`]).
    #[serde(rename = "SipSecret", deserialize_with = "lenient_secret")]
    pub sip_secret: Option<Secret>,
    #[serde(rename = "IsActive", deserialize_with = "lenient_bool")]
    pub is_active: Option<bool>,
    #[serde(rename = "UserDetail")]
    pub user_detail: Option<serde_json::Value>,
    #[serde(rename = "CreatedAt", deserialize_with = "lenient_string")]
    pub created_at: Option<String>,
    #[serde(rename = "UpdatedAt", deserialize_with = "lenient_string")]
    pub updated_at: Option<String>,
}

impl User {
    /// Which device is on, exactly as CONTRACT.md says:
    /// - `ActiveDeviceId` present and empty: offline;
    /// - equal to a non-empty `PhoneDeviceID`: phone; to a non-empty `SipDeviceID`: SIP;
    /// - anything else (an id matching neither, an id matching both, `ActiveDeviceId` missing or
    ///   null): unknown. A missing field is not taken as "empty": the reply did not say.
    pub fn availability(&self) -> Availability {
        let Some(active) = self.active_device_id.as_deref().map(str::trim) else {
            return Availability::Unknown;
        };
        if active.is_empty() {
            return Availability::Offline;
        }
        let matches = |id: &Option<String>| id.as_deref().map(str::trim) == Some(active);
        match (matches(&self.phone_device_id), matches(&self.sip_device_id)) {
            (true, false) => Availability::Receiving(Device::Phone),
            (false, true) => Availability::Receiving(Device::Sip),
            _ => Availability::Unknown,
        }
    }

    /// The name to show: Exotel's user name, else the app's, else the user id.
    pub fn display_name(&self) -> Option<&str> {
        [&self.exotel_user_name, &self.app_username]
            .into_iter()
            .filter_map(|s| s.as_deref())
            .map(str::trim)
            .find(|s| !s.is_empty())
    }
}

/// What the device PUT asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChange {
    /// Turn this device on (it becomes the active one).
    On(Device),
    /// Turn a device off. With `Some(device)`, that device is named in the request; with
    /// `None`, `DeviceName` is left out (documented as optional when turning off).
    Off(Option<Device>),
}

#[derive(Serialize)]
pub(crate) struct DeviceRequest<'a> {
    #[serde(rename = "UserId")]
    pub user_id: &'a str,
    #[serde(rename = "DeviceName", skip_serializing_if = "Option::is_none")]
    pub device_name: Option<&'static str>,
    #[serde(rename = "DeviceStatus")]
    pub device_status: bool,
}

impl<'a> DeviceRequest<'a> {
    pub fn new(user_id: &'a str, change: DeviceChange) -> Self {
        let (device, on) = match change {
            DeviceChange::On(d) => (Some(d), true),
            DeviceChange::Off(d) => (d, false),
        };
        Self { user_id, device_name: device.map(Device::api_name), device_status: on }
    }
}

/// Strings that arrive as numbers (`"AppUserId": 1`) are taken as their text; `null` is `None`;
/// any other shape (an object, an array) is also `None` rather than a failed parse.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

fn lenient_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => Some(b),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

fn lenient_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(lenient_string(d)?.map(Secret::new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(active: Option<&str>, phone: Option<&str>, sip: Option<&str>) -> User {
        User {
            active_device_id: active.map(str::to_owned),
            phone_device_id: phone.map(str::to_owned),
            sip_device_id: sip.map(str::to_owned),
            ..User::default()
        }
    }

    #[test]
    fn availability_follows_the_contract() {
        let p = Some("057");
        let s = Some("9012");
        assert_eq!(user(Some(""), p, s).availability(), Availability::Offline);
        assert_eq!(user(Some("057"), p, s).availability(), Availability::Receiving(Device::Phone));
        assert_eq!(user(Some("9012"), p, s).availability(), Availability::Receiving(Device::Sip));
        assert_eq!(user(Some("777"), p, s).availability(), Availability::Unknown);
        assert_eq!(user(None, p, s).availability(), Availability::Unknown);
        // An id that matches both devices cannot be told apart: unknown, not a guess.
        assert_eq!(user(Some("1"), Some("1"), Some("1")).availability(), Availability::Unknown);
        // Empty device ids never match a non-empty active id.
        assert_eq!(user(Some("057"), Some(""), Some("")).availability(), Availability::Unknown);
    }

    #[test]
    fn device_request_body_is_exotels_shape() {
        let on =
            serde_json::to_value(DeviceRequest::new("1", DeviceChange::On(Device::Sip))).unwrap_or_default();
        assert_eq!(on, serde_json::json!({"UserId":"1","DeviceName":"sip","DeviceStatus":true}));
        let off = serde_json::to_value(DeviceRequest::new("1", DeviceChange::Off(None))).unwrap_or_default();
        assert_eq!(off, serde_json::json!({"UserId":"1","DeviceStatus":false}));
    }

    #[test]
    fn odd_field_shapes_do_not_fail_the_parse() {
        let json = r#"{"AppUserId": 1, "ActiveDeviceId": null, "PhoneDeviceID": 57,
                       "OutboundActive": "true", "UserDetail": {"x": 1}, "Extra": [1,2]}"#;
        let u: User = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(u.app_user_id.as_deref(), Some("1"));
        assert_eq!(u.phone_device_id.as_deref(), Some("57"));
        assert_eq!(u.outbound_active, Some(true));
        assert_eq!(u.availability(), Availability::Unknown);
    }
}
