//! What the API refuses, stated in its OpenAPI document: each constraint here is built from the
//! same constant or rule the validator uses (`check_details`, the change feed's limit and cursor,
//! the domain's postcode and client ID), so a schema-valid request is never refused as invalid
//! and a request the document calls invalid is never accepted. Tests below hold each pattern to
//! its validator; schemathesis holds the running service to the whole document (`bash .ci/test`).
//!
//! Patterns use only syntax that JSON Schema (ECMA 262), Python and Rust regex engines read alike:
//! `\uXXXX` escapes, classes, `(?:...)` and bounded repeats.

use time::Date;

use super::documents::{CURSOR_MARK_MAX_LEN, CURSOR_MAX_DIGITS, CURSOR_V2_PREFIX, LIMIT_RANGE};
use crate::access::{EVIDENCE_MAX_CHARS, NAME_MAX_CHARS};

/// The characters Rust's `str::trim` removes (Unicode White_Space), as class items.
fn whitespace_items() -> String {
    let mut items = String::new();
    let mut run: Option<(char, char)> = None;
    let flush = |run: (char, char), items: &mut String| {
        items.push_str(&format!("\\u{:04X}", run.0 as u32));
        if run.1 != run.0 {
            items.push_str(&format!("-\\u{:04X}", run.1 as u32));
        }
    };
    for c in (0..=0xFFFF_u32).filter_map(char::from_u32) {
        if !c.is_whitespace() {
            continue;
        }
        run = match run {
            Some((first, last)) if last as u32 + 1 == c as u32 => Some((first, c)),
            Some(done) => {
                flush(done, &mut items);
                Some((c, c))
            }
            None => Some((c, c)),
        };
    }
    if let Some(done) = run {
        flush(done, &mut items);
    }
    items
}

/// Text whose trimmed form has `min_chars` (0 or 1) to `max_chars` characters.
pub fn trimmed_text(min_chars: usize, max_chars: usize) -> String {
    let items = whitespace_items();
    let space = format!("[{items}]*");
    let solid = format!("[^{items}]");
    let core = match max_chars {
        0 => String::new(),
        1 => solid.clone(),
        _ => format!("{solid}(?:[\\s\\S]{{0,{}}}{solid})?", max_chars - 2),
    };
    if min_chars == 0 {
        format!("^{space}(?:{core})?{space}$")
    } else {
        format!("^{space}{core}{space}$")
    }
}

/// A given or family name, as `check_details` takes it.
pub fn name_pattern() -> String {
    trimmed_text(1, NAME_MAX_CHARS)
}

/// Evidence of any length `check_details` takes (blank is allowed for `myself`).
pub fn evidence_pattern() -> String {
    trimmed_text(0, EVIDENCE_MAX_CHARS)
}

/// Evidence for a formal role: present and not blank.
pub fn formal_evidence_pattern() -> String {
    trimmed_text(1, EVIDENCE_MAX_CHARS)
}

/// Each single-character class, with any whitespace allowed around it: what the domain's parsers
/// read once they have dropped every whitespace character.
fn spaced(shapes: &[&[&str]]) -> String {
    let space = format!("[{}]*", whitespace_items());
    let alternatives: Vec<String> = shapes
        .iter()
        .map(|shape| {
            shape
                .iter()
                .map(|class| format!("{class}{space}"))
                .collect()
        })
        .collect();
    format!("^{space}(?:{})$", alternatives.join("|"))
}

/// `cfp_domain::Postcode`: an outward code of 2 to 4 letters and digits that starts with a letter
/// and holds a digit, then a digit and two letters; any case, spaces anywhere.
pub fn postcode_pattern() -> String {
    const L: &str = "[A-Za-z]";
    const D: &str = "[0-9]";
    const X: &str = "[A-Za-z0-9]";
    let outward: [&[&str]; 6] = [
        &[L, D],
        &[L, D, X],
        &[L, L, D],
        &[L, D, X, X],
        &[L, L, D, X],
        &[L, L, L, D],
    ];
    let shapes: Vec<Vec<&str>> = outward
        .iter()
        .map(|o| o.iter().copied().chain([D, L, L]).collect())
        .collect();
    let shapes: Vec<&[&str]> = shapes.iter().map(Vec::as_slice).collect();
    spaced(&shapes)
}

/// `cfp_domain::ClientId`: nine digits, spaces allowed between them.
pub fn client_id_pattern() -> String {
    let digit = ["[0-9]"; 9];
    spaced(&[&digit])
}

/// The change feed's cursor: empty, or one this service gives out. Version 2 is plain text:
/// `2.`, 1 to [`CURSOR_MAX_DIGITS`] decimal digits, `.` and 1 to [`CURSOR_MARK_MAX_LEN`]
/// lowercase hexadecimal characters. Version 1 (still read) is base64url, no padding, of `v1.`
/// and 1 to [`CURSOR_MAX_DIGITS`] digits; written out, three digits encode as four characters
/// whose first two depend on each other.
pub fn cursor_pattern() -> String {
    const V1: &str = "djEu"; // base64url of "v1."
    let pair = "(?:[MN][DTjz]|O[DT])";
    let group = format!("{pair}[AEIMQUYcgk][w-z0-5]");
    let one = "(?:[MN][AQgw]|O[AQ])";
    let two = format!("{pair}[AEIMQUYcgk]");
    let groups = CURSOR_MAX_DIGITS / 3;
    let v1 = format!(
        "{V1}(?:(?:{group}){{1,{groups}}}|(?:{group}){{0,{}}}(?:{one}|{two}))",
        groups - 1
    );
    let v2 = format!(
        "{}[0-9]{{1,{CURSOR_MAX_DIGITS}}}\\.[0-9a-f]{{1,{CURSOR_MARK_MAX_LEN}}}",
        CURSOR_V2_PREFIX.replace('.', "\\.")
    );
    format!("^(?:{v1}|{v2})?$")
}

/// A date of birth `check_details` takes on `today`: from 1 January 1900 to the day before
/// `today` (together with `format: date`, which keeps days within their month).
pub fn born_before_pattern(today: Date) -> String {
    let years: Vec<String> = (1900..today.year()).map(|y| y.to_string()).collect();
    let months: Vec<String> = (1..u8::from(today.month()))
        .map(|m| format!("{m:02}"))
        .collect();
    let days: Vec<String> = (1..today.day()).map(|d| format!("{d:02}")).collect();
    let mut alternatives = Vec::new();
    if !years.is_empty() {
        alternatives.push(format!("(?:{})-[0-9]{{2}}-[0-9]{{2}}", years.join("|")));
    }
    if !months.is_empty() {
        alternatives.push(format!(
            "{}-(?:{})-[0-9]{{2}}",
            today.year(),
            months.join("|")
        ));
    }
    if !days.is_empty() {
        alternatives.push(format!(
            "{}-{:02}-(?:{})",
            today.year(),
            u8::from(today.month()),
            days.join("|")
        ));
    }
    format!("^(?:{})$", alternatives.join("|"))
}

/// The change feed's page size, as the handler checks it.
pub fn limit_range() -> (u32, u32) {
    (*LIMIT_RANGE.start(), *LIMIT_RANGE.end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::check_details;
    use council_api::NewAccessRequest;
    use regex::Regex;

    /// A small deterministic generator (xorshift): the same strings every run.
    struct Strings(u64);
    impl Strings {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn text(&mut self, alphabet: &[char], max_len: usize) -> String {
            let len = (self.next() % (max_len as u64 + 1)) as usize;
            (0..len)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
                .collect()
        }
    }

    fn regex(pattern: &str) -> Regex {
        Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"))
    }

    fn request(given: &str, family: &str, born: &str, evidence: Option<&str>) -> NewAccessRequest {
        NewAccessRequest {
            relationship: if evidence.is_some() {
                cfp_domain::Relationship::Deputy
            } else {
                cfp_domain::Relationship::Myself
            },
            person: council_api::RequestedPerson {
                given_name: given.into(),
                family_name: family.into(),
                date_of_birth: Date::parse(
                    born,
                    &time::format_description::well_known::Iso8601::DATE,
                )
                .unwrap(),
                postcode: "WR5 2NP".parse().unwrap(),
                client_id: None,
            },
            evidence: evidence.map(str::to_owned),
        }
    }

    const TODAY: Date = time::macros::date!(2026 - 03 - 15);

    #[test]
    fn a_name_matches_the_pattern_exactly_when_check_details_takes_it() {
        let pattern = regex(&name_pattern());
        let alphabet = [
            'a', 'Z', ' ', '\t', '\n', '\u{3000}', '\u{a0}', '\u{1c}', 'é', '\u{200b}', '-',
        ];
        let mut strings = Strings(0x9E37_79B9_7F4A_7C15);
        let mut tried: Vec<String> = vec![
            String::new(),
            " ".into(),
            "a".repeat(NAME_MAX_CHARS),
            "a".repeat(NAME_MAX_CHARS + 1),
            format!("  {}  ", "a".repeat(NAME_MAX_CHARS)),
            format!(" {} b", "a".repeat(NAME_MAX_CHARS - 1)),
        ];
        tried.extend((0..20_000).map(|_| strings.text(&alphabet, 8)));
        tried.extend((0..2_000).map(|_| strings.text(&alphabet, NAME_MAX_CHARS + 4)));
        for name in tried {
            let taken = check_details(&request(&name, "B", "1950-01-01", None), TODAY).is_ok();
            assert_eq!(pattern.is_match(&name), taken, "{name:?}");
            let taken = check_details(&request("A", &name, "1950-01-01", None), TODAY).is_ok();
            assert_eq!(pattern.is_match(&name), taken, "family name {name:?}");
        }
    }

    #[test]
    fn evidence_matches_the_patterns_exactly_when_check_details_takes_it() {
        let any = regex(&evidence_pattern());
        let formal = regex(&formal_evidence_pattern());
        let alphabet = ['x', ' ', '\u{2028}', '7'];
        let mut strings = Strings(0x1234_5678_9ABC_DEF1);
        let mut tried: Vec<String> = vec![
            "x".repeat(EVIDENCE_MAX_CHARS),
            "x".repeat(EVIDENCE_MAX_CHARS + 1),
            format!(" {} ", "x".repeat(EVIDENCE_MAX_CHARS)),
        ];
        tried.extend((0..5_000).map(|_| strings.text(&alphabet, 6)));
        tried.extend((0..500).map(|_| strings.text(&alphabet, EVIDENCE_MAX_CHARS + 3)));
        for evidence in tried {
            let as_deputy = check_details(&request("A", "B", "1950-01-01", Some(&evidence)), TODAY);
            assert_eq!(
                formal.is_match(&evidence),
                as_deputy.is_ok(),
                "{evidence:?}"
            );
            let mut for_myself = request("A", "B", "1950-01-01", None);
            for_myself.evidence = Some(evidence.clone());
            let taken = check_details(&for_myself, TODAY).is_ok();
            assert_eq!(any.is_match(&evidence), taken, "myself, {evidence:?}");
        }
        // A formal role with no evidence at all is refused; the document requires the field.
        let mut none = request("A", "B", "1950-01-01", Some("x"));
        none.evidence = None;
        assert!(check_details(&none, TODAY).is_err());
    }

    #[test]
    fn a_date_of_birth_matches_exactly_when_check_details_takes_it() {
        for today in [
            TODAY,
            time::macros::date!(2026 - 01 - 01),
            time::macros::date!(2026 - 12 - 31),
            time::macros::date!(2000 - 02 - 29),
        ] {
            let pattern = regex(&born_before_pattern(today));
            let mut day = time::macros::date!(1899 - 12 - 25);
            while day <= today + time::Duration::days(400) {
                let text = day.to_string();
                let taken = check_details(&request("A", "B", &text, None), today).is_ok();
                assert_eq!(pattern.is_match(&text), taken, "{text} on {today}");
                day = day.next_day().unwrap();
            }
        }
    }

    #[test]
    fn a_postcode_matches_the_pattern_exactly_when_the_domain_reads_it() {
        let pattern = regex(&postcode_pattern());
        let alphabet = ['W', 'r', '5', '0', ' ', '\t', '\u{3000}', 'Ä', '-', 'n'];
        let mut strings = Strings(0xDEAD_BEEF_CAFE_F00D);
        let mut tried: Vec<String> = ["WR5 2NP", "wr52np", " SW1A 1AA ", "M1 1AE", "W 1A 1AA"]
            .map(str::to_owned)
            .to_vec();
        tried.extend((0..200_000).map(|_| strings.text(&alphabet, 10)));
        // Mostly letters and digits, so many are postcodes and many are nearly.
        let near = ['W', 'r', '5', '0', 'n', ' '];
        tried.extend((0..100_000).map(|_| strings.text(&near, 9)));
        let mut valid = 0;
        for text in tried {
            let read = text.parse::<cfp_domain::Postcode>().is_ok();
            valid += usize::from(read);
            assert_eq!(pattern.is_match(&text), read, "{text:?}");
        }
        assert!(valid > 2_000, "the sample holds enough postcodes: {valid}");
    }

    #[test]
    fn a_client_id_matches_the_pattern_exactly_when_the_domain_reads_it() {
        let pattern = regex(&client_id_pattern());
        let alphabet = ['1', '0', '9', ' ', '\u{a0}', 'a'];
        let mut strings = Strings(0x0BAD_5EED_1234_4321);
        let mut valid = 0;
        for text in (0..100_000).map(|_| strings.text(&alphabet, 13)) {
            let read = text.parse::<cfp_domain::ClientId>().is_ok();
            valid += usize::from(read);
            assert_eq!(pattern.is_match(&text), read, "{text:?}");
        }
        assert!(valid > 100, "the sample holds enough client IDs: {valid}");
    }

    #[test]
    fn a_cursor_matches_the_pattern_exactly_when_the_feed_reads_it() {
        use super::super::documents::decode_cursor;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let pattern = regex(&cursor_pattern());
        let largest = 10_i64.pow(CURSOR_MAX_DIGITS as u32) - 1;
        let v1 = |n: &dyn std::fmt::Display| URL_SAFE_NO_PAD.encode(format!("v1.{n}"));
        for n in (0..3_000).chain([largest / 10, largest - 1, largest]) {
            assert!(pattern.is_match(&v1(&n)), "{n}");
            assert!(pattern.is_match(&format!("2.{n}.0f9e")), "{n}");
        }
        let mut strings = Strings(0x5151_7272_9393_A4A4);
        let base64: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/="
                .chars()
                .collect();
        let decimal: Vec<char> = "0123456789+-. v".chars().collect();
        let mark: Vec<char> = "0123456789abcdefABX.-".chars().collect();
        let mut tried = vec![
            String::new(),
            "djEu".into(),
            v1(&(largest + 1)),
            "2.".into(),
            "2.1.".into(),
            format!("2.1.{}", "a".repeat(CURSOR_MARK_MAX_LEN + 1)),
        ];
        for _ in 0..100_000 {
            tried.push(format!("djEu{}", strings.text(&base64, 9)));
            let digits = strings.text(&decimal, CURSOR_MAX_DIGITS + 2);
            tried.push(v1(&digits));
            let mark = strings.text(&mark, CURSOR_MARK_MAX_LEN + 2);
            tried.push(format!("2.{digits}.{mark}"));
        }
        for text in tried {
            let read = text.is_empty() || decode_cursor(&text).is_some();
            assert_eq!(pattern.is_match(&text), read, "{text:?}");
        }
    }
}
