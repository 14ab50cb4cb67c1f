//! Adding advices up, exactly, by kind of line.

use cfp_domain::{LineKind, Money, RemittanceAdvice};

/// The six kinds of line added up separately, for the "totals by kind" tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindTotals {
    amounts: [Money; LineKind::ALL.len()],
}

impl KindTotals {
    pub fn of<'a>(advices: impl IntoIterator<Item = &'a RemittanceAdvice>) -> Self {
        let mut totals = KindTotals::default();
        for advice in advices {
            totals.add_advice(advice);
        }
        totals
    }

    fn add_advice(&mut self, advice: &RemittanceAdvice) {
        for (slot, kind) in self.amounts.iter_mut().zip(LineKind::ALL) {
            *slot = *slot + advice.total_of(kind);
        }
    }

    pub fn add(&mut self, other: &KindTotals) {
        for (slot, more) in self.amounts.iter_mut().zip(other.amounts) {
            *slot = *slot + more;
        }
    }

    pub fn get(&self, kind: LineKind) -> Money {
        let index = LineKind::ALL
            .iter()
            .position(|k| *k == kind)
            .expect("every kind is in LineKind::ALL");
        self.amounts[index]
    }

    /// Each kind with its total, in the order of [`LineKind::ALL`].
    pub fn rows(&self) -> impl Iterator<Item = (LineKind, Money)> + '_ {
        LineKind::ALL.into_iter().zip(self.amounts)
    }

    /// The net amount received: every line of every advice added up.
    pub fn net(&self) -> Money {
        self.amounts.iter().sum()
    }
}

/// The columns of a period statement row. Rate adjustments (Adj) and manual adjustments (MA)
/// share one "Adjustments" column so the table fits an A4 page at a readable size; the totals
/// by kind below the table still show them apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColumnTotals {
    pub budget: Money,
    pub contributions: Money,
    pub one_off: Money,
    pub adjustments: Money,
    pub recoveries: Money,
    pub net: Money,
}

impl ColumnTotals {
    pub fn of_advice(advice: &RemittanceAdvice) -> Self {
        Self::from_kinds(&KindTotals::of([advice]))
    }

    pub fn from_kinds(k: &KindTotals) -> Self {
        ColumnTotals {
            budget: k.get(LineKind::Budget),
            contributions: k.get(LineKind::ClientContribution),
            one_off: k.get(LineKind::OneOffPayment),
            adjustments: k.get(LineKind::RateAdjustment) + k.get(LineKind::ManualAdjustment),
            recoveries: k.get(LineKind::OverpaymentRecovery),
            net: k.net(),
        }
    }

    /// The amounts in the order the columns are printed.
    pub fn amounts(&self) -> [Money; 6] {
        [
            self.budget,
            self.contributions,
            self.one_off,
            self.adjustments,
            self.recoveries,
            self.net,
        ]
    }
}
