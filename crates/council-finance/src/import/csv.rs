//! The finance system's CSV export, as documented in `IMPORT.md`: one row per record, the first
//! field says what the row is (`PERSON`, `REMITTANCE`, `LINE`, `DEFERRED`, `DEFERRED_RATE`,
//! `ASSESSMENT`, `ASSESSMENT_STEP`, `WITHDRAW`), lines starting with `#` are comments. Every row
//! is checked; every problem is reported with its line number.

mod kinds;

use std::collections::HashMap;

use cfp_domain::{
    DeferredPaymentStatement, FinancialAssessmentResult, Money, RemittanceAdvice, RemittanceHeader,
    RemittanceLine, UncheckedResult,
};
use council_api::ImportPerson;
use time::Date;

use kinds::{ASSESSMENT_FIELDS, ASSESSMENT_STEP_FIELDS, DEFERRED_FIELDS, DEFERRED_RATE_FIELDS};

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

/// Documents whose first row (an advice's REMITTANCE, say) is followed by rows of parts (its
/// LINEs). Parts may come before or after their document's row, so they wait until the end.
struct Drafts<H, P> {
    /// The row name and the word for the document, for messages: ("REMITTANCE", "advice").
    row: &'static str,
    noun: &'static str,
    heads: Vec<(u64, H, Vec<P>)>,
    by_reference: HashMap<String, usize>,
    loose: Vec<(u64, String, P)>,
}

impl<H, P> Drafts<H, P> {
    fn new(row: &'static str, noun: &'static str) -> Self {
        Drafts {
            row,
            noun,
            heads: Vec::new(),
            by_reference: HashMap::new(),
            loose: Vec::new(),
        }
    }

    fn head(&mut self, line: u64, reference: &str, head: H) -> Result<(), String> {
        if let Some(&index) = self.by_reference.get(reference) {
            return Err(format!(
                "{} {reference} is already on line {} of this file.",
                self.noun, self.heads[index].0
            ));
        }
        self.by_reference
            .insert(reference.to_owned(), self.heads.len());
        self.heads.push((line, head, Vec::new()));
        Ok(())
    }

    fn part(&mut self, line: u64, reference: String, part: P) {
        self.loose.push((line, reference, part));
    }

    /// Each document with its parts in file order; a part with no document is a problem.
    fn finish(mut self, problems: &mut Vec<Problem>) -> Vec<(u64, H, Vec<P>)> {
        for (line, reference, part) in self.loose {
            match self.by_reference.get(&reference) {
                Some(&index) => self.heads[index].2.push(part),
                None => problems.push(problem(
                    line,
                    format!(
                        "there is no {} row for {} {reference} in this file.",
                        self.row, self.noun
                    ),
                )),
            }
        }
        self.heads
    }
}

/// Parses a whole file. Returns every problem found (up to [`MAX_PROBLEMS`]) if there is any.
pub fn parse(bytes: &[u8]) -> Result<Batch, Vec<Problem>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(::csv::Trim::All)
        .from_reader(bytes);
    let line_of = LineNumbers::of(bytes);
    let mut problems: Vec<Problem> = Vec::new();
    let mut batch = Batch::default();
    let mut person_lines: HashMap<String, u64> = HashMap::new();
    let mut advices: Drafts<(RemittanceHeader, Money), RemittanceLine> =
        Drafts::new("REMITTANCE", "advice");
    let mut statements = Drafts::new("DEFERRED", "statement");
    let mut assessments: Drafts<UncheckedResult, _> = Drafts::new("ASSESSMENT", "assessment");

    for record in reader.records() {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = line_of.at(error.position());
                problems.push(problem(
                    line,
                    "this row is not valid CSV (check its quotes).".into(),
                ));
                continue;
            }
        };
        let line = line_of.at(record.position());
        let fields: Vec<&str> = record.iter().collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        let result = match fields[0].to_ascii_uppercase().as_str() {
            "PERSON" => row_fields(&fields, &PERSON_FIELDS).and_then(person).and_then(|p| {
                let key = p.client_id.to_string();
                if let Some(first) = person_lines.insert(key, line) {
                    return Err(format!(
                        "client {} is already on line {first} of this file.",
                        p.client_id
                    ));
                }
                batch.people.push(Sourced { at: Location::Line(line), item: p });
                Ok(())
            }),
            "REMITTANCE" => row_fields(&fields, &REMITTANCE_FIELDS)
                .and_then(remittance)
                .and_then(|(header, net)| advices.head(line, &header.reference.clone(), (header, net))),
            "LINE" => row_fields(&fields, &LINE_FIELDS)
                .and_then(remittance_line)
                .map(|(reference, l)| advices.part(line, reference, l)),
            "DEFERRED" => row_fields(&fields, &DEFERRED_FIELDS)
                .and_then(kinds::deferred)
                .and_then(|(header, amounts)| {
                    statements.head(line, &header.reference.clone(), (header, amounts))
                }),
            "DEFERRED_RATE" => row_fields(&fields, &DEFERRED_RATE_FIELDS)
                .and_then(kinds::deferred_rate)
                .map(|(reference, rate)| statements.part(line, reference, rate)),
            "ASSESSMENT" => row_fields(&fields, &ASSESSMENT_FIELDS)
                .and_then(kinds::assessment)
                .and_then(|result| assessments.head(line, &result.reference.clone(), result)),
            "ASSESSMENT_STEP" => row_fields(&fields, &ASSESSMENT_STEP_FIELDS)
                .and_then(kinds::assessment_step)
                .map(|(reference, step)| assessments.part(line, reference, step)),
            "WITHDRAW" => row_fields(&fields, &WITHDRAW_FIELDS).map(|f| {
                batch.withdrawn.push(Sourced { at: Location::Line(line), item: f[1].to_owned() });
            }),
            other => Err(format!(
                "'{}' is not a kind of row this import knows. Rows start with PERSON, REMITTANCE, LINE, \
                 DEFERRED, DEFERRED_RATE, ASSESSMENT, ASSESSMENT_STEP or WITHDRAW.",
                shorten(other)
            )),
        };
        if let Err(reason) = result {
            problems.push(problem(line, reason));
        }
    }

    for (at, (header, net_amount), lines) in advices.finish(&mut problems) {
        match RemittanceAdvice::new(header, lines, net_amount) {
            Ok(item) => batch.remittances.push(Sourced {
                at: Location::Line(at),
                item,
            }),
            Err(error) => problems.push(problem(at, error.to_string())),
        }
    }
    for (at, (header, mut amounts), rates) in statements.finish(&mut problems) {
        amounts.interest_rates = rates;
        match DeferredPaymentStatement::new(header, amounts) {
            Ok(item) => batch.deferred_payments.push(Sourced {
                at: Location::Line(at),
                item,
            }),
            Err(error) => problems.push(problem(at, error.to_string())),
        }
    }
    for (at, mut result, steps) in assessments.finish(&mut problems) {
        result.steps = steps;
        match FinancialAssessmentResult::new(result) {
            Ok(item) => batch.assessments.push(Sourced {
                at: Location::Line(at),
                item,
            }),
            Err(error) => problems.push(problem(at, error.to_string())),
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

/// The file's line numbers as an editor shows them. The csv reader gives each record the
/// position where it started reading it, which is before any comment or empty lines it skipped
/// on the way, so every row after a `#` line would be named a line too early: the record's own
/// line is the first one from there that is neither.
struct LineNumbers<'a> {
    bytes: &'a [u8],
    /// Where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineNumbers<'a> {
    fn of(bytes: &'a [u8]) -> Self {
        let after_newlines = (bytes.iter().enumerate())
            .filter(|(_, b)| **b == b'\n')
            .map(|(at, _)| at + 1);
        LineNumbers {
            bytes,
            starts: std::iter::once(0).chain(after_newlines).collect(),
        }
    }

    /// The line (from 1) of the record read from this position; the last line without one.
    fn at(&self, position: Option<&::csv::Position>) -> u64 {
        let Some(position) = position else {
            return self.starts.len() as u64;
        };
        let byte = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        let mut index = self.starts.partition_point(|&start| start <= byte).max(1) - 1;
        while index + 1 < self.starts.len() {
            let line = &self.bytes[self.starts[index]..self.starts[index + 1]];
            let skipped = line.first() == Some(&b'#') || line == b"\n" || line == b"\r\n";
            if !skipped {
                break;
            }
            index += 1;
        }
        index as u64 + 1
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
