//! Use cases: every workflow of the system, one async function each, callable alike from the
//! GraphQL API, the partner inbox, the daily jobs, the seeders and the command line. A use case
//! takes the acting principal, the connection or transaction to work in and a typed command; it
//! asks the policy, applies the domain rules, writes rows and access-log events in the
//! transaction it is given, and queues partner messages. Nothing here knows GraphQL or HTTP.

pub mod handovers;
pub mod partners;
pub mod reference_index;
