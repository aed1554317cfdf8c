//! Finding a person by email and every organization they belong to, with
//! their roles in each: for staff and the help desk.

use std::sync::Arc;

use crate::{
    OrgRef, ServiceError,
    organizations::Context,
    permissions::PEOPLE_LOOKUP,
    policy::check,
    ports::{People, Person},
    service::port_error,
};

/// A person and their organizations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonView {
    pub person: Person,
    pub organizations: Vec<(OrgRef, Vec<String>)>,
}

#[derive(Clone)]
pub struct PeopleService {
    people: Arc<dyn People>,
}

impl PeopleService {
    pub fn new(people: Arc<dyn People>) -> Self {
        Self { people }
    }

    /// Everyone with this email (Auth0 allows one per connection).
    pub async fn lookup(
        &self,
        cx: Context<'_>,
        email: &str,
    ) -> Result<Vec<PersonView>, ServiceError> {
        check(cx.principal, PEOPLE_LOOKUP, None)?;
        let email = email.trim();
        if email.is_empty() || !email.contains('@') {
            return Err(ServiceError::invalid("email", "Enter an email address."));
        }
        let failed = |e| port_error(e, "");
        let mut found = Vec::new();
        for person in self.people.users_by_email(email).await.map_err(failed)? {
            let mut organizations = Vec::new();
            for org in self
                .people
                .user_organizations(&person.user_id)
                .await
                .map_err(failed)?
            {
                let roles = self
                    .people
                    .member_roles(&org.id, &person.user_id)
                    .await
                    .map_err(failed)?
                    .into_iter()
                    .map(|r| r.name)
                    .collect();
                organizations.push((org, roles));
            }
            found.push(PersonView {
                person,
                organizations,
            });
        }
        Ok(found)
    }
}
