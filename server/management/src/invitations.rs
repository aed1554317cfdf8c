//! `/api/v2/organizations/{id}/invitations`: the calls the console makes.
