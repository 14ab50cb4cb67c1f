//! One person's advices, as the caller hands them over.

use cfp_domain::{ClientId, RemittanceAdvice};

use crate::{Period, StatementError};

/// The advices of one person, with the name and client ID to print at the top.
#[derive(Clone, Copy, Debug)]
pub struct PersonRecords<'a> {
    pub client_name: &'a str,
    pub client_id: ClientId,
    pub advices: &'a [RemittanceAdvice],
}

impl<'a> PersonRecords<'a> {
    /// Refuses a set that mixes people: printing someone else's payment on a statement would
    /// be both wrong and a data breach.
    pub(crate) fn check_one_person(&self) -> Result<(), StatementError> {
        match self
            .advices
            .iter()
            .find(|a| a.header().client_id != self.client_id)
        {
            Some(stranger) => Err(StatementError::AdviceForAnotherPerson {
                reference: stranger.header().reference.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Every advice, oldest payment first (then by reference, so the order never depends on
    /// how the caller happened to list them).
    pub(crate) fn in_payment_order(&self) -> Result<Vec<&'a RemittanceAdvice>, StatementError> {
        self.check_one_person()?;
        let mut advices: Vec<_> = self.advices.iter().collect();
        advices.sort_by(|a, b| {
            (a.header().payment_date, &a.header().reference)
                .cmp(&(b.header().payment_date, &b.header().reference))
        });
        Ok(advices)
    }

    /// The advices paid within the period (see [`Period`] for why the payment date decides).
    pub(crate) fn paid_in(
        &self,
        period: &Period,
    ) -> Result<Vec<&'a RemittanceAdvice>, StatementError> {
        let mut advices = self.in_payment_order()?;
        advices.retain(|a| period.contains(a.header().payment_date));
        Ok(advices)
    }
}
