//! Full-text index of a contract repository (in progress).
