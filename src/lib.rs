pub mod calendar;
pub mod cli;
pub mod suggest;
