//! Remediation: model wording inserted into a DOCX template as tracked changes (in progress).
