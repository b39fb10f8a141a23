//! Where a value stands in a YAML file: kept here for the paths that name
//! it; the walk itself lives in [`crate::yaml`], below everything that
//! reads YAML.

pub use crate::yaml::{index, key, locate, PathPart, YamlPath};
