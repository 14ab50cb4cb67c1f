//! The summary statement across the people a representative acts for.

mod common;

use cfp_domain::{ClientId, LineKind, Money, RemittanceAdvice};
use cfp_statements::{summary_statement_pdf, KindTotals, Period, PersonRecords, StatementError};
use common::*;
use time::macros::date;

struct Someone {
    name: &'static str,
    id: ClientId,
    advices: Vec<RemittanceAdvice>,
}

fn three_people() -> Vec<Someone> {
    [
        (
            "Renée Muñoz-Özdemir",
            "100234567",
            "RA",
            date!(2025 - 04 - 11),
        ),
        ("Siân O'Connor", "100345678", "RB", date!(2025 - 04 - 18)),
        ("Jürgen Weiß", "100456789", "RC", date!(2025 - 05 - 02)),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, id, prefix, first))| {
        let id: ClientId = id.parse().unwrap();
        Someone {
            name,
            id,
            advices: fortnightly(10 + 5 * i, first, id, name, prefix),
        }
    })
    .collect()
}

fn records(people: &[Someone]) -> Vec<PersonRecords<'_>> {
    people
        .iter()
        .map(|p| PersonRecords {
            client_name: p.name,
            client_id: p.id,
            advices: &p.advices,
        })
        .collect()
}

#[test]
fn a_section_per_person_then_a_grand_total() {
    let people = three_people();
    let period = Period::tax_year(2025).unwrap();
    let bytes = summary_statement_pdf(&records(&people), &period, &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("summary.pdf", &bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);
    let pages = pages_text(&path);
    let all = pages.join("\n");

    assert_in_order(
        &all,
        &[
            "Hampshire County Council",
            "Summary of Direct Payments: Tax year 2025 to 2026",
            "6 April 2025 to 5 April 2026",
        ],
    );
    let mut grand = KindTotals::default();
    let mut expected: Vec<String> = Vec::new();
    for p in &people {
        let totals = KindTotals::of(&p.advices);
        grand.add(&totals);
        expected.push(format!("{} (client ID {})", p.name, p.id));
        expected.push(format!("{} payments in this period.", p.advices.len()));
        for kind in LineKind::ALL {
            expected.push(kind.label().to_string());
            expected.push(totals.get(kind).to_display_gbp());
        }
        expected.push("Net amount received".into());
        expected.push(totals.net().to_display_gbp());
    }
    expected.push("All 3 people together".into());
    expected.push("45 payments in this period.".into());
    for kind in LineKind::ALL {
        expected.push(kind.label().to_string());
        expected.push(grand.get(kind).to_display_gbp());
    }
    expected.push("Grand total received".into());
    expected.push(grand.net().to_display_gbp());
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_in_order(&all, &expected);

    // The grand total is the sum of every payment to everyone.
    let every_payment: Money = people
        .iter()
        .flat_map(|p| &p.advices)
        .map(|a| a.net_amount())
        .sum();
    assert_eq!(grand.net(), every_payment);
    assert!(line_with(&all, "Grand total received").contains(&every_payment.to_display_gbp()));

    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {}", i + 1, pages.len())));
    }
}

#[test]
fn nobody_to_summarise_is_a_plain_error() {
    let err = summary_statement_pdf(&[], &Period::tax_year(2025).unwrap(), &context()).unwrap_err();
    assert_eq!(err, StatementError::NoPeople);
    assert!(err.to_string().contains("at least one person"));
}

#[test]
fn many_people_flow_over_pages_without_splitting_a_section() {
    let mut people = three_people();
    for i in 0..6 {
        let id: ClientId = format!("2000000{i:02}").parse().unwrap();
        people.push(Someone {
            name: "Aled Pritchard",
            id,
            advices: fortnightly(
                3,
                date!(2025 - 06 - 06),
                id,
                "Aled Pritchard",
                &format!("RZ{i}"),
            ),
        });
    }
    let bytes = summary_statement_pdf(
        &records(&people),
        &Period::tax_year(2025).unwrap(),
        &context(),
    )
    .unwrap();
    let ws = Workspace::new();
    let path = ws.write("many.pdf", &bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);
    let pages = pages_text(&path);
    assert!(pages.len() >= 3);
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {}", i + 1, pages.len())));
        // A section that starts on a page ends on it: each heading has its net line after it.
        let headings = page.matches("(client ID").count();
        let nets = page.matches("Net amount received").count();
        assert_eq!(headings, nets, "page {} splits a section:\n{page}", i + 1);
    }
    assert!(pages.last().unwrap().contains("All 9 people together"));
}

#[test]
fn long_names_wrap_inside_the_margins() {
    let long_name =
        "Maria-Fernanda Konstantinopoulou-Ó Súilleabháin Wolfeschlegelsteinhausenbergerdorff";
    let id: ClientId = "100567890".parse().unwrap();
    let people = vec![Someone {
        name: long_name,
        id,
        advices: fortnightly(4, date!(2025 - 05 - 02), id, long_name, "RL"),
    }];
    let mut context = context();
    context.council_name =
        "The Royal Borough of Windsor and Maidenhead and the Isles of Scilly Joint Adult Social Care Finance Service"
            .into();
    let bytes = summary_statement_pdf(
        &records(&people),
        &Period::tax_year(2025).unwrap(),
        &context,
    )
    .unwrap();
    let ws = Workspace::new();
    let path = ws.write("long-names.pdf", &bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);
    let words = pages_text(&path).join(" ");
    let words: Vec<&str> = words.split_whitespace().collect();
    let all = words.join(" ");
    assert!(all.contains("Wolfeschlegelsteinhausenbergerdorff (client ID 100567890)"));
    assert!(all.contains("Received by all 1 person together"));
    assert!(all.contains("Joint Adult Social Care Finance Service"));
}
