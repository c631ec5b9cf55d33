//! Country codes (ISO 3166-1 alpha-2, from `isocountry`) and the names people read:
//! the ISO short name, except where common usage is much shorter.

use isocountry::CountryCode;

/// Names shorter than ISO's for countries that come up in material chains.
const COMMON: [(&str, &str); 14] = [
    ("GB", "United Kingdom"),
    ("US", "United States"),
    ("KR", "South Korea"),
    ("KP", "North Korea"),
    ("RU", "Russia"),
    ("VN", "Vietnam"),
    ("IR", "Iran"),
    ("BO", "Bolivia"),
    ("VE", "Venezuela"),
    ("TZ", "Tanzania"),
    ("CD", "DR Congo"),
    ("LA", "Laos"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
];

/// `"EU"`, as a home country or a node's country: the 27 member states together.
pub const EU: &str = "EU";

/// The member states of the European Union (indicators.md §11).
pub const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// Whether a country (a node's, or a provenance label) is at `home`: the same code, or a
/// member state or `"EU"` itself when home is `"EU"`.
pub fn at_home(home: &str, country: &str) -> bool {
    country == home || home == EU && EU_MEMBERS.contains(&country)
}

/// The name of a country code, `None` if it is not an ISO 3166-1 alpha-2 code.
pub fn name(code: &str) -> Option<&'static str> {
    if code == EU {
        return Some("European Union");
    }
    if let Some((_, n)) = COMMON.iter().find(|(c, _)| *c == code) {
        return Some(n);
    }
    CountryCode::for_alpha2(code).ok().map(|c| c.name())
}

/// `CN China`, or the code alone when it is not a known code; provenance labels
/// (`secondary`, `none`, `unknown`) are explained.
pub fn describe(label: &str) -> String {
    match label {
        "secondary" => "Secondary (came back through a loop)".into(),
        "none" => "Did not pass this stage".into(),
        "unknown" => "Country not given".into(),
        code => match name(code) {
            Some(n) => format!("{code} {n}"),
            None => code.to_string(),
        },
    }
}

/// Every country, by name: (code, name).
pub fn all() -> Vec<(&'static str, &'static str)> {
    let mut list: Vec<(&'static str, &'static str)> = CountryCode::iter()
        .map(|c| (c.alpha2(), name(c.alpha2()).unwrap_or(c.name())))
        .collect();
    list.sort_by(|a, b| a.1.cmp(b.1));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_names_and_unknown_codes_do_not() {
        assert_eq!(name("CN"), Some("China"));
        assert_eq!(name("GB"), Some("United Kingdom"));
        assert_eq!(name("XX"), None);
        assert_eq!(describe("MM"), "MM Myanmar");
        assert_eq!(describe("XX"), "XX");
        assert!(all().len() > 240);
    }
}
