//! Clause rules: the TOML schema of `clause-library/`, and its compilation into the form the checker
//! runs. Every term, concept reference and regular expression is checked here, once, with the file
//! and line of each problem; nothing downstream sees an unvalidated rule.

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostic, Span};
use super::matcher::{ConceptId, MatcherBuilder, TermSet};
use crate::model::{ClauseStatus, DocType, RuleInfo, Severity};

/// Which part of the library a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub enum Tier {
    /// Required in every supplier contract or template.
    #[serde(rename = "A")]
    A,
    /// Required when the document brings AI into scope, else recommended.
    #[serde(rename = "B")]
    B,
    /// Good practice.
    #[serde(rename = "recommended")]
    Recommended,
    /// Tender-stage rules.
    #[serde(rename = "tender")]
    Tender,
}

impl Tier {
    /// The name used in reports ("A", "B", "recommended", "tender").
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::Recommended => "recommended",
            Tier::Tender => "tender",
        }
    }
}

/// The shape of obligation a rule looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The supplier must not do something ("shall not use ... without approval"). A supplier
    /// permission to do it contradicts the rule.
    Prohibition,
    /// The supplier must do something ("shall notify within 24 hours"). A waiver or disclaimer of it
    /// contradicts the rule.
    Duty,
    /// The bid must declare its use of AI (tender rule; decided from the declaration).
    Declaration,
}

/// What happens when an element of a rule is absent from a clause on the rule's topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Absent {
    /// The clause counts, but is weak.
    Weak,
    /// The clause does not count at all (a near miss).
    Missing,
}

/// An essential element of a compliant clause (e.g. a time limit, a consent step).
#[derive(Debug, Clone)]
pub struct Element {
    /// Plain-English name used in explanations ("a time limit").
    pub name: String,
    /// What satisfies it.
    pub terms: TermSet,
    /// What its absence does.
    pub absent: Absent,
}

/// A pattern that makes a clause weak or contrary, with the reason given in explanations.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Plain-English reason ("the restriction covers identifiable data only").
    pub reason: String,
    /// Every group must match in the sentence.
    pub all: Vec<TermSet>,
    /// Whether the pattern also applies to negated sentences (default: only affirmative ones).
    pub negated: bool,
    /// Whether the pattern also applies when the buyer is the only party bound.
    pub any_actor: bool,
    /// The pattern does not apply when any of these is in the sentence ("personal data" narrows a
    /// prohibition only when no wider data term is there too).
    pub none: TermSet,
}

impl Pattern {
    /// Whether every group matches and nothing of `none` does.
    pub fn matches(&self, a: &super::matcher::Annotation, text: &str) -> bool {
        self.all.iter().all(|g| g.matches(a, text)) && !self.none.matches(a, text)
    }
}

/// How a rule is detected, compiled.
#[derive(Debug, Clone)]
pub struct Detect {
    /// Shape of the obligation.
    pub kind: Kind,
    /// Whether only text about AI counts.
    pub ai_scope: bool,
    /// Whether the sentence itself must name AI (not only its clause or heading).
    pub ai_in_sentence: bool,
    /// Whether a right of the buyer ("the Authority may audit", "the Authority shall own") satisfies
    /// the rule: for rules that require the buyer to have a right rather than the supplier a duty.
    pub buyer_rights: bool,
    /// Whether a statement that the supplier does the forbidden thing ("We use your content to
    /// improve our models", "The Supplier will use Customer Data to train") contradicts a
    /// prohibition rule: for rules whose forbidden act is itself the harm, not a description.
    pub practice_contradicts: bool,
    /// Whether a disclaimer ("does not guarantee", "not liable") on the rule's topic contradicts a
    /// duty rule (default true); false for duties a disclaimer of results does not touch, such
    /// as telling people they deal with AI.
    pub disclaimer_contradicts: bool,
    /// Whether, in a document about AI (an AI service's terms), every sentence is in AI scope for
    /// this rule: a warranty disclaimer of "results" in an AI vendor's terms is about AI output.
    pub document_scope: bool,
    /// Whether a statement of fact with no modal, by the supplier or by no party ("Prompts are
    /// deleted after 30 days"), answers a duty: for bids, where answers describe what the bidder
    /// does rather than promise it.
    pub statements_answer: bool,
    /// Every group must match for a sentence to be on the rule's topic.
    pub topic: Vec<TermSet>,
    /// For a duty the document can meet by saying the thing itself, whoever states it and with
    /// whatever modal: a disclosure made by naming the model providers the data goes to ("Data
    /// may be transferred to foundation models from Anthropic and OpenAI", in a buyer's
    /// acknowledgement too). A sentence in scope, not negated, matching every group is a
    /// candidate. Every group must match.
    pub facts: Vec<TermSet>,
    /// For a duty that real drafting also writes as a refusal ("we do not store your prompts"
    /// meets a duty to use data only for the contract): a negated sentence on this topic binding
    /// the supplier meets the rule, without the duty's elements. Every group must match.
    pub negative_topic: Vec<TermSet>,
    /// A sentence matching any of these is off the rule's topic (another rule's subject).
    pub exclude: TermSet,
    /// Phrases taken out of a sentence before its topic is asked: they name something else
    /// ("training data" in "we do not use your prompts, training data or inputs to train").
    pub mask: TermSet,
    /// Essential elements.
    pub elements: Vec<Element>,
    /// Rule-specific weakeners (scope narrowers, carve-outs, weak forms).
    pub weak: Vec<Pattern>,
    /// Weakeners looked for in the whole clause around a compliant sentence: "we never store
    /// prompts" beside "we collect logs to improve our services".
    pub weak_in_clause: Vec<Pattern>,
    /// Rule-specific contrary patterns (rights the supplier grants itself, disclaimers).
    pub contrary: Vec<Pattern>,
}

/// One example a rule must classify correctly.
#[derive(Debug, Clone)]
pub struct Example {
    /// The text (paragraphs separated by blank lines).
    pub text: String,
    /// The verdict the rule must give.
    pub expect: ClauseStatus,
    /// File and line where the example is written.
    pub location: String,
}

/// One rule of the clause library, validated and compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Tier.
    pub tier: Tier,
    /// Severity where the rule applies in full (Tier B drops to recommended when AI is not in scope).
    pub severity: Severity,
    /// Document types the rule applies to.
    pub applies_to: Vec<DocType>,
    /// What a compliant clause requires.
    pub requires: String,
    /// Why the rule exists.
    pub why: String,
    /// Policy sources.
    pub sources: Vec<String>,
    /// What makes a clause weak, in words.
    pub weakened_by: Vec<String>,
    /// What contradicts the rule, in words.
    pub contradicted_by: Vec<String>,
    /// Model clause wording a buyer can paste in.
    pub model_wording: String,
    /// For tender-pack rules: the request a clarification question to the bidder makes when the
    /// bid's answer is weak, contrary or missing ("Please name each AI model ...").
    pub question: Option<String>,
    /// How it is detected.
    pub detect: Detect,
    /// Examples the rule must classify correctly.
    pub examples: Vec<Example>,
    /// File and line where the rule is defined.
    pub location: String,
    /// Line and column of the rule's id in that file.
    pub span: Span,
}

impl Rule {
    /// What a report needs to know about the rule.
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.clone(),
            title: self.title.clone(),
            tier: self.tier.as_str().to_string(),
            requires: self.requires.clone(),
            why: self.why.clone(),
            sources: self.sources.clone(),
            model_wording: self.model_wording.clone(),
        }
    }
}

/// A rules file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    title: String,
    tier: Tier,
    severity: Severity,
    applies_to: Vec<DocType>,
    requires: String,
    why: String,
    sources: Vec<String>,
    weakened_by: Vec<String>,
    contradicted_by: Vec<String>,
    model_wording: String,
    #[serde(default)]
    question: Option<String>,
    detect: RawDetect,
    #[serde(default)]
    example: Vec<RawExample>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetect {
    kind: Kind,
    #[serde(default = "yes")]
    ai_scope: bool,
    #[serde(default)]
    ai_in_sentence: bool,
    #[serde(default)]
    buyer_rights: bool,
    #[serde(default)]
    practice_contradicts: bool,
    #[serde(default = "yes")]
    disclaimer_contradicts: bool,
    #[serde(default)]
    document_scope: bool,
    #[serde(default)]
    statements_answer: bool,
    #[serde(default)]
    topic: Vec<Vec<Spanned<String>>>,
    #[serde(default)]
    negative_topic: Vec<Vec<Spanned<String>>>,
    #[serde(default)]
    facts: Vec<Vec<Spanned<String>>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    mask: Vec<Spanned<String>>,
    #[serde(default)]
    element: Vec<RawElement>,
    #[serde(default)]
    weak: Vec<RawPattern>,
    #[serde(default)]
    weak_in_clause: Vec<RawPattern>,
    #[serde(default)]
    contrary: Vec<RawPattern>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    name: String,
    any: Vec<Spanned<String>>,
    absent: Absent,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    reason: String,
    all: Vec<Vec<Spanned<String>>>,
    #[serde(default)]
    negated: bool,
    #[serde(default)]
    any_actor: bool,
    #[serde(default)]
    none: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    text: Spanned<String>,
    expect: ClauseStatus,
}

/// The 1-based line of a byte offset in a source text.
pub(super) fn line_of(source: &str, offset: usize) -> usize {
    source
        .as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Compiles the rules of one file; problems are appended to `errors` with their place.
pub(super) fn compile_file(
    file: &str,
    source: &str,
    builder: &mut MatcherBuilder,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Rule> {
    let parsed: RulesFile = match toml::from_str(source) {
        Ok(p) => p,
        Err(e) => {
            errors.push(Diagnostic::toml(file, source, &e));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for raw in parsed.rule {
        let at = |span: std::ops::Range<usize>| format!("{file}:{}", line_of(source, span.start));
        let location = at(raw.id.span());
        let id_at = raw.id.span().start;
        let problem = |message: String| Diagnostic::at(file, source, id_at, message);
        let before = errors.len();
        let id = raw.id.into_inner();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            errors.push(problem(format!(
                "rule id \"{id}\" must be lower-case letters, digits and hyphens"
            )));
        }
        let mut set = |group: &[Spanned<String>], errors: &mut Vec<Diagnostic>| -> TermSet {
            let mut ts = TermSet::default();
            for term in group {
                if let Err(msg) = builder.add_to_set(&mut ts, term.get_ref()) {
                    errors.push(Diagnostic::at(file, source, term.span().start, msg));
                }
            }
            ts
        };
        let d = raw.detect;
        if d.kind != Kind::Declaration && d.topic.is_empty() {
            errors.push(problem(format!(
                "rule \"{id}\" has no [detect] topic: add at least one group of terms"
            )));
        }
        let topic = d.topic.iter().map(|g| set(g, errors)).collect();
        let negative_topic = d.negative_topic.iter().map(|g| set(g, errors)).collect();
        let facts = d.facts.iter().map(|g| set(g, errors)).collect();
        let exclude = set(&d.exclude, errors);
        let mask = set(&d.mask, errors);
        let elements = d
            .element
            .iter()
            .map(|e| Element {
                name: e.name.clone(),
                terms: set(&e.any, errors),
                absent: e.absent,
            })
            .collect();
        let mut patterns = |ps: &[RawPattern], errors: &mut Vec<Diagnostic>| -> Vec<Pattern> {
            ps.iter()
                .map(|p| Pattern {
                    reason: p.reason.clone(),
                    all: p.all.iter().map(|g| set(g, errors)).collect(),
                    negated: p.negated,
                    any_actor: p.any_actor,
                    none: set(&p.none, errors),
                })
                .collect()
        };
        let weak = patterns(&d.weak, errors);
        let weak_in_clause = patterns(&d.weak_in_clause, errors);
        let contrary = patterns(&d.contrary, errors);
        let examples = raw
            .example
            .into_iter()
            .map(|e| Example {
                location: at(e.text.span()),
                text: e.text.into_inner(),
                expect: e.expect,
            })
            .collect();
        if errors.len() > before {
            continue;
        }
        out.push(Rule {
            id,
            title: raw.title,
            tier: raw.tier,
            severity: raw.severity,
            applies_to: raw.applies_to,
            requires: raw.requires,
            why: raw.why,
            sources: raw.sources,
            weakened_by: raw.weakened_by,
            contradicted_by: raw.contradicted_by,
            model_wording: raw.model_wording.trim().to_string(),
            question: raw
                .question
                .map(|q| q.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|q| !q.is_empty()),
            detect: Detect {
                kind: d.kind,
                ai_scope: d.ai_scope,
                ai_in_sentence: d.ai_in_sentence,
                buyer_rights: d.buyer_rights,
                practice_contradicts: d.practice_contradicts,
                disclaimer_contradicts: d.disclaimer_contradicts,
                document_scope: d.document_scope,
                statements_answer: d.statements_answer,
                topic,
                negative_topic,
                facts,
                exclude,
                mask,
                elements,
                weak,
                weak_in_clause,
                contrary,
            },
            examples,
            location,
            span: Span::of(source, id_at),
        });
    }
    out
}

/// Concept ids the checker itself relies on, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Core {
    /// Text about AI.
    pub ai: ConceptId,
    /// The supplier side (supplier, contractor, subcontractors, "we" in a bid).
    pub supplier: ConceptId,
    /// The buyer side (authority, council, customer, "you").
    pub buyer: ConceptId,
    /// Positive obligations (shall, must, will, undertakes to).
    pub obligation: ConceptId,
    /// Prohibitions (shall not, must not, may not).
    pub prohibition: ConceptId,
    /// Permissive modals (may, should, can, will try).
    pub permissive: ConceptId,
    /// Waivers and disclaimers of a duty (is not required to, accepts no responsibility).
    pub waiver: ConceptId,
    /// Rights the supplier grants itself (at its sole discretion, nothing shall prevent).
    pub self_grant: ConceptId,
    /// Negation (not, no, never).
    pub negation: ConceptId,
    /// A consent or approval step (prior written approval).
    pub approval: ConceptId,
    /// Effort qualifiers (reasonable endeavours).
    pub effort: ConceptId,
    /// Deemed or weak consent (deemed, not to be unreasonably withheld, opt out).
    pub deemed_consent: ConceptId,
    /// Exception words (except, save that, unless, provided that, other than).
    pub exception: ConceptId,
    /// Words after which a party is an object, not an actor ("Authority Data").
    pub data: ConceptId,
    /// Scope narrowers and carve-outs (de-identified, aggregated, third-party models), if defined.
    pub carve_out: Option<ConceptId>,
    /// Disclaimers of a result (no warranty, not liable), if defined: read as waivers of a duty.
    pub disclaimer: Option<ConceptId>,
    /// Opt-outs and default-on settings the buyer must switch off, if defined.
    pub opt_out: Option<ConceptId>,
    /// The buyer acknowledging a risk or taking sole responsibility, if defined.
    pub acknowledgement: Option<ConceptId>,
    /// A purpose that limits a permission ("solely for the purpose of", "only to"), if defined.
    pub purpose_limit: Option<ConceptId>,
    /// What an AI service gives back (outputs), if defined; the reading adds it to sentences that
    /// use a term the document defines as its AI's output ("Suggestions").
    pub ai_output: Option<ConceptId>,
}

impl Core {
    /// The names of the concepts the checker needs, which `concepts.toml` must define.
    pub const NAMES: [&'static str; 14] = [
        "ai",
        "supplier",
        "buyer",
        "obligation",
        "prohibition",
        "permissive",
        "waiver",
        "self-grant",
        "negation",
        "approval",
        "effort",
        "deemed-consent",
        "exception",
        "data",
    ];

    /// Resolves the core concepts; `None` names the first one missing.
    pub(super) fn resolve(builder: &MatcherBuilder) -> Result<Core, &'static str> {
        let get = |name: &'static str| builder.concept(name).ok_or(name);
        Ok(Core {
            ai: get("ai")?,
            supplier: get("supplier")?,
            buyer: get("buyer")?,
            obligation: get("obligation")?,
            prohibition: get("prohibition")?,
            permissive: get("permissive")?,
            waiver: get("waiver")?,
            self_grant: get("self-grant")?,
            negation: get("negation")?,
            approval: get("approval")?,
            effort: get("effort")?,
            deemed_consent: get("deemed-consent")?,
            exception: get("exception")?,
            data: get("data")?,
            carve_out: builder.concept("carve-out"),
            disclaimer: builder.concept("disclaimer"),
            opt_out: builder.concept("opt-out"),
            acknowledgement: builder.concept("acknowledgement"),
            purpose_limit: builder.concept("purpose-limit"),
            ai_output: builder.concept("ai-output"),
        })
    }
}
