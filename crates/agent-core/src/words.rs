//! Every word the agent sees, from one catalog per language (`locales/*.ftl`, Fluent), and the
//! choice of language: the tray, the notifications, the window and the command line all render
//! through [`Words`], so changing a word means changing one catalog entry.
//!
//! The language is, in this order: the one chosen in *Settings* ([`LanguageChoice`]), the
//! `EXOTEL_AGENT_LANG` environment variable, the OS's locale (`LC_ALL`/`LC_MESSAGES`/`LANG` on
//! Linux, the user's locale on Windows and macOS), English. A language the app does not have
//! falls back to English.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Hi,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Hi];

    /// The language's code (`en`, `hi`), as in HTML's `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
        }
    }

    /// The language's name in itself, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Hi => "हिन्दी",
        }
    }

    /// The language of a locale such as `hi_IN.UTF-8`, `hi-IN` or `en_US`; `None` for one the
    /// app does not speak (or `C`/`POSIX`, which say nothing).
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let language = locale.trim().split(['_', '-', '.', '@']).next()?.to_ascii_lowercase();
        match language.as_str() {
            "en" => Some(Lang::En),
            "hi" => Some(Lang::Hi),
            _ => None,
        }
    }

    /// The language the OS asks for (the first it names that the app speaks), else English.
    pub fn of_system() -> Lang {
        static SYSTEM: OnceLock<Lang> = OnceLock::new();
        *SYSTEM.get_or_init(|| {
            // On Linux the variables, in the order the C library reads them (sys-locale reads
            // LANG first, where LC_ALL and LC_MESSAGES win); elsewhere the user's locale list.
            let from_env = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty());
            if cfg!(target_os = "linux") || from_env.is_some() {
                return from_env.as_deref().and_then(Lang::from_locale).unwrap_or(Lang::En);
            }
            sys_locale::get_locales().find_map(|l| Lang::from_locale(&l)).unwrap_or(Lang::En)
        })
    }
}

/// The language asked for in *Settings*. A value the app does not know (from a newer version's
/// settings file, say) reads as `auto`, so the rest of the preferences still load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageChoice {
    /// `EXOTEL_AGENT_LANG`, else the system's.
    #[default]
    Auto,
    En,
    Hi,
}

impl<'de> Deserialize<'de> for LanguageChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Ok(match word.as_str() {
            "en" => LanguageChoice::En,
            "hi" => LanguageChoice::Hi,
            _ => LanguageChoice::Auto,
        })
    }
}

/// The environment variable that chooses the language when *Settings* leave it automatic.
pub const LANG_ENV: &str = "EXOTEL_AGENT_LANG";

impl LanguageChoice {
    /// The language to speak.
    pub fn resolve(self) -> Lang {
        match self {
            LanguageChoice::En => Lang::En,
            LanguageChoice::Hi => Lang::Hi,
            LanguageChoice::Auto => Self::automatic(),
        }
    }

    /// What "automatic" means here: the environment variable, else the system.
    pub fn automatic() -> Lang {
        std::env::var(LANG_ENV).ok().and_then(|v| Lang::from_locale(&v)).unwrap_or_else(Lang::of_system)
    }
}

/// One argument of a message.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// A string argument.
pub fn s<'a>(name: &'a str, value: impl Into<Cow<'a, str>>) -> Arg<'a> {
    (name, FluentValue::String(value.into()))
}

/// A number argument.
pub fn n<'a>(name: &'a str, value: u64) -> Arg<'a> {
    // Every number shown is far below 2^53, where f64 is exact.
    #[allow(clippy::cast_precision_loss)]
    let value = value as f64;
    (name, FluentValue::from(value))
}

/// One language's catalog.
pub struct Words {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words").field("lang", &self.lang).finish_non_exhaustive()
    }
}

/// The catalogs' text, built into the binary.
fn catalog(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../locales/en.ftl"),
        Lang::Hi => include_str!("../locales/hi.ftl"),
    }
}

impl Words {
    /// The catalog of `lang` (built once).
    pub fn of(lang: Lang) -> &'static Words {
        static EN: OnceLock<Words> = OnceLock::new();
        static HI: OnceLock<Words> = OnceLock::new();
        let slot = match lang {
            Lang::En => &EN,
            Lang::Hi => &HI,
        };
        slot.get_or_init(|| Words::build(lang))
    }

    /// The catalog of the language `choice` resolves to.
    pub fn chosen(choice: LanguageChoice) -> &'static Words {
        Words::of(choice.resolve())
    }

    fn build(lang: Lang) -> Words {
        // The catalogs are part of the source and tested (words::tests): an entry Fluent could
        // not parse is left out (and shown as its id), never a crash.
        let resource = match FluentResource::try_new(catalog(lang).to_owned()) {
            Ok(r) => r,
            Err((r, errors)) => {
                tracing::error!(?lang, ?errors, "catalog entries that could not be read");
                r
            }
        };
        let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No invisible isolation marks around arguments: tray hosts and terminals show them.
        bundle.set_use_isolating(false);
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(?lang, ?errors, "catalog entries defined twice");
        }
        Words { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the catalog holds `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// The message `id` with `args`; its id if the catalog lacks it (a test keeps every id in
    /// every catalog).
    pub fn text(&self, id: &str, args: &[Arg<'_>]) -> String {
        match self.render(id, args) {
            Ok(text) => text,
            Err((text, problem)) => {
                tracing::warn!(id, lang = ?self.lang, problem, "message not rendered as written");
                text
            }
        }
    }

    /// The message `id` with `args`, or what went wrong (a missing id or argument) with the
    /// text as it could be rendered.
    pub fn render(&self, id: &str, args: &[Arg<'_>]) -> Result<String, (String, String)> {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return Err((id.to_owned(), "no such message".to_owned()));
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        if errors.is_empty() { Ok(text) } else { Err((text, format!("{errors:?}"))) }
    }

    /// A message without arguments.
    pub fn get(&self, id: &str) -> String {
        self.text(id, &[])
    }

    /// Every message id whose name starts with `prefix`, with its text (for the window's fixed
    /// labels, which have no arguments).
    pub fn all_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        message_ids(catalog(Lang::En))
            .filter(|id| id.starts_with(prefix))
            .map(|id| (id.to_owned(), self.get(id)))
            .collect()
    }
}

/// `text` without what is quoted in it (between “ and ”): the app's own words, where what is
/// quoted is others' (Exotel's error text, a page's title, what the agent typed), shown as they
/// wrote it. For the tests that hold a language's lines to that language.
pub fn outside_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '“' => quoted = true,
            '”' => quoted = false,
            _ if !quoted => out.push(c),
            _ => {}
        }
    }
    out
}

/// The ids a catalog defines, in order.
pub fn message_ids(catalog: &str) -> impl Iterator<Item = &str> {
    catalog.lines().filter_map(|line| {
        let (id, _) = line.split_once(" = ")?;
        let first = id.chars().next()?;
        (first.is_ascii_lowercase() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .then_some(id)
    })
}

/// The names of the arguments the message `id` takes (`{ $name }` in the English catalog).
pub fn argument_names(id: &str) -> Vec<&'static str> {
    let start = format!("{id} = ");
    let Some(line) = catalog(Lang::En).lines().find(|l| l.starts_with(&start)) else { return Vec::new() };
    line.split("{ $").skip(1).filter_map(|rest| rest.split([' ', '}']).next()).collect()
}

/// The ids of the catalog of `lang`.
pub fn ids(lang: Lang) -> Vec<&'static str> {
    message_ids(catalog(lang)).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn locales_choose_the_language_they_name() {
        for (locale, lang) in [
            ("hi_IN.UTF-8", Some(Lang::Hi)),
            ("hi-IN", Some(Lang::Hi)),
            ("HI", Some(Lang::Hi)),
            ("en_US.UTF-8", Some(Lang::En)),
            ("en", Some(Lang::En)),
            ("ta_IN.UTF-8", None),
            ("C.UTF-8", None),
            ("POSIX", None),
            ("", None),
        ] {
            assert_eq!(Lang::from_locale(locale), lang, "{locale:?}");
        }
        assert_eq!(LanguageChoice::Hi.resolve(), Lang::Hi, "Settings win over everything");
        assert_eq!(LanguageChoice::En.resolve(), Lang::En);
    }

    /// Numbers where the catalog counts; text elsewhere. The text argument is not Latin, so
    /// that any English left in a Hindi message shows.
    fn sample_args(id: &str) -> Vec<Arg<'static>> {
        argument_names(id)
            .into_iter()
            .map(|name| {
                if ["seconds", "n", "minutes", "h", "m"].contains(&name) {
                    n(name, 7)
                } else {
                    s(name, "◆")
                }
            })
            .collect()
    }

    /// Names that stay as written in every language: the product, desktops, programs and the
    /// commands an agent types (longest first, so a longer name is taken out whole).
    const NAMES: &[&str] = &[
        "Exotel Agent Tray",
        "exotel-agent-tray --show",
        "loginctl lock-session",
        "exotel-agent login",
        "exotel-agent off",
        "exotel-agent",
        "--secret-stdin",
        "auto, en, hi",
        "ask, at_quit",
        "KeePassXC",
        "Linux",
        "https://",
        "--set",
        "https",
        "HTTP",
        "http",
        "GNOME Keyring",
        "AppIndicator",
        "Exotel",
        "Wayland",
        "KWallet",
        "GNOME",
        "KDE",
        "X11",
        "TLS",
    ];

    #[test]
    fn every_message_is_in_every_language_with_every_argument() {
        let en = ids(Lang::En);
        let mut unique = en.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), en.len(), "an id defined twice in en.ftl");
        assert!(en.len() > 100, "the catalog is read: {} ids", en.len());
        for lang in Lang::ALL {
            let mut theirs = ids(lang);
            theirs.sort_unstable();
            assert_eq!(theirs, unique, "{lang:?} has the same ids as English");
            let words = Words::of(lang);
            for id in &en {
                let args = sample_args(id);
                let text =
                    words.render(id, &args).unwrap_or_else(|(t, e)| panic!("{lang:?} {id}: {e} ({t})"));
                assert!(!text.trim().is_empty() && !text.contains('{'), "{lang:?} {id}: {text:?}");
                for (name, value) in &args {
                    let shown = match value {
                        FluentValue::Number(_) => "7",
                        _ => "◆",
                    };
                    assert!(text.contains(shown), "{lang:?} {id} drops ${name}: {text:?}");
                }
            }
        }
    }

    #[test]
    fn no_english_is_left_in_the_hindi_but_names_and_numbers() {
        let hi = Words::of(Lang::Hi);
        for id in ids(Lang::En) {
            let mut text = hi.text(id, &sample_args(id));
            for name in NAMES {
                text = text.replace(name, "");
            }
            assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{id}: English in {text:?}");
            assert!(
                text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
                    || text.trim().chars().all(|c| !c.is_alphabetic()),
                "{id}: not Hindi: {text:?}"
            );
        }
    }

    #[test]
    fn arguments_are_placed_without_invisible_marks() {
        let en = Words::of(Lang::En);
        assert_eq!(
            en.text("line-limited", &[n("seconds", 7)]),
            "Exotel is limiting requests; trying again in 7 s"
        );
        let hi = Words::of(Lang::Hi);
        assert_eq!(hi.text("time-minutes", &[n("n", 12)]), "12 मिनट");
        assert_eq!(en.get("no-such-message"), "no-such-message", "a missing id shows as itself");
    }
}
