//! The emails the finance team's decisions send to the requester. Plain text, plain words, and
//! always the reason when the answer is no or access is taken away.

use council_kit::mail::Email;

use crate::access::StoredRequest;

pub fn approved(council: &str, request: &StoredRequest) -> Email {
    Email {
        to: request.requester_email.clone(),
        subject: "Your request to see financial documents was approved".into(),
        body: format!(
            "Dear {requester},\n\n\
             {council} has approved your request to see the financial documents of {person}.\n\n\
             Open the Client Finance Portal app and sign in. {person} now appears in your list of \
             people, and their documents will download the next time the app syncs.\n\n\
             If you did not ask for this, contact the finance team straight away.\n\n\
             {council} finance team\n",
            requester = request.requester_name,
            person = request.person_name(),
        ),
    }
}

pub fn rejected(council: &str, request: &StoredRequest, reason: &str) -> Email {
    Email {
        to: request.requester_email.clone(),
        subject: "Your request to see financial documents was not approved".into(),
        body: format!(
            "Dear {requester},\n\n\
             {council} could not approve your request to see the financial documents of {person}.\n\n\
             The reason is: {reason}\n\n\
             What you can do: open the Client Finance Portal app, go to your access requests, \
             choose this request and select \"Correct and send again\". Check that the name, date \
             of birth and postcode are exactly as on the council's letters, and add the client ID \
             if you have it.\n\n\
             {council} finance team\n",
            requester = request.requester_name,
            person = request.person_name(),
        ),
    }
}

pub fn removed(council: &str, request: &StoredRequest, reason: &str) -> Email {
    Email {
        to: request.requester_email.clone(),
        subject: "Your access to financial documents has been removed".into(),
        body: format!(
            "Dear {requester},\n\n\
             {council} has removed your access to the financial documents of {person}.\n\n\
             The reason is: {reason}\n\n\
             The documents will be removed from the Client Finance Portal app the next time it \
             syncs. If you think this is a mistake, reply to the finance team and say why, or \
             send a new access request with your current evidence.\n\n\
             {council} finance team\n",
            requester = request.requester_name,
            person = request.person_name(),
        ),
    }
}
