//! The HTTP API of sync protocol v1 (DESIGN.md §5): enrollment, submission batches and the study
//! a tablet reads. The router that mounts it with the coordinator pages is [`crate::router`]; the
//! state both use is [`crate::state`].

pub mod batch;
pub mod enroll;
pub mod extract;
pub mod site_check;
pub mod study;
pub mod submissions;
