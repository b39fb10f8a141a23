//! Questions about a procedure as a whole, rather than one case: which
//! paths exist and how long they can take.

pub mod assess;
pub mod paths;
pub mod sample;
pub mod tracks;
