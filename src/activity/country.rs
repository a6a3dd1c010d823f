//! Country codes: the ISO 3166-1 alpha-2 list, so that `China`, `UK` or a typo in
//! `facilities.csv` is a diagnostic rather than a country no factor or market rule knows.

/// The 249 officially assigned ISO 3166-1 alpha-2 codes (ISO 3166 Maintenance Agency), sorted.
const ISO_3166_ALPHA2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case, as the standard writes it).
pub fn is_country_code(code: &str) -> bool {
    ISO_3166_ALPHA2.binary_search(&code).is_ok()
}

/// A hint for a value that is not a code: the code it probably means.
pub fn suggest_country(text: &str) -> Option<&'static str> {
    let upper = text.trim().to_ascii_uppercase();
    if let Ok(i) = ISO_3166_ALPHA2.binary_search(&upper.as_str()) {
        return Some(ISO_3166_ALPHA2[i]);
    }
    // Names and non-ISO abbreviations seen in real boundary files.
    Some(match upper.as_str() {
        "UK" | "UNITED KINGDOM" | "GREAT BRITAIN" | "BRITAIN" | "ENGLAND" | "SCOTLAND"
        | "WALES" => "GB",
        "CHINA" | "PRC" | "中国" | "中华人民共和国" => "CN",
        "USA" | "UNITED STATES" | "AMERICA" | "美国" => "US",
        "AUSTRALIA" => "AU",
        "HONG KONG" | "香港" => "HK",
        "GERMANY" | "DEUTSCHLAND" => "DE",
        "FRANCE" => "FR",
        "JAPAN" => "JP",
        "INDIA" => "IN",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_names_suggested() {
        assert!(is_country_code("CN") && is_country_code("GB") && is_country_code("ZW"));
        assert!(!is_country_code("UK") && !is_country_code("ZZ") && !is_country_code("cn"));
        assert!(!is_country_code("ZZ9") && !is_country_code("China"));
        assert_eq!(suggest_country("China"), Some("CN"));
        assert_eq!(suggest_country("UK"), Some("GB"));
        assert_eq!(suggest_country("gb"), Some("GB"));
        assert_eq!(suggest_country("ZZ9"), None);
    }
}
