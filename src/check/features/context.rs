//! What kind of sentence an AI term sits in: a question, a definition, a governance clause, a
//! negated statement, a mention of AI as a topic or as a tool used to write the software, or a
//! description of the supplier's offering. Pure text tests, no state.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::has_any;
use crate::model::{Block, BlockKind};

fn re(src: &str) -> Regex {
    // Patterns are constants of this module, checked by its tests.
    Regex::new(src).unwrap_or_else(|e| panic!("bad built-in pattern {src}: {e}"))
}

/// A clause or item label at the start of a sentence ("Q3.", "3.1", "(a)", "B2:").
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:#+\s*)?(?:(?i:question|q)\s*\d{1,3}(?:\.\d{1,2})?[.:)]?|\d{1,3}(?:\.\d{1,3}){0,3}[.:)]?|\([a-zA-Z0-9]{1,4}\)|[A-Z]{1,2}\d{1,3}(?:\.\d{1,2})?[.:)]?)\s+",
    )
});

static QUESTION_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?i:(?:please\s+)?(?:describe|explain|provide|list|confirm|detail|outline|state|set out|identify|specify|indicate|tell us|give details|supply details|declare|disclose|if yes|if so|where applicable|do you|does your|does the|have you|has your|will you|will your|are you|is your|is the|can you|could you|would you|to what extent|how (?:do|does|will|would|is|are)|what (?:is|are|data|AI|artificial)|which (?:AI|artificial)))\b",
    )
});

static CHECKBOX: LazyLock<Regex> = LazyLock::new(|| re(r"☐|☑|☒|\[\s?\]|(?i:\byes\s*/\s*no\b)"));

static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:["“‘'][^"“”‘’']{1,80}["”’']\s*(?:\([^)]{1,40}\)\s*)?(?i:means|shall mean|has the meaning|refers to|includes|is defined as|shall include)\b)|^(?:[A-Z][\w\-]*\s){1,6}(?:\([A-Z]{2,6}\)\s)?(?:means|shall mean|is defined as)\b"#,
    )
});

static DEFINITIONS_HEADING: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(definitions?|interpretation|glossary|defined terms)\b"));

/// A legal party as contracts name it (capitalised defined terms).
static LEGAL_PARTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:Supplier|Contractor|Provider|Service Provider|Vendor|Customer|Buyer|Authority|Council|Client|Purchaser|Licensee|Licensor|Part(?:y|ies)|Processor|Controller|Sub-?[Cc]ontractors?|Sub-?processors?|Supplier Personnel|Personnel|Company|Recipient|Discloser)(?:'s|s')?\b",
    )
});

static OBLIGATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(shall|must|will not|may not|is required to|are required to|agrees? (?:to|that)|undertakes? to|is prohibited|are prohibited|is not permitted|are not permitted|warrants?|represents? and warrants|may only|is entitled to|reserves the right|may use|may deploy|may employ|may utili[sz]e|is permitted to|are permitted to|is allowed to|are allowed to)\b",
    )
});

/// Words that make a product mention in a clause a rule about it, not a use of it.
static RULE_ABOUT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(shall not|must not|may not|will not|not permitted|prohibited|without (?:the )?(?:prior )?(?:express )?(?:written )?(?:approval|consent|authori[sz]ation)|such as|including|e\.g\.|for example|any|where|if|unless|public)\b",
    )
});

/// Defined terms of AI clauses ("AI System", "AI Output").
static DEFINED_TERM_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[\s-]*(?:System|Systems|Model|Models|Output|Outputs|Tool|Tools|Technology|Technologies|Services?|Features?|Content|Data|Use|Provider|Providers|Policy|Functionality|Component|Components|Capabilit(?:y|ies)|Product|Products|Solution|Solutions)\b",
    )
});

/// A sentence that speaks of the offering: first person, a system noun, or a verb of use.
static ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(we|our|ours|us|we'll|we're|we've|platform|solution|system|software|product|application|app|tool|tools|module|feature|features|portal|engine|dashboard|suite|service|services|chatbot|assistant|bot|library|toolkit|framework|API|SDK|package|pipeline|uses?|using|used|leverag\w+|employ\w*|appl(?:y|ies|ied)|powered by|built on|built using|driven by|relies on|rely on|incorporat\w+|includ\w+|offers?|provides?|delivers?|deployed|deploys?|enables?|analys\w+|analyz\w+|predicts?|detects?|transcrib\w+|summari[sz]\w+|generat\w+|drafts?|identif\w+|flags?|scores?|prioriti[sz]\w+|triages?|recogni[sz]\w+|answers?|classif\w+|extracts?|matches|routes?|translates?|recommends?|suggests?|watches|monitors?|alerts?|interprets?|writes|reads|ranks?|sorts|assesses|checks|reviews|learns?|converts?|turns|listens|runs|works)\b",
    )
});

/// Headings of the part of a bid that describes the offering ("Proposed solution").
static SOLUTION_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(proposed (?:solution|service|system|product)|our (?:proposed )?(?:solution|service|product|platform|offer(?:ing)?)|solution (?:description|overview|summary)|(?:service|product|system) (?:description|overview)|technical (?:proposal|response|solution)|method statement|what we (?:offer|propose|will deliver))\b",
    )
});

/// Headings of a part that lists what the offering does not do ("Non-goals", "Out of scope").
static NEGATING_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(non[- ]goals?|not (?:in scope|included|supported|provided|offered|planned)|out of scope|exclusions?|what (?:it|we|this \w+) (?:does|do|will|is) not|why no|we do not use|without (?:AI|artificial intelligence|machine learning))\b|\bno (?:AI|ML|machine learning|artificial intelligence)\b",
    )
});

/// AI used to write or build the software, not a capability of it ("Development of this
/// software involved the use of LLMs", "the implementation may be AI-generated").
static DEVELOPMENT_USE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:development|developing|writing|coding|building|authoring|maintenance|testing) (?:of )?(?:this|the|our) (?:software|code|codebase|project|tool|product|application|library|repository|module)\b|\b(?:to|in|for) (?:write|writing|develop|developing|build|building|code|coding|author|test|testing|review|reviewing) (?:this|the|our) (?:software|code|codebase|source code|project|application|tool|library|repository)\b|\b(?:code|codebase|source code|implementation(?: details)?|documentation|tests?|(?:user )?guides?|manuals?|handbooks?|help pages)\b[^.;]{0,30}\b(?:AI[- ]generated|generated (?:by|with|using) (?:AI|LLMs?))|\b(?:coding assistants?|pair[- ]programm\w+|pairing partners?|vibe[- ]coding)\b",
    )
});

/// AI as the topic the offering is about, not a capability of it ("staff share and explore
/// ways to approach challenges with AI", "guidance about AI").
static TOPIC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:share|sharing|shares|explore|exploring|discuss\w*|exchange|exchanging|showcas\w+|learn(?:ing)?)\b[^.;]{0,40}\b(?:ways|ideas|experiences?|knowledge|practices?|lessons|use cases|stories|examples|approaches)\b|\b(?:about|on the (?:topic|subject) of|news on|guidance on|training on|courses? on)\s+(?:the\s+)?(?:use of\s+)?(?:AI|artificial intelligence|machine learning)\b",
    )
});

/// Just before a term: it is quoted as a word, not used ("watch the term \"machine learning\"").
static MENTIONED_AS_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(?:term|terms|word|words|phrase|keyword|keywords|hashtag|query|search(?:es)? for|topic)\s*["“'‘]$"#,
    )
});

/// Right after "AI": the rest of the proper name of a platform, programme or team ("AI
/// Experience Sharing Platform", "AI Lab"): AI is what it is about, not what it does.
static ORGANISATION_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:\s+[A-Z][\w&-]*){0,4}\s+(?:Platform|Hub|Lab|Labs|Accelerator|Programme|Program|Centre|Center|Network|Community|Library|Portal|Project|Initiative|Team|Unit|Office|Fund|Challenge|Council|Institute|Forum|Strategy|Playbook|Working Group|Board)\b",
    )
});

/// Right after an AI term: a matter about AI, not the AI itself ("AI incident", "AI risks",
/// "machine learning governance", "AI training data", "AI literacy").
static MATTER_ABOUT_AI: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s-]+(?:incidents?|risks?|governance|ethics|assurance|literacy|awareness|skills|safety|regulations?|compliance|misuse|harms?|failures?|concerns|principles|polic(?:y|ies)|training|register|inventory|audits?|impact assessments?|champions?|strategy)\b",
    )
});

/// A name, a comma, and a determiner just before a term ("FixFinder, our ").
static APPOSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b([A-Z][A-Za-z0-9]*[a-z0-9][A-Za-z0-9]*)\s*,\s*(?:our|the|an?|its|their)\s+(?:[\w-]+\s+){0,2}$",
    )
});

/// A plan or intention rather than a present capability.
static PLANNED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:plan(?:s|ned|ning)? to|intend(?:s|ed)? to|aim(?:s)? to (?:introduce|add|launch|pilot)|(?:is|are) (?:on|in) (?:our|the) (?:product )?roadmap|will be (?:introduced|added|launched|piloted)|in (?:a )?future (?:release|version|phase)s?)\b",
    )
});

/// The offering described as working by fixed rules.
static DETERMINISTIC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:deterministic|rules?[- ]based|no (?:AI|machine learning|ML)\b|without (?:any )?(?:AI|machine learning))",
    )
});

/// The start of a list of examples inside a clause ("such as", "including").
static LIST_START: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:such as|including|like|e\.g\.|for example|namely)\b"));

/// "Section 7:", "Part B -" at the start of a heading.
static CONTAINER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?i:section|part|schedule|annex|appendix|lot)\s+[0-9A-Z]{1,3}(?:\.\d{1,2})?\s*[:.\-–]\s*")
});

/// Negation cues before an AI term, within its clause.
static NEGATION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:\b(?:not|no|never|none|without|nor|neither|cannot|free of|free from|non)\b|n't\b)")
});

/// Negation right after an AI term ("AI is not used").
static NEGATION_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s\w-]{0,30}?\b(?:is|are|was|were|will|has|have|shall)\s+(?:not|never)\b|^[\s\w-]{0,30}?\b(?:isn't|aren't|wasn't|weren't|won't)\b",
    )
});

/// "not only", "no longer": not a negation of use.
static NOT_NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:not only|not just|no longer|no matter|not limited to|without limitation|non-exhaustive)\b",
    )
});

/// Where a clause ends inside a sentence.
static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)[,;:()–—]|\s-\s|\b(?:but|however|although|though|while|whereas|instead|rather)\b")
});

/// A negated statement limited to something narrower than "any AI at all".
static SCOPED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(decisions?|decide|decision-making|solely|without human|replace|personal data|your data|customer data|buyer data|authority data|council data|train|training|trained|to make|to determine|profil\w+|public|consumer|free|unapproved|unless)\b",
    )
});

static BID_PREP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(tender|bid|submission|proposal|this response|our response|responses|questionnaire)\b",
    )
});

static BID_PREP_VERB: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(prepar\w*|draft\w*|writ\w*|wrote|written|compil\w*|assist\w*|generat\w*|support the drafting)\b",
    )
});

/// Headings of AI disclosure sections.
static DISCLOSURE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(AI|A\.I\.|artificial intelligence|machine learning|algorithmic|automated decision[- ]making)\b.{0,40}\b(disclosures?|declarations?|statements?|transparency|factsheets?|fact sheets?|use|usage|used|register|inventory|record)\b|\b(disclosures?|declarations?|statement|transparency|use|usage) of (AI|A\.I\.|artificial intelligence|machine learning|algorithmic tools)\b|\bAI FactSheet\b|\bmodel cards?\b|\balgorithmic transparency\b|\bour use of (AI|artificial intelligence)\b",
    )
});

/// Sentences asking about AI.
static AI_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(artificial intelligence|machine[- ]learning|large language models?|algorithmic|automated decision|generative)\b)|\bAI\b|\bLLMs?\b",
    )
});

static YES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:answer|response|reply)?\s*[:\-–]?\s*(?:yes|y)\b"));
static NO: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:answer|response|reply)?\s*[:\-–]?\s*(?:no|none|nil|not applicable|n/a)\b")
});

/// Welsh function words: a sentence with several of them is Welsh.
static WELSH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(ydych|ydy|yw|mae|chi|gyda|ar gyfer|eich|neu|hefyd|wedi|fydd|ein|yn|y|ac|i'r|a'r|o'r|gan|dros|am|bod|sydd|hyn|rhaid|darparu|gwasanaeth\w*|cyngor)\b",
    )
});

/// The sentence without a leading clause or question label.
pub fn strip_label(text: &str) -> &str {
    match LABEL.find(text) {
        Some(m) => &text[m.end()..],
        None => text,
    }
}

/// A question or an instruction to the bidder ("Do you use AI?", "Describe any machine learning").
pub fn is_question(text: &str) -> bool {
    let t = strip_label(text.trim());
    t.trim_end().ends_with('?')
        || QUESTION_START.is_match(t)
        // Every checkbox form has one of these characters: most sentences skip the search.
        || (has_any(t, &['☐', '☑', '☒', '[', '/']) && CHECKBOX.is_match(t))
}

/// A definition ("'AI System' means ..."), or a sentence of a definitions section.
pub fn is_definition(text: &str, heading: Option<&str>) -> bool {
    DEFINITION.is_match(strip_label(text.trim()))
        || heading.is_some_and(|h| DEFINITIONS_HEADING.is_match(h))
}

/// Contract obligation language about a legal party ("The Supplier shall not use AI ...").
pub fn is_obligation(text: &str) -> bool {
    LEGAL_PARTY.is_match(text) && OBLIGATION.is_match(text)
}

/// In an obligation, words that make a product mention a rule about the product.
pub fn is_rule_about(text: &str) -> bool {
    RULE_ABOUT.is_match(text)
}

/// The AI term ending at `end` is a capitalised defined term ("AI System").
pub fn is_defined_term(text: &str, end: usize) -> bool {
    text.get(end..)
        .is_some_and(|t| DEFINED_TERM_AFTER.is_match(t))
}

/// The sentence speaks of the offering.
pub fn has_anchor(text: &str) -> bool {
    ANCHOR.is_match(text)
}

/// The term at `start..end` is negated within its clause.
pub fn is_negated(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let clause_start = CLAUSE_BREAK.find_iter(before).last().map_or(0, |m| m.end());
    let clause = &before[clause_start..];
    let before_neg = NEGATION_BEFORE.is_match(clause) && !NOT_NEGATION.is_match(clause);
    // A term in a list of examples takes the negation of the clause the list belongs to ("It
    // doesn't have many features, such as world generation, redstone, mob AI").
    let list_neg = || {
        let Some(list) = LIST_START.find_iter(before).last() else {
            return false;
        };
        let items = &before[list.end()..];
        if items.contains([';', ':', '(', ')'])
            || items.split(',').any(|i| i.split_whitespace().count() > 5)
        {
            return false;
        }
        let head = before[..list.start()].trim_end_matches([',', ' ']);
        let head_start = CLAUSE_BREAK.find_iter(head).last().map_or(0, |m| m.end());
        let head = &head[head_start..];
        NEGATION_BEFORE.is_match(head) && !NOT_NEGATION.is_match(head)
    };
    let before_neg = before_neg || list_neg();
    let after = text.get(end..).unwrap_or("");
    let after_clause_end = CLAUSE_BREAK.find(after).map_or(after.len(), |m| m.start());
    let after = &after[..after_clause_end];
    before_neg || NEGATION_AFTER.is_match(after)
}

/// A negated statement limited to a narrower matter (decisions, training, personal data).
pub fn is_scoped(text: &str) -> bool {
    SCOPED.is_match(text)
}

/// The text is about preparing the bid rather than delivering the service.
pub fn is_bid_preparation(text: &str) -> bool {
    BID_PREP.is_match(text) && BID_PREP_VERB.is_match(text)
}

/// A heading of an AI disclosure section.
pub fn is_disclosure_heading(text: &str) -> bool {
    DISCLOSURE_HEADING.is_match(text)
}

/// The text mentions AI in general words.
pub fn mentions_ai(text: &str) -> bool {
    AI_WORD.is_match(text)
}

/// An answer that starts with yes (`Some(true)`) or no (`Some(false)`).
pub fn yes_no(text: &str) -> Option<bool> {
    let t = strip_label(text.trim());
    if NO.is_match(t) {
        Some(false)
    } else if YES.is_match(t) {
        Some(true)
    } else {
        None
    }
}

/// What a generic technique does, read from its sentence: the category it belongs in.
pub fn refined_category(text: &str) -> Option<crate::model::FeatureCategory> {
    use crate::model::FeatureCategory as C;
    static FUNCTIONS: LazyLock<Vec<(Regex, C)>> = LazyLock::new(|| {
        [
            (r"(?i)\b(face|faces|facial|biometric\w*|fingerprints?|selfies?|liveness)\b", C::Biometric),
            (r"(?i)\b(images?|imagery|photos?|photographs?|cameras?|video|footage|CCTV|visual)\b", C::Vision),
            (r"(?i)\b(speech|voice|audio|calls?|recordings?|transcri\w+|dictat\w+)\b", C::Speech),
            (r"(?i)\b(chat\w*|assistant|conversations?|answers? (?:common |their |residents' )?questions)\b", C::Conversational),
            (r"(?i)\b(drafts?|drafting|summar\w+|generat\w+|writes|rewrites)\b", C::Generative),
            (r"(?i)\b(documents?|forms|letters|scanned|OCR|invoices)\b", C::DocumentProcessing),
            (r"(?i)\b(decides?|decisions?|eligib\w+|approves?|rejects?)\b", C::AutomatedDecision),
            (r"(?i)\b(predict\w*|forecast\w*|scores?|scoring|risk|likely|likelihood|recommend\w*|anomal\w+)\b", C::Predictive),
        ]
        .into_iter()
        .map(|(p, c)| (re(p), c))
        .collect()
    });
    FUNCTIONS
        .iter()
        .find(|(r, _)| r.is_match(text))
        .map(|(_, c)| *c)
}

/// Content words that name what a feature is attached to: consecutive pairs of lower-case
/// words of four or more letters, other than common ones ("symptom checker").
pub fn name_pairs(text: &str) -> Vec<String> {
    const COMMON: &[&str] = &[
        "that",
        "this",
        "with",
        "from",
        "into",
        "each",
        "every",
        "their",
        "them",
        "they",
        "will",
        "which",
        "where",
        "when",
        "what",
        "have",
        "been",
        "also",
        "only",
        "used",
        "uses",
        "using",
        "about",
        "before",
        "after",
        "other",
        "more",
        "most",
        "such",
        "than",
        "then",
        "there",
        "these",
        "those",
        "your",
        "ours",
        "council",
        "service",
        "services",
        "data",
        "staff",
        "team",
        "teams",
        "officers",
        "residents",
        "users",
        "user",
        "people",
        "case",
        "cases",
        "model",
        "models",
        "tool",
        "tools",
        "system",
        "systems",
        "platform",
        "solution",
        "product",
        "feature",
        "features",
        "would",
        "could",
        "should",
        "make",
        "makes",
        "made",
    ];
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(2)
        .filter(|w| {
            w.iter()
                .all(|x| x.chars().count() >= 4 && !COMMON.contains(&x.as_str()))
        })
        .map(|w| format!("{} {}", w[0], w[1]))
        .collect()
}

/// The text starts with a list bullet ("- ", "* ", "• ").
fn is_bullet(t: &str) -> bool {
    let mut chars = t.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('-' | '*' | '•' | '–' | '+' | '▪' | '◦'), Some(' '))
    )
}

/// A heading of the part of a bid that describes the offering.
pub fn is_solution_heading(title: &str) -> bool {
    SOLUTION_HEADING.is_match(title)
}

/// A heading of a part listing what the offering does not do or use.
pub fn is_negating_heading(title: &str) -> bool {
    NEGATING_HEADING.is_match(title)
}

/// The sentence is about AI used to write or build the software, not a capability of it.
pub fn is_development_use(text: &str) -> bool {
    DEVELOPMENT_USE.is_match(text)
}

/// The sentence speaks of AI as a topic (shared, explored, learned about), not a capability.
pub fn is_topic(text: &str) -> bool {
    TOPIC.is_match(text)
}

/// The term at `start` is quoted as a word ("the term \"machine learning\"").
pub fn is_mentioned_as_word(text: &str, start: usize) -> bool {
    text.get(..start)
        .is_some_and(|b| MENTIONED_AS_WORD.is_match(b.trim_end_matches(' ')))
}

/// The acronym ending at `end` opens the proper name of a platform, programme or team ("AI
/// Experience Sharing Platform", "AI Lab"): AI is what it is about, not what it does.
pub fn is_organisation_name(text: &str, end: usize) -> bool {
    text.get(end..)
        .is_some_and(|after| ORGANISATION_NAME.is_match(after))
}

/// The term ending at `end` qualifies a matter about AI ("any AI incident", "AI risks"), not a
/// capability the offering has.
pub fn is_matter_about_ai(text: &str, end: usize) -> bool {
    text.get(end..)
        .is_some_and(|after| MATTER_ABOUT_AI.is_match(after))
}

/// Where the product name starts that an "AI" at `start` ends ("CaseSort AI", "RepoShield-AI"):
/// a CamelCase word before it, or any capitalised word joined to it by a hyphen.
pub fn product_name_before(text: &str, start: usize) -> Option<usize> {
    let before = text.get(..start)?;
    let hyphen = before.ends_with('-');
    let b = before.strip_suffix(['-', ' '])?;
    let word_len: usize = b
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .map(char::len_utf8)
        .sum();
    let word = &b[b.len() - word_len..];
    let mut chars = word.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let camel =
        word.chars().skip(1).any(char::is_uppercase) && word.chars().any(char::is_lowercase);
    (first_upper && word.chars().count() > 1 && (hyphen || camel)).then(|| b.len() - word_len)
}

/// The bid's own name for the feature whose term starts at `start`, given beside it ("FixFinder,
/// our chatbot", "through HelpBot, the AI assistant"): a CamelCase word, or a capitalised word
/// that does not open the sentence.
pub fn own_name_before(text: &str, start: usize) -> Option<&str> {
    let caps = APPOSITIVE.captures(text.get(..start)?)?;
    let m = caps.get(1)?;
    let word = m.as_str();
    let camel =
        word.chars().skip(1).any(char::is_uppercase) && word.chars().any(char::is_lowercase);
    let opens = text[..m.start()].trim().is_empty();
    (camel || !opens).then_some(word)
}

/// The sentence speaks of a plan, not of what the offering does now ("we plan to introduce a
/// chatbot next year", "on our roadmap").
pub fn is_planned(text: &str) -> bool {
    PLANNED.is_match(text)
}

/// The sentence says the offering works without learning ("a deterministic engine").
pub fn says_deterministic(text: &str) -> bool {
    DETERMINISTIC.is_match(text)
}

/// The sentence is in Welsh (several Welsh function words).
pub fn is_welsh(text: &str) -> bool {
    WELSH.find_iter(text).take(3).count() >= 3
}

/// A heading block: marked so by the extractor, or reading as one; a list item never is.
pub fn is_heading(block: &Block) -> bool {
    block.kind == BlockKind::Heading
        || (block.kind != BlockKind::ListItem && looks_like_heading(&block.text))
}

/// A block that reads as a heading even when the extractor did not mark it: short, capitalised,
/// no sentence punctuation at the end.
pub fn looks_like_heading(text: &str) -> bool {
    if text.trim_start().starts_with("# ") || text.trim_start().starts_with("##") {
        return true;
    }
    let t = text.trim().trim_start_matches('#').trim();
    // A list item is never a heading, however short.
    if is_bullet(t) {
        return false;
    }
    // Cheap tests first: most blocks are long paragraphs. A container label ("Section 7:") is at
    // most three words, so more than 15 words can never come down to 12.
    if t.ends_with(['.', ',', ';', '?', '!']) || t.split_whitespace().nth(15).is_some() {
        return false;
    }
    let t = CONTAINER_LABEL.find(t).map_or(t, |m| &t[m.end()..]);
    let words = t.split_whitespace().take(13).count();
    let first_alpha = strip_label(t).chars().find(|c| c.is_alphabetic());
    (1..=12).contains(&words)
        && !t.ends_with(['.', ',', ';', '?', '!'])
        && !t.trim_end_matches(':').contains([':', ';'])
        && first_alpha.is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions() {
        assert!(is_question(
            "Q3. Do you use AI in the delivery of the service?"
        ));
        assert!(is_question(
            "Describe any machine learning used in your solution."
        ));
        assert!(is_question("B2 Please provide details of AI tools used."));
        assert!(!is_question(
            "Our platform uses machine learning to triage cases."
        ));
        assert!(!is_question("Where a case is urgent, our model flags it."));
    }

    #[test]
    fn definitions_and_obligations() {
        assert!(is_definition(
            "\"AI System\" means a machine-based system.",
            None
        ));
        assert!(is_definition("1.1 “Generative AI” means any model.", None));
        assert!(!is_definition(
            "Our assistant means residents get answers fast.",
            None
        ));
        assert!(is_obligation(
            "The Supplier shall not use AI without approval."
        ));
        assert!(!is_obligation("We will use AI to draft replies."));
        assert!(is_defined_term("AI System shall", 2));
    }

    #[test]
    fn negation_within_the_clause() {
        let t = "We do not use AI to make decisions, but our triage uses machine learning.";
        let ai = t.find("AI").unwrap();
        let ml = t.find("machine").unwrap();
        assert!(is_negated(t, ai, ai + 2));
        assert!(!is_negated(t, ml, ml + 16));
        let t = "Artificial intelligence is not used in the service.";
        assert!(is_negated(t, 0, 23));
        assert!(!is_negated("Not only do we use AI for triage.", 19, 21));
        assert!(is_negated("No machine learning is used.", 3, 19));
    }

    #[test]
    fn who_has_the_capability() {
        assert!(is_development_use(
            "Development of this software involved the use of large language models."
        ));
        assert!(is_development_use(
            "Our developers used coding assistants to write parts of the code."
        ));
        assert!(!is_development_use(
            "Our assistant writes code for the council's developers."
        ));
        assert!(is_topic(
            "Staff share and explore ways to approach challenges with AI."
        ));
        assert!(!is_topic(
            "We share AI-generated summaries with caseworkers."
        ));
        let t = "The feed watches the term \"machine learning\" on blogs.";
        assert!(is_mentioned_as_word(t, t.find("machine").unwrap()));
        assert!(is_obligation(
            "The Contractor may use artificial intelligence tools in performing the Services."
        ));
    }

    #[test]
    fn names_lists_and_sections() {
        let t = "RepoShield-AI is a deterministic scanner.";
        assert_eq!(product_name_before(t, t.find("AI").unwrap()), Some(0));
        assert!(says_deterministic(t));
        let t = "Use CaseSort AI for referrals.";
        assert_eq!(product_name_before(t, t.find("AI").unwrap()), Some(4));
        assert_eq!(product_name_before("Our AI drafts replies.", 4), None);
        let t = "Tenants report repairs through FixFinder, our chatbot.";
        assert_eq!(
            own_name_before(t, t.find("chatbot").unwrap()),
            Some("FixFinder")
        );
        let t = "Staff, our assistant helps.";
        assert_eq!(own_name_before(t, t.find("assistant").unwrap()), None);
        let t = "The AI Experience Sharing Platform hosts stories.";
        assert!(is_organisation_name(t, t.find("AI").unwrap() + 2));
        assert!(!is_organisation_name("Our AI drafts replies.", 6));
        let t =
            "It does not have many features, such as world generation, redstone, mob AI, and more.";
        let ai = t.find("AI").unwrap();
        assert!(is_negated(t, ai, ai + 2));
        let t = "It has many features, such as world generation and an AI opponent.";
        let ai = t.find("AI").unwrap();
        assert!(!is_negated(t, ai, ai + 2));
        assert!(!looks_like_heading("- Face recognition for the archive"));
        assert!(is_solution_heading("TENDER RESPONSE: PROPOSED SOLUTION"));
        assert!(is_planned("We plan to introduce a chatbot next year."));
        assert!(!is_planned("Our chatbot answers questions."));
        assert!(is_negating_heading("Explicit Non-Goals"));
        assert!(is_negating_heading("Why No Machine Learning"));
        assert!(!is_negating_heading("Known limitations"));
    }

    #[test]
    fn welsh_and_headings() {
        assert!(is_welsh(
            "A ydych chi'n defnyddio ai neu beidio gyda'r gwasanaeth?"
        ));
        assert!(!is_welsh("Our service uses AI for triage."));
        assert!(looks_like_heading("# 4. Use of Artificial Intelligence"));
        assert!(!looks_like_heading("We use AI."));
        assert!(is_disclosure_heading("Section 7: AI Disclosure"));
        assert!(is_disclosure_heading("Use of Artificial Intelligence"));
        assert!(!is_disclosure_heading("Artificial Intelligence"));
        assert_eq!(yes_no("Answer: No."), Some(false));
        assert_eq!(yes_no("Yes – we use Magic Notes."), Some(true));
    }
}
