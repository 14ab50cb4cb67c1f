// Sample answers for the documents, advice, access-request and statement screens, used ONLY
// in a plain web browser (see ../preview.ts) and as test data. Every name here is made up
// ("Sample Person"); no real person's data is here. The wording of explanations copies the
// app's own (cfp-domain), so the preview reads as the real app does.

import type { AccessRequestForm } from "../bindings/AccessRequestForm";
import type { AccessRequestOutcome } from "../bindings/AccessRequestOutcome";
import type { AccessRequestView } from "../bindings/AccessRequestView";
import type { AdviceView } from "../bindings/AdviceView";
import type { AssessmentStepKind } from "../bindings/AssessmentStepKind";
import type { AssessmentStepView } from "../bindings/AssessmentStepView";
import type { AssessmentView } from "../bindings/AssessmentView";
import type { BalanceRole } from "../bindings/BalanceRole";
import type { BalanceStepView } from "../bindings/BalanceStepView";
import type { DeferredItem } from "../bindings/DeferredItem";
import type { DeferredPaymentView } from "../bindings/DeferredPaymentView";
import type { DocumentListView } from "../bindings/DocumentListView";
import type { DocumentQuery } from "../bindings/DocumentQuery";
import type { DocumentSummaryView } from "../bindings/DocumentSummaryView";
import type { DocumentView } from "../bindings/DocumentView";
import type { FieldError } from "../bindings/FieldError";
import type { LineEffect } from "../bindings/LineEffect";
import type { PersonView } from "../bindings/PersonView";
import type { RelationshipView } from "../bindings/RelationshipView";
import type { StatementPreview } from "../bindings/StatementPreview";
import type { StatementPaymentView } from "../bindings/StatementPaymentView";
import type { StatementRequest } from "../bindings/StatementRequest";
import { taxYearLabel, taxYearName, taxYearRange } from "../dates";

export const SAMPLE_PERSON: PersonView = {
  personId: "sample-person",
  name: "Sample Person",
  clientId: "100000001",
  relationship: "lastingPowerOfAttorney",
  relationshipLabel: "Lasting Power of Attorney",
  lastSyncedAt: "2025-11-03T09:00:00Z",
  newDocuments: 1,
};

export const SECOND_SAMPLE_PERSON: PersonView = {
  personId: "second-sample-person",
  name: "Second Sample Person",
  clientId: "100000002",
  relationship: "deputy",
  relationshipLabel: "Deputy",
  newDocuments: 0,
};

export const SAMPLE_PEOPLE: PersonView[] = [SAMPLE_PERSON, SECOND_SAMPLE_PERSON];

const REMITTANCE = "Direct Payment remittance advice";

/** The explained advice: a budget, a contribution, a one-off payment, an Adj, an MA with the
 * finance team's note, and an overpayment recovery. */
export const SAMPLE_ADVICE: AdviceView = {
  header: {
    reference: "SAMPLE-DP-0012",
    clientId: "100000001",
    clientName: "Sample Person",
    payee: "Sample Person's Direct Payment account",
    periodFrom: "2025-10-06",
    periodTo: "2025-11-02",
    finalisedOn: "2025-10-30",
    paymentDate: "2025-11-03",
  },
  groups: [
    {
      kind: "budget",
      label: "Care budget",
      meaning:
        "This is the money agreed for your care and support. It is your weekly budget, worked out for the number of days this payment covers.",
      lines: [
        {
          description: "Care budget 6 October to 2 November",
          amount: "600.00",
          explanation: {
            kind: "budget",
            label: "Care budget",
            code: "Budget",
            meaning:
              "This is the money agreed for your care and support. It is your weekly budget, worked out for the number of days this payment covers.",
            working: "£150.00 a week for 28 days is £600.00.",
            effect: "adds",
          },
        },
      ],
      subtotal: "600.00",
    },
    {
      kind: "clientContribution",
      label: "Contribution",
      meaning:
        "This is your own share of the cost of your care. The council takes it off the payment. You need to pay the same amount into your Direct Payment account yourself.",
      lines: [
        {
          description: "Client contribution 6 October to 2 November",
          amount: "-80.00",
          explanation: {
            kind: "clientContribution",
            label: "Contribution",
            code: "Contribution",
            meaning:
              "This is your own share of the cost of your care. The council takes it off the payment. You need to pay the same amount into your Direct Payment account yourself.",
            working: "£20.00 a week for 28 days is £80.00.",
            effect: "takesOff",
          },
        },
      ],
      subtotal: "-80.00",
    },
    {
      kind: "oneOffPayment",
      label: "One-off payment",
      meaning:
        "This is an extra payment that your social worker agreed to. It is for something outside your usual care, and it is added on top of your usual payment.",
      lines: [
        {
          description: "Grab rail for the bathroom",
          amount: "120.00",
          explanation: {
            kind: "oneOffPayment",
            label: "One-off payment",
            code: "One-off",
            meaning:
              "This is an extra payment that your social worker agreed to. It is for something outside your usual care, and it is added on top of your usual payment.",
            effect: "adds",
          },
        },
      ],
      subtotal: "120.00",
    },
    {
      kind: "rateAdjustment",
      label: "Rate adjustment (Adj)",
      meaning:
        "'Adj' means a rate adjustment. Your budget or your contribution changed, and the change goes back to earlier dates. This line adds or takes away the difference for those dates.",
      lines: [
        {
          description: "Adj contribution 8 September to 5 October",
          amount: "-12.50",
          explanation: {
            kind: "rateAdjustment",
            label: "Rate adjustment (Adj)",
            code: "Adj",
            meaning:
              "'Adj' means a rate adjustment. Your budget or your contribution changed, and the change goes back to earlier dates. This line adds or takes away the difference for those dates.",
            effect: "takesOff",
          },
        },
      ],
      subtotal: "-12.50",
    },
    {
      kind: "manualAdjustment",
      label: "Manual adjustment (MA)",
      meaning:
        "'MA' means a manual adjustment. Someone in the finance team changed this payment by hand. Their note says why. If the note does not tell you enough, contact the finance team.",
      lines: [
        {
          description: "MA bank charges refund",
          amount: "25.00",
          explanation: {
            kind: "manualAdjustment",
            label: "Manual adjustment (MA)",
            code: "MA",
            meaning:
              "'MA' means a manual adjustment. Someone in the finance team changed this payment by hand. Their note says why. If the note does not tell you enough, contact the finance team.",
            councilNote: "We are paying back the bank charges for July. Your social worker agreed this.",
            effect: "adds",
          },
        },
      ],
      subtotal: "25.00",
    },
    {
      kind: "overpaymentRecovery",
      label: "Overpayment recovery",
      meaning:
        "The council paid you too much before. This often happens when your contribution is checked again for past dates. The council takes the extra back from your payments until it is all repaid. Keep paying your new weekly contribution into your account, so there is enough money for your care.",
      lines: [
        {
          description: "Overpayment recovery, part 2 of 5",
          amount: "-40.00",
          explanation: {
            kind: "overpaymentRecovery",
            label: "Overpayment recovery",
            code: "Recovery",
            meaning:
              "The council paid you too much before. This often happens when your contribution is checked again for past dates. The council takes the extra back from your payments until it is all repaid. Keep paying your new weekly contribution into your account, so there is enough money for your care.",
            effect: "takesOff",
          },
        },
      ],
      subtotal: "-40.00",
    },
  ],
  totals: { added: "745.00", takenOff: "132.50", paid: "612.50" },
  changes: [
    { kind: "contributionRate", sentence: "Your weekly contribution went up from £17.50 to £20.00." },
    { kind: "rateAdjustment", sentence: "There is a rate adjustment (Adj) of £12.50 taken off for earlier dates." },
    { kind: "manualAdjustment", sentence: "There is a manual adjustment (MA) of £25.00 added. The finance team's note says why." },
    { kind: "oneOffPayment", sentence: "There is a one-off payment of £120.00." },
  ],
  previousPaymentDate: "2025-10-06",
};

function summary(index: number, paymentDate: string, from: string, to: string, net: string): DocumentSummaryView {
  return {
    documentId: `sample-advice-${index}`,
    kind: "remittanceAdvice",
    kindLabel: REMITTANCE,
    reference: `SAMPLE-DP-${String(index).padStart(4, "0")}`,
    date: paymentDate,
    periodFrom: from,
    periodTo: to,
    net,
  };
}

/** Every sample document, newest first. The first is SAMPLE_ADVICE. */
export const SAMPLE_DOCUMENTS: DocumentSummaryView[] = [
  summary(12, "2025-11-03", "2025-10-06", "2025-11-02", "612.50"),
  summary(11, "2025-10-06", "2025-09-08", "2025-10-05", "530.00"),
  summary(10, "2025-09-08", "2025-08-11", "2025-09-07", "530.00"),
  summary(9, "2025-08-11", "2025-07-14", "2025-08-10", "530.00"),
  summary(8, "2025-07-14", "2025-06-16", "2025-07-13", "530.00"),
  summary(7, "2025-06-16", "2025-05-19", "2025-06-15", "530.00"),
  summary(6, "2025-05-19", "2025-04-21", "2025-05-18", "530.00"),
  summary(5, "2025-04-21", "2025-03-24", "2025-04-20", "530.00"),
  summary(4, "2025-03-24", "2025-02-24", "2025-03-23", "530.00"),
];

const CONTACT_LINK = "mailto:finance@example.org?subject=Payment%20SAMPLE-DP-0012";

/** A plain advice (budget and contribution only), for every sample document but the first. */
function plainAdvice(doc: DocumentSummaryView, previous: DocumentSummaryView | undefined): AdviceView {
  const [budget, contribution] = SAMPLE_ADVICE.groups;
  const plain: AdviceView = {
    header: {
      ...SAMPLE_ADVICE.header,
      reference: doc.reference ?? "",
      periodFrom: doc.periodFrom ?? doc.date,
      periodTo: doc.periodTo ?? doc.date,
      paymentDate: doc.date,
      finalisedOn: doc.date,
    },
    groups: [
      budget!,
      {
        ...contribution!,
        lines: [
          {
            ...contribution!.lines[0]!,
            amount: "-70.00",
            explanation: { ...contribution!.lines[0]!.explanation, working: "£17.50 a week for 28 days is £70.00." },
          },
        ],
        subtotal: "-70.00",
      },
    ],
    totals: { added: "600.00", takenOff: "70.00", paid: "530.00" },
    changes: [],
  };
  if (previous) plain.previousPaymentDate = previous.date;
  return plain;
}

/** A Deferred Payment statement, as the app explains it (not in the sample list). */
export const SAMPLE_DEFERRED: DeferredPaymentView = {
  header: {
    reference: "SAMPLE-DPS-0042",
    agreementReference: "SAMPLE-DPA-0042",
    clientId: "100000001",
    clientName: "Sample Person",
    periodFrom: "2025-10-01",
    periodTo: "2026-03-31",
    issuedOn: "2026-04-10",
  },
  balance: [
    figure("start", "openingBalance", "Opening balance", "12000.00", "This is what you owed the council when this statement started."),
    figure("adds", "careCostsDeferred", "Care costs deferred", "9000.00", "This is the cost of your care that the council paid for you in these months, to be paid back later."),
    figure("adds", "interest", "Interest", "182.40", "This is the interest added to what you owe, worked out every day at the rate shown."),
    figure("adds", "administrationCharges", "Administration charges", "60.00", "This is what the council charges for setting up and running your agreement."),
    figure("takesOff", "paymentsReceived", "Payments received", "500.00", "This is the money you or your family paid back in these months, taken off what you owe."),
    figure("result", "closingBalance", "Closing balance", "20742.40", "This is what you owed the council when this statement ended."),
  ],
  equityLimit: {
    item: "equityLimit",
    label: "Equity limit",
    amount: "153000.00",
    explanation: "This is the most you can owe, based on the value of your home less a safe margin.",
  },
  headroom: {
    item: "headroom",
    label: "Headroom",
    amount: "132257.60",
    explanation: "This is how much more you can owe before you reach the equity limit.",
  },
  headroomSentence: "You can owe £132,257.60 more before you reach your equity limit of £153,000.00.",
  pastEquityLimit: false,
  interestRates: [
    { appliesFrom: "2025-07-01", percentAYear: "2.65" },
    { appliesFrom: "2026-01-01", percentAYear: "2.40" },
  ],
};

function figure(
  role: BalanceRole,
  item: DeferredItem,
  label: string,
  amount: string,
  explanation: string,
): BalanceStepView {
  return { role, figure: { item, label, amount, explanation } };
}

/** A financial assessment result, as the app explains it (not in the sample list). */
export const SAMPLE_ASSESSMENT: AssessmentView = {
  reference: "SAMPLE-FA-0007",
  clientId: "100000001",
  clientName: "Sample Person",
  assessedOn: "2025-11-25",
  appliesFrom: "2025-12-08",
  weeklyContribution: "18.55",
  steps: [
    step("incomeCounted", "Income counted", "State Pension", "221.20", "adds", "This is money you get each week, like a pension or benefit, that counts towards your contribution."),
    step("incomeCounted", "Income counted", "Pension Credit", "108.55", "adds", "This is money you get each week, like a pension or benefit, that counts towards your contribution."),
    step("tariffIncome", "Income counted from savings", "Savings over £14,250", "7.00", "adds", "Because your savings are over the lower limit, we count £1 a week for every £250 over it."),
    step("disregard", "Income left out", "Savings Credit", "-35.90", "takesOff", "This is money you get that the rules say we must leave out, so it is taken off."),
    step("housingCosts", "Housing costs", "Council tax", "-15.00", "takesOff", "This is what you pay each week for your home, like rent or council tax, so it is taken off."),
    step("disabilityRelatedExpenditure", "Disability-related costs", "Extra heating and laundry", "-38.60", "takesOff", "These are the extra costs you have because of a disability or illness, so they are taken off."),
    step("minimumIncomeGuarantee", "Money you keep to live on", "Minimum Income Guarantee", "-228.70", "takesOff", "This is the money the law says you must keep each week to live on, so it is taken off."),
  ],
  stepsTotal: "18.55",
  capital: "16000.00",
  note: "We used your pension letter from April.",
};

function step(
  kind: AssessmentStepKind,
  label: string,
  description: string,
  weeklyAmount: string,
  effect: LineEffect,
  explanation: string,
): AssessmentStepView {
  return { kind, label, description, weeklyAmount, effect, explanation };
}

const OTHER_KINDS: Record<string, DocumentView> = {
  "sample-deferred-1": {
    person: SAMPLE_PERSON,
    summary: {
      documentId: "sample-deferred-1",
      kind: "deferredPaymentStatement",
      kindLabel: "Deferred Payment statement",
      reference: SAMPLE_DEFERRED.header.reference,
      date: SAMPLE_DEFERRED.header.issuedOn,
      periodFrom: SAMPLE_DEFERRED.header.periodFrom,
      periodTo: SAMPLE_DEFERRED.header.periodTo,
      net: "20742.40",
    },
    deferredPayment: SAMPLE_DEFERRED,
    kindMeaning: "How much you owe the council under your deferred payment agreement.",
    contactLink: "mailto:finance@example.org?subject=About%20deferred%20payment%20statement%20SAMPLE-DPS-0042",
  },
  "sample-assessment-1": {
    person: SAMPLE_PERSON,
    summary: {
      documentId: "sample-assessment-1",
      kind: "financialAssessmentResult",
      kindLabel: "Financial assessment result",
      reference: SAMPLE_ASSESSMENT.reference,
      date: SAMPLE_ASSESSMENT.appliesFrom,
      net: SAMPLE_ASSESSMENT.weeklyContribution,
    },
    assessment: SAMPLE_ASSESSMENT,
    kindMeaning: "How much you pay towards your care each week, and how it was worked out.",
    contactLink: "mailto:finance@example.org?subject=About%20financial%20assessment%20result%20SAMPLE-FA-0007",
  },
};

export function sampleDocument(documentId: string): DocumentView | null {
  const other = OTHER_KINDS[documentId];
  if (other) return structuredClone(other);
  const index = SAMPLE_DOCUMENTS.findIndex((doc) => doc.documentId === documentId);
  const doc = SAMPLE_DOCUMENTS[index];
  if (!doc) return null;
  return {
    person: SAMPLE_PERSON,
    summary: doc,
    advice: index === 0 ? SAMPLE_ADVICE : plainAdvice(doc, SAMPLE_DOCUMENTS[index + 1]),
    kindMeaning: "A note of one Direct Payment: how much was paid and how it was worked out.",
    contactLink: CONTACT_LINK.replace("SAMPLE-DP-0012", doc.reference ?? ""),
  };
}

export function sampleDocumentList(personId: string, query: DocumentQuery): DocumentListView | null {
  const person = SAMPLE_PEOPLE.find((p) => p.personId === personId);
  if (!person) return null;
  const all = person === SAMPLE_PERSON ? SAMPLE_DOCUMENTS : [];
  const words = query.search?.trim().toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  const documents = all.filter((doc) => {
    if (query.kind && doc.kind !== query.kind) return false;
    if (query.from && doc.date < query.from) return false;
    if (query.to && doc.date > query.to) return false;
    const text = [
      doc.reference ?? "",
      ...(doc === SAMPLE_DOCUMENTS[0] ? SAMPLE_ADVICE.groups.flatMap((g) => g.lines.map((l) => l.description)) : []),
    ]
      .join(" ")
      .toLowerCase();
    return words.every((word) => text.includes(word));
  });
  return { person, documents, total: all.length };
}

export const SAMPLE_RELATIONSHIPS: RelationshipView[] = [
  {
    relationship: "myself",
    label: "Myself",
    meaning: "You want to see your own payments and letters.",
    evidenceHint: "Your client ID if you know it. It is on your letters.",
    isFormalRole: false,
  },
  {
    relationship: "lastingPowerOfAttorney",
    label: "Lasting Power of Attorney",
    meaning: "The person chose you, in a legal document, to look after their money.",
    evidenceHint: "The 13-character access code from the Office of the Public Guardian. It starts with V.",
    isFormalRole: true,
  },
  {
    relationship: "deputy",
    label: "Deputy",
    meaning: "A court (the Court of Protection) chose you to look after the person's money.",
    evidenceHint: "The court order number from your Court of Protection order.",
    isFormalRole: true,
  },
  {
    relationship: "appointee",
    label: "Appointee",
    meaning: "The Department for Work and Pensions lets you deal with the person's benefits.",
    evidenceHint: "The date of your appointee letter from the DWP.",
    isFormalRole: true,
  },
  {
    relationship: "directPaymentNominee",
    label: "Direct Payment Nominee",
    meaning: "You agreed with the council to manage the person's Direct Payment for them.",
    evidenceHint: "The date you signed the Direct Payment agreement as nominee.",
    isFormalRole: true,
  },
  {
    relationship: "nominatedFinancialRepresentative",
    label: "Nominated financial representative",
    meaning: "The council agreed that you can deal with the person's money matters.",
    evidenceHint: "The name of the council worker who agreed you can act for the person.",
    isFormalRole: true,
  },
];

const SAMPLE_FORM: AccessRequestForm = {
  relationship: "deputy",
  givenName: "Third",
  familyName: "Sample Person",
  birthDay: "1",
  birthMonth: "2",
  birthYear: "1940",
  postcode: "AB1 2CD",
  clientId: "",
  evidence: "COP-00000000",
};

export const SAMPLE_REQUESTS: AccessRequestView[] = [
  {
    requestId: "sample-request-3",
    relationship: "deputy",
    relationshipLabel: "Deputy",
    personName: "Third Sample Person",
    state: {
      state: "rejected",
      reason:
        "The date of birth does not match our records. Please check it against a letter from us and send the request again.",
    },
    statusLabel: "Not approved",
    submittedAt: "2025-10-20T10:15:00Z",
    canResubmit: true,
    canWithdraw: false,
    form: SAMPLE_FORM,
  },
  {
    requestId: "sample-request-2",
    relationship: "deputy",
    relationshipLabel: "Deputy",
    personName: "Second Sample Person",
    state: { state: "pending" },
    statusLabel: "Waiting for review",
    submittedAt: "2025-10-28T14:00:00Z",
    canResubmit: false,
    canWithdraw: true,
    form: { ...SAMPLE_FORM, givenName: "Second" },
  },
  {
    requestId: "sample-request-1",
    relationship: "lastingPowerOfAttorney",
    relationshipLabel: "Lasting Power of Attorney",
    personName: "Sample Person",
    state: { state: "approved" },
    statusLabel: "Approved",
    submittedAt: "2025-03-02T09:30:00Z",
    canResubmit: false,
    canWithdraw: false,
    form: { ...SAMPLE_FORM, relationship: "lastingPowerOfAttorney", givenName: "Sample", familyName: "Person", evidence: "V00000000000" },
  },
];

/** Roughly what the app checks, so the preview can show the error summary. */
export function checkSampleForm(form: AccessRequestForm): FieldError[] {
  const errors: FieldError[] = [];
  if (!form.relationship) errors.push({ field: "relationship", message: "Choose whose documents you want to see" });
  if (!form.givenName.trim()) errors.push({ field: "givenName", message: "Enter the first name" });
  if (!form.familyName.trim()) errors.push({ field: "familyName", message: "Enter the last name" });
  if (!form.birthDay.trim() || !form.birthMonth.trim() || !form.birthYear.trim()) {
    errors.push({ field: "birthDay", message: "Enter the date of birth in full" });
  }
  if (!form.postcode.trim()) errors.push({ field: "postcode", message: "Enter the postcode" });
  if (form.clientId.trim() && !/^\d{9}$/.test(form.clientId.trim())) {
    errors.push({ field: "clientId", message: "The client ID must be 9 numbers" });
  }
  if (form.relationship && form.relationship !== "myself" && !form.evidence.trim()) {
    errors.push({ field: "evidence", message: "Enter your proof that you act for the person" });
  }
  return errors;
}

function sampleOutcome(form: AccessRequestForm): AccessRequestOutcome {
  const errors = checkSampleForm(form);
  if (errors.length > 0) return { outcome: "invalid", errors };
  const role = SAMPLE_RELATIONSHIPS.find((r) => r.relationship === form.relationship)!;
  return {
    outcome: "sent",
    request: {
      requestId: "sample-request-new",
      relationship: role.relationship,
      relationshipLabel: role.label,
      personName: `${form.givenName.trim()} ${form.familyName.trim()}`,
      state: { state: "pending" },
      statusLabel: "Waiting for review",
      submittedAt: "2025-11-03T12:00:00Z",
      canResubmit: false,
      canWithdraw: true,
      form,
    },
  };
}

export function sampleStatement(request: StatementRequest): StatementPreview {
  let from: string;
  let to: string;
  let periodName: string;
  let periodLabel: string;
  let fileStem: string;
  switch (request.period.period) {
    case "taxYear":
      ({ from, to } = taxYearRange(request.period.startYear));
      periodName = `tax year ${taxYearName(request.period.startYear)}`;
      periodLabel = taxYearLabel(request.period.startYear);
      fileStem = `${request.period.startYear}-${String((request.period.startYear + 1) % 100).padStart(2, "0")}`;
      break;
    case "calendarYear":
      from = `${request.period.year}-01-01`;
      to = `${request.period.year}-12-31`;
      periodName = `${request.period.year}`;
      periodLabel = `1 January ${request.period.year} to 31 December ${request.period.year}`;
      fileStem = `${request.period.year}`;
      break;
    case "range":
      ({ from, to } = request.period);
      periodName = `${from} to ${to}`;
      periodLabel = periodName;
      fileStem = `${from}-to-${to}`;
      break;
  }
  const documents = request.personId === SECOND_SAMPLE_PERSON.personId
    ? []
    : SAMPLE_DOCUMENTS.filter((doc) => doc.date >= from && doc.date <= to);
  // A summary across everyone names the person on each row, as the app does.
  const everyone = !request.personId;
  const firstPersonName = SAMPLE_PEOPLE[0]!.name;
  const payments: StatementPaymentView[] = documents.map((doc) => (everyone ? { ...doc, personName: firstPersonName } : doc));
  // The sample adds no money up: these figures are fixed for the sample period.
  const first = documents.some((doc) => doc.documentId === SAMPLE_DOCUMENTS[0]!.documentId);
  const plain = payments.length - (first ? 1 : 0);
  const pence = (n: number) => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, "0")}`;
  const budget = plain * 60000 + (first ? 60000 : 0);
  const contributions = plain * 7000 + (first ? 8000 : 0);
  const net = plain * 53000 + (first ? 61250 : 0);
  const who = request.personId ? SAMPLE_PEOPLE.find((p) => p.personId === request.personId)?.name : undefined;
  return {
    title: who ? `Statement for ${who}, ${periodName}` : `Summary for everyone you act for, ${periodName}`,
    periodLabel,
    payments,
    totalsByKind: [
      { label: "Care budget", amount: pence(budget) },
      { label: "Contributions", amount: contributions === 0 ? "0.00" : `-${pence(contributions)}` },
      { label: "One-off payments", amount: first ? "120.00" : "0.00" },
      { label: "Adjustments (Adj and MA)", amount: first ? "12.50" : "0.00" },
      { label: "Overpayment recoveries", amount: first ? "-40.00" : "0.00" },
    ],
    netReceived: pence(net),
    suggestedFileName: `statement-${fileStem}.${request.format}`,
  };
}

/** The preview's answer to one of these screens' commands, or null if it is not one of them. */
export function documentsPreviewAnswer(
  command: string,
  args: Record<string, unknown> = {},
): { answer: unknown } | null {
  switch (command) {
    case "documents": {
      const list = sampleDocumentList(String(args.personId), (args.query ?? {}) as DocumentQuery);
      if (!list) throw NOT_FOUND;
      return { answer: list };
    }
    case "document": {
      const view = sampleDocument(String(args.documentId));
      if (!view) throw NOT_FOUND;
      return { answer: view };
    }
    case "relationships":
      return { answer: SAMPLE_RELATIONSHIPS };
    case "access_requests":
      return { answer: SAMPLE_REQUESTS };
    case "request_access":
    case "resubmit_access_request":
      return { answer: sampleOutcome(args.form as AccessRequestForm) };
    case "withdraw_access_request":
      return {
        answer: SAMPLE_REQUESTS.map((request) =>
          request.requestId === args.requestId
            ? { ...request, state: { state: "withdrawn" }, statusLabel: "Withdrawn", canWithdraw: false }
            : request,
        ),
      };
    case "statement_preview":
      return { answer: sampleStatement(args.request as StatementRequest) };
    default:
      return null;
  }
}

const NOT_FOUND = { code: "notFound", message: "We could not find this in the preview." };
