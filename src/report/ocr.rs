//! The OCR marks every renderer shows: a document whose pages were read by OCR says so, with its
//! confidence and its low-confidence pages, and so does every quote taken from such a page.

use crate::model::{DocumentReport, Evidence, OcrSummary};

/// What a report says of a document read (in part) by OCR: "read by OCR (tesseract 5.3.0, eng):
/// 2 page(s), confidence 91%: check the original", and which pages were read at low confidence.
pub fn ocr_note(ocr: &OcrSummary) -> String {
    let mut s = format!(
        "read by OCR ({}, {}): {} page(s), confidence {}%: check the original",
        ocr.engine, ocr.language, ocr.pages_read, ocr.mean_confidence
    );
    if !ocr.low_confidence_pages.is_empty() {
        let pages: Vec<String> = ocr
            .low_confidence_pages
            .iter()
            .map(u32::to_string)
            .collect();
        s.push_str(&format!(
            "; low confidence (below {}%) on page(s) {}",
            OcrSummary::LOW_CONFIDENCE,
            pages.join(", ")
        ));
    }
    s
}

/// The confidence of a quote's page when it was read by OCR.
pub fn evidence_confidence(doc: &DocumentReport, evidence: &Evidence) -> Option<u8> {
    Some(doc.ocr.as_ref()?.page(evidence.page)?.confidence)
}

/// What a report says beside a quote read by OCR: "read by OCR, confidence 91%: check the
/// original".
pub fn evidence_note(doc: &DocumentReport, evidence: &Evidence) -> Option<String> {
    evidence_confidence(doc, evidence)
        .map(|c| format!("read by OCR, confidence {c}%: check the original"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OcrPage;

    #[test]
    fn notes_name_confidence_and_low_pages() {
        let pages = vec![
            OcrPage {
                page: 1,
                confidence: 95,
                words: 300,
            },
            OcrPage {
                page: 3,
                confidence: 61,
                words: 100,
            },
        ];
        let s = OcrSummary::of(pages, "tesseract 5.3.0", "eng");
        assert_eq!(s.mean_confidence, 87, "(95*300 + 61*100) / 400 rounded");
        assert_eq!(
            ocr_note(&s),
            "read by OCR (tesseract 5.3.0, eng): 2 page(s), confidence 87%: check the original; \
             low confidence (below 80%) on page(s) 3"
        );
        let ev = |page| Evidence {
            page,
            section: None,
            quote: "q".into(),
            start: 0,
            end: 1,
        };
        let doc = DocumentReport {
            path: "scan.pdf".into(),
            format: crate::model::Format::Pdf,
            sha256: String::new(),
            doc_type: crate::model::DocType::Contract,
            status: crate::model::Status::Analysed,
            error: None,
            pages: Some(3),
            clauses: Vec::new(),
            ai_features: Vec::new(),
            ai_declaration: None,
            ocr: Some(s),
            order_of_precedence: None,
        };
        assert_eq!(
            evidence_note(&doc, &ev(Some(3))).as_deref(),
            Some("read by OCR, confidence 61%: check the original")
        );
        assert_eq!(
            evidence_note(&doc, &ev(Some(2))),
            None,
            "page 2 has a text layer"
        );
        assert_eq!(evidence_note(&doc, &ev(None)), None);
    }
}
