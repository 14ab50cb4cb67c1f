-- Deferred Payment statements and financial assessment results: like remittance advices, each is
-- a finance_documents row (reference, version, change number, stored JSON) plus rows of its own.
-- Portable as 2001 is: money as BIGINT pence, dates as ISO TEXT. Interest rates are exact
-- decimals (per cent a year) kept as TEXT, since SQLite would turn a NUMERIC into a float.

CREATE TABLE finance_deferred_statements (
    document_id                  TEXT PRIMARY KEY REFERENCES finance_documents (document_id),
    agreement_reference          TEXT NOT NULL,
    client_name                  TEXT NOT NULL,
    period_from                  TEXT NOT NULL,
    period_to                    TEXT NOT NULL,
    issued_on                    TEXT NOT NULL,
    opening_balance_pence        BIGINT NOT NULL,
    care_costs_deferred_pence    BIGINT NOT NULL,
    interest_pence               BIGINT NOT NULL,
    administration_charges_pence BIGINT NOT NULL,
    payments_received_pence      BIGINT NOT NULL,
    closing_balance_pence        BIGINT NOT NULL,
    equity_limit_pence           BIGINT NOT NULL,
    headroom_pence               BIGINT NOT NULL
);

CREATE TABLE finance_deferred_rates (
    document_id    TEXT NOT NULL REFERENCES finance_documents (document_id),
    rate_no        INTEGER NOT NULL,
    applies_from   TEXT NOT NULL,
    percent_a_year TEXT NOT NULL,
    PRIMARY KEY (document_id, rate_no)
);

CREATE TABLE finance_assessments (
    document_id               TEXT PRIMARY KEY REFERENCES finance_documents (document_id),
    client_name               TEXT NOT NULL,
    assessed_on               TEXT NOT NULL,
    applies_from              TEXT NOT NULL,
    weekly_contribution_pence BIGINT NOT NULL,
    capital_pence             BIGINT,
    note                      TEXT
);

CREATE TABLE finance_assessment_steps (
    document_id  TEXT NOT NULL REFERENCES finance_documents (document_id),
    step_no      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    description  TEXT NOT NULL,
    weekly_pence BIGINT NOT NULL,
    PRIMARY KEY (document_id, step_no)
);
