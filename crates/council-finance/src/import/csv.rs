//! The finance system's CSV export, as documented in `IMPORT.md`: one row per record, the first
//! field says what the row is (`PERSON`, `REMITTANCE`, `LINE`, `WITHDRAW`), lines starting with
//! `#` are comments. Every row is checked; every problem is reported with its line number.

use std::collections::HashMap;

use cfp_domain::{Money, RemittanceAdvice, RemittanceHeader, RemittanceLine};
use council_api::ImportPerson;
use time::Date;

use super::{Batch, Location, Problem, Sourced, MAX_PROBLEMS};
use crate::records::{line_kind_from_code, parse_date};

const PERSON_FIELDS: [&str; 7] = [
    "PERSON",
    "client_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "address",
    "postcode",
];
const REMITTANCE_FIELDS: [&str; 10] = [
    "REMITTANCE",
    "reference",
    "client_id",
    "client_name",
    "payee",
    "period_from",
    "period_to",
    "finalised_on",
    "payment_date",
    "net_amount",
];
const LINE_FIELDS: [&str; 8] = [
    "LINE",
    "reference",
    "code",
    "description",
    "amount",
    "weekly_rate",
    "days",
    "council_note",
];
const WITHDRAW_FIELDS: [&str; 2] = ["WITHDRAW", "reference"];

/// An advice's header row, waiting for its lines.
struct Draft {
    at: u64,
    header: RemittanceHeader,
    net_amount: Money,
    lines: Vec<RemittanceLine>,
}

/// Parses a whole file. Returns every problem found (up to [`MAX_PROBLEMS`]) if there is any.
pub fn parse(bytes: &[u8]) -> Result<Batch, Vec<Problem>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(::csv::Trim::All)
        .from_reader(bytes);
    let mut problems: Vec<Problem> = Vec::new();
    let mut batch = Batch::default();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut draft_by_reference: HashMap<String, usize> = HashMap::new();
    let mut person_lines: HashMap<String, u64> = HashMap::new();
    // Lines may come before or after their REMITTANCE row: keep them until the end.
    let mut loose_lines: Vec<(u64, String, RemittanceLine)> = Vec::new();

    for record in reader.records() {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                problems.push(problem(
                    line,
                    "this row is not valid CSV (check its quotes).".into(),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let fields: Vec<&str> = record.iter().collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        let result = match fields[0].to_ascii_uppercase().as_str() {
            "PERSON" => row_fields(&fields, &PERSON_FIELDS).and_then(person).map(|p| {
                let key = p.client_id.to_string();
                if let Some(first) = person_lines.insert(key, line) {
                    return Err(format!(
                        "client {} is already on line {first} of this file.",
                        p.client_id
                    ));
                }
                batch.people.push(Sourced { at: Location::Line(line), item: p });
                Ok(())
            }).and_then(|r| r),
            "REMITTANCE" => row_fields(&fields, &REMITTANCE_FIELDS).and_then(remittance).and_then(|(header, net_amount)| {
                if let Some(&index) = draft_by_reference.get(&header.reference) {
                    return Err(format!(
                        "advice {} is already on line {} of this file.",
                        header.reference, drafts[index].at
                    ));
                }
                draft_by_reference.insert(header.reference.clone(), drafts.len());
                drafts.push(Draft { at: line, header, net_amount, lines: Vec::new() });
                Ok(())
            }),
            "LINE" => row_fields(&fields, &LINE_FIELDS).and_then(remittance_line).map(|(reference, l)| {
                loose_lines.push((line, reference, l));
            }),
            "WITHDRAW" => row_fields(&fields, &WITHDRAW_FIELDS).map(|f| {
                batch.withdrawn.push(Sourced { at: Location::Line(line), item: f[1].to_owned() });
            }),
            other => Err(format!(
                "'{}' is not a kind of row this import knows. Rows start with PERSON, REMITTANCE, LINE or WITHDRAW.",
                shorten(other)
            )),
        };
        if let Err(reason) = result {
            problems.push(problem(line, reason));
        }
    }

    for (line, reference, remittance_line) in loose_lines {
        match draft_by_reference.get(&reference) {
            Some(&index) => drafts[index].lines.push(remittance_line),
            None => problems.push(problem(
                line,
                format!("there is no REMITTANCE row for advice {reference} in this file."),
            )),
        }
    }
    for draft in drafts {
        match RemittanceAdvice::new(draft.header, draft.lines, draft.net_amount) {
            Ok(advice) => batch.remittances.push(Sourced {
                at: Location::Line(draft.at),
                item: advice,
            }),
            Err(error) => problems.push(problem(draft.at, error.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(batch)
    } else {
        problems.sort_by_key(|p| match p.at {
            Location::Line(line) => line,
            Location::Item { index, .. } => index as u64,
        });
        problems.truncate(MAX_PROBLEMS);
        Err(problems)
    }
}

fn problem(line: u64, reason: String) -> Problem {
    Problem {
        at: Location::Line(line),
        reason,
    }
}

/// Keeps quoted values in messages short (a wrong file could have anything in it).
fn shorten(text: &str) -> String {
    let short: String = text.chars().take(30).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn row_fields<'a>(fields: &[&'a str], expected: &[&str]) -> Result<Vec<&'a str>, String> {
    if fields.len() != expected.len() {
        return Err(format!(
            "a {} row has {} fields ({}), but this one has {}.",
            expected[0],
            expected.len(),
            expected.join(", "),
            fields.len()
        ));
    }
    Ok(fields.to_vec())
}

fn required<'a>(value: &'a str, name: &str) -> Result<&'a str, String> {
    if value.is_empty() {
        Err(format!("{name} is empty."))
    } else {
        Ok(value)
    }
}

fn date(value: &str, name: &str) -> Result<Date, String> {
    parse_date(value).ok_or_else(|| {
        format!(
            "{name} '{}' is not a date. Write dates as YYYY-MM-DD, like 2026-03-01.",
            shorten(value)
        )
    })
}

fn money(value: &str, name: &str) -> Result<Money, String> {
    value
        .parse::<Money>()
        .map_err(|error| format!("{name}: {error}"))
}

fn person(f: Vec<&str>) -> Result<ImportPerson, String> {
    Ok(ImportPerson {
        client_id: f[1].parse().map_err(|e| format!("client_id: {e}"))?,
        given_name: required(f[2], "given_name")?.to_owned(),
        family_name: required(f[3], "family_name")?.to_owned(),
        date_of_birth: date(f[4], "date_of_birth")?,
        address: required(f[5], "address")?.to_owned(),
        postcode: f[6].parse().map_err(|e| format!("postcode: {e}"))?,
    })
}

fn remittance(f: Vec<&str>) -> Result<(RemittanceHeader, Money), String> {
    let header = RemittanceHeader {
        reference: required(f[1], "reference")?.to_owned(),
        client_id: f[2].parse().map_err(|e| format!("client_id: {e}"))?,
        client_name: required(f[3], "client_name")?.to_owned(),
        payee: required(f[4], "payee")?.to_owned(),
        period_from: date(f[5], "period_from")?,
        period_to: date(f[6], "period_to")?,
        finalised_on: date(f[7], "finalised_on")?,
        payment_date: date(f[8], "payment_date")?,
    };
    Ok((header, money(f[9], "net_amount")?))
}

fn remittance_line(f: Vec<&str>) -> Result<(String, RemittanceLine), String> {
    let reference = required(f[1], "reference")?.to_owned();
    let kind = line_kind_from_code(f[2]).ok_or_else(|| {
        format!(
            "code '{}' is not a line code. Use one of: Budget, Contribution, One-off, Adj, MA, Recovery.",
            shorten(f[2])
        )
    })?;
    let weekly_rate = match f[5] {
        "" => None,
        text => Some(money(text, "weekly_rate")?),
    };
    let days = match f[6] {
        "" => None,
        text => Some(
            text.parse::<u32>()
                .map_err(|_| format!("days '{}' is not a whole number of days.", shorten(text)))?,
        ),
    };
    if weekly_rate.is_some() != days.is_some() {
        return Err("weekly_rate and days go together: give both or neither.".into());
    }
    Ok((
        reference,
        RemittanceLine {
            kind,
            description: required(f[3], "description")?.to_owned(),
            amount: money(f[4], "amount")?,
            weekly_rate,
            days,
            council_note: Some(f[7]).filter(|n| !n.is_empty()).map(str::to_owned),
        },
    ))
}
