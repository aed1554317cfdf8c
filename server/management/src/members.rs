//! Users, roles and organization members: the calls the console makes.
