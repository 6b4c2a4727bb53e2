//! An Aho-Corasick automaton whose matches start only at word starts: one table lookup per byte
//! of the text, with no walk restarted at each word.
//!
//! A term of the vocabulary can begin only at the start of the text or after a byte that is not
//! a word character (an ASCII letter, digit or underscore); the word test at its end is the
//! caller's. Plain Aho-Corasick reports every term inside every word ("no" in "piano"), and an
//! anchored walk from each word start reads most bytes several times. This automaton keeps, in
//! its state, only the partial terms that began at a word start: its failure link from a partial
//! term is the longest proper suffix that is also a partial term *and* begins after a non-word
//! byte. Those suffixes are determined by the partial term itself (the byte before a suffix lies
//! inside it), so there is one state per trie node, plus two for "no partial term": after a word
//! byte (no term may start at the next byte) and after a non-word byte or at the start.
//!
//! Bytes are read case-free for ASCII (the terms are lower case); the table is indexed by byte
//! classes (the bytes the terms use, and two classes for all the others: word and non-word).
//!
//! A long text is read in four pieces at once, whose table loads overlap, and many short texts
//! (the blocks of a document) as one text joined by a byte no term uses.

use std::collections::BTreeMap;

/// Largest transition table built, in entries (4 bytes each): a custom library whose terms
/// would need more is refused with a message instead of using the memory.
const MAX_TABLE_ENTRIES: usize = 16 * 1024 * 1024;

/// The bit of a transition that says its target state has matches (one test per byte).
const HAS_MATCHES: u32 = 1 << 31;

/// No partial term, and the last byte read was a word byte: no term may start at the next one.
const IN_WORD: usize = 0;
/// No partial term, and a term may start at the next byte (the start of the text, or after a
/// non-word byte). Also the trie's root.
const AT_START: usize = 1;

/// The compiled automaton.
#[derive(Debug, Clone)]
pub struct WordStartDfa {
    /// Byte to class.
    classes: [u8; 256],
    /// Number of classes (the stride of the table).
    stride: usize,
    /// Transitions: entry `state + class`, states premultiplied by the stride, with
    /// [`HAS_MATCHES`] set on a target some term ends in.
    table: Vec<u32>,
    /// Per state (indexed by the premultiplied state over the stride): its range in `outputs`.
    output_ranges: Vec<(u32, u32)>,
    /// (term, length in bytes) of every term ending in a state, longest first.
    outputs: Vec<(u32, u32)>,
    /// The longest term, in bytes.
    longest: usize,
    /// The premultiplied states IN_WORD and AT_START.
    roots: [u32; 2],
}

/// One occurrence of a term in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Byte offset of the start.
    pub start: u32,
    /// Byte offset one past the end.
    pub end: u32,
    /// Term id.
    pub term: u32,
}

/// The byte texts are joined with to be read at once: it never occurs in UTF-8 (so no term
/// uses it) and is not a word character (so a term may start after it).
const SEPARATOR: u8 = 0xFF;

impl WordStartDfa {
    /// Builds the automaton of `terms` (lower case; term ids are their indexes). The error says
    /// why it could not be built.
    pub fn new(terms: &[String]) -> Result<WordStartDfa, String> {
        // The trie: node 0 stands for IN_WORD (no children), node 1 is the root.
        let mut children: Vec<BTreeMap<u8, usize>> = vec![BTreeMap::new(), BTreeMap::new()];
        let mut own: Vec<Vec<u32>> = vec![Vec::new(), Vec::new()];
        let mut depth: Vec<usize> = vec![0, 0];
        let mut last: Vec<u8> = vec![0, 0];
        for (id, t) in terms.iter().enumerate() {
            let mut node = AT_START;
            for &b in t.as_bytes() {
                node = match children[node].get(&b) {
                    Some(&n) => n,
                    None => {
                        let n = children.len();
                        children.push(BTreeMap::new());
                        own.push(Vec::new());
                        depth.push(depth[node] + 1);
                        last.push(b);
                        children[node].insert(b, n);
                        n
                    }
                };
            }
            // (The table limit below is far under 2^32 terms.)
            own[node].push(id as u32);
        }
        let longest = depth.iter().copied().max().unwrap_or(0);

        // Byte classes: each byte a term uses (upper-case ASCII goes with its lower case), and
        // two for the rest: word and non-word bytes.
        let mut used = [false; 256];
        for t in terms {
            for &b in t.as_bytes() {
                used[usize::from(b)] = true;
            }
        }
        let mut classes = [0u8; 256];
        let mut representative = vec![b'a', b' '];
        for b in 0..=255u8 {
            if used[usize::from(b)] {
                // (At most 243 byte values occur in UTF-8: with the two others, a u8.)
                classes[usize::from(b)] = representative.len() as u8;
                representative.push(b);
            }
        }
        for b in 0..=255u8 {
            let lower = b.to_ascii_lowercase();
            if !used[usize::from(b)] {
                classes[usize::from(b)] = if used[usize::from(lower)] {
                    classes[usize::from(lower)]
                } else {
                    u8::from(!is_word_byte(b))
                };
            }
        }
        // (A class no byte is in keeps its placeholder: its transitions are never read.)
        for c in 0..2u8 {
            if let Some(b) = (0..=255u8).find(|&b| classes[usize::from(b)] == c) {
                representative[usize::from(c)] = b;
            }
        }
        let stride = representative.len();

        let states = children.len();
        if states.saturating_mul(stride) > MAX_TABLE_ENTRIES {
            return Err(format!(
                "its terms are too many or too long to search for together ({states} automaton \
                 states of {stride} byte classes, more than the {MAX_TABLE_ENTRIES} entries \
                 allowed); remove or shorten some terms"
            ));
        }
        // Transitions and failure links, breadth first (a failure link is shallower).
        let mut delta = vec![0usize; states * stride];
        let mut fail = vec![IN_WORD; states];
        let root_after = |b: u8| if is_word_byte(b) { IN_WORD } else { AT_START };
        for (c, &b) in representative.iter().enumerate() {
            delta[IN_WORD * stride + c] = root_after(b);
            delta[AT_START * stride + c] = children[AT_START]
                .get(&b)
                .copied()
                .unwrap_or_else(|| root_after(b));
        }
        let mut queue: std::collections::VecDeque<usize> =
            children[AT_START].values().copied().collect();
        for &n in &queue {
            fail[n] = root_after(last[n]);
        }
        while let Some(n) = queue.pop_front() {
            for (c, &b) in representative.iter().enumerate() {
                delta[n * stride + c] = match children[n].get(&b) {
                    Some(&child) => child,
                    None => delta[fail[n] * stride + c],
                };
            }
            for (&b, &child) in &children[n] {
                let c = usize::from(classes[usize::from(b)]);
                fail[child] = delta[fail[n] * stride + c];
                queue.push_back(child);
            }
        }

        // Outputs: a state's own terms, then its failure link's (breadth-first order means the
        // link's list is complete first).
        let mut order: Vec<usize> = (0..states).collect();
        order.sort_by_key(|&n| depth[n]);
        let mut all: Vec<Vec<(u32, u32)>> = vec![Vec::new(); states];
        for &n in &order {
            if n == IN_WORD || n == AT_START {
                continue;
            }
            let d = depth[n] as u32;
            let mut out: Vec<(u32, u32)> = own[n].iter().map(|&t| (t, d)).collect();
            out.extend_from_slice(&all[fail[n]]);
            all[n] = out;
        }

        // Renumber breadth first: the shallow states, where a scan spends most bytes, share
        // cache lines and pages (in insertion order, each term's states would lie apart).
        let mut renumber = vec![0usize; states];
        for (r, &n) in order.iter().enumerate() {
            renumber[n] = r;
        }
        let mut table = vec![0u32; states * stride];
        let mut output_ranges = vec![(0u32, 0u32); states];
        let mut outputs = Vec::new();
        // (Below the table limit, so below HAS_MATCHES.)
        let premultiplied = |s: usize| (s * stride) as u32;
        for n in 0..states {
            let r = renumber[n];
            for c in 0..stride {
                let target = delta[n * stride + c];
                let flag = if all[target].is_empty() {
                    0
                } else {
                    HAS_MATCHES
                };
                table[r * stride + c] = premultiplied(renumber[target]) | flag;
            }
            let start = outputs.len() as u32;
            outputs.extend_from_slice(&all[n]);
            output_ranges[r] = (start, outputs.len() as u32);
        }
        Ok(WordStartDfa {
            classes,
            stride,
            table,
            output_ranges,
            outputs,
            longest,
            roots: [
                premultiplied(renumber[IN_WORD]),
                premultiplied(renumber[AT_START]),
            ],
        })
    }

    /// The longest term, in bytes.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Every occurrence of a term in `bytes` that starts in `from..until` at the start of the
    /// text or after a non-word byte (the byte before `from` decides for `from`), ordered by
    /// start, then end, then term. Whether a term *ends* at a word boundary is not tested.
    ///
    /// A long range is read as four pieces at once, each piece scanned on past its end for
    /// as long as a term starting in it may run: each byte's step waits on the table load of the
    /// byte before, and the pieces' loads overlap (the table is larger than the fastest caches).
    pub fn occurrences(&self, bytes: &[u8], from: usize, until: usize, out: &mut Vec<Hit>) {
        let until = until.min(bytes.len());
        if from >= until {
            return;
        }
        let pieces = if until - from >= LANES * MIN_PIECE {
            LANES
        } else {
            1
        };
        let piece = (until - from).div_ceil(pieces);
        let mut lanes: [Lane; LANES] = std::array::from_fn(|k| {
            let start = (from + k * piece).min(until);
            let until = if k < pieces {
                (start + piece).min(until)
            } else {
                start
            };
            let before_word = start > 0 && is_word_byte(bytes[start - 1]);
            Lane {
                p: start,
                // (A piece that is empty reads nothing.)
                end: if start < until {
                    until.saturating_add(self.longest).min(bytes.len())
                } else {
                    start
                },
                until,
                state: self.roots[usize::from(!before_word)],
                found: Vec::new(),
            }
        });
        // All pieces in step while each has bytes left, then each on its own.
        let common = lanes.iter().map(|l| l.end - l.p).min().unwrap_or(0);
        for _ in 0..common {
            for lane in &mut lanes {
                self.step(bytes, lane);
            }
        }
        // (Each piece's occurrences are in order, and the pieces' starts are.)
        for lane in &mut lanes {
            while lane.p < lane.end {
                self.step(bytes, lane);
            }
            out.append(&mut lane.found);
        }
    }

    /// The occurrences of each of `texts` (as [`WordStartDfa::occurrences`] gives them for the
    /// whole text), from one reading of them all, joined by a byte that never occurs in UTF-8:
    /// a document's blocks are short, and only a long text is cut into pieces read at once.
    pub fn occurrences_each(&self, texts: &[&[u8]]) -> Vec<Vec<Hit>> {
        let mut joined = Vec::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
        let mut starts = Vec::with_capacity(texts.len());
        for t in texts {
            starts.push(joined.len() as u32);
            joined.extend_from_slice(t);
            joined.push(SEPARATOR);
        }
        let mut all = Vec::new();
        self.occurrences(&joined, 0, joined.len(), &mut all);
        let mut rest = all.as_slice();
        texts
            .iter()
            .zip(starts)
            .map(|(t, start)| {
                let n = rest.partition_point(|h| h.start < start + t.len() as u32);
                let (here, after) = rest.split_at(n);
                rest = after;
                here.iter()
                    .map(|h| Hit {
                        start: h.start - start,
                        end: h.end - start,
                        term: h.term,
                    })
                    .collect()
            })
            .collect()
    }

    /// Reads the next byte of a piece, adding the occurrences that end there.
    #[inline(always)]
    fn step(&self, bytes: &[u8], lane: &mut Lane) {
        let p = lane.p;
        lane.p += 1;
        let class = self.classes[usize::from(bytes[p])];
        lane.state = self.table[(lane.state & !HAS_MATCHES) as usize + usize::from(class)];
        if lane.state & HAS_MATCHES != 0 {
            let (lo, hi) = self.output_ranges[(lane.state & !HAS_MATCHES) as usize / self.stride];
            for &(term, len) in &self.outputs[lo as usize..hi as usize] {
                let start = p + 1 - len as usize;
                if start < lane.until {
                    // Kept in order by start, then end: an occurrence found later (by its
                    // end) can start only a term's length earlier, so this moves it a few
                    // places at most. (Those with the same start and end are of terms with the
                    // same text, found in the order of their ids.)
                    // (Texts are limited far below 4 GiB.)
                    let hit = Hit {
                        start: start as u32,
                        end: (p + 1) as u32,
                        term,
                    };
                    let found = &mut lane.found;
                    let mut i = found.len();
                    found.push(hit);
                    while i > 0 && (found[i - 1].start, found[i - 1].end) > (hit.start, hit.end) {
                        found.swap(i - 1, i);
                        i -= 1;
                    }
                }
            }
        }
    }
}

/// Pieces a long text is read in at once.
const LANES: usize = 4;

/// Shortest piece worth a lane of its own, in bytes (below it, one lane reads the whole range).
const MIN_PIECE: usize = 256;

/// One piece of a text being read: the next byte, where reading stops, where its occurrences
/// must start before, the state, and the occurrences found.
struct Lane {
    p: usize,
    end: usize,
    until: usize,
    state: u32,
    found: Vec<Hit>,
}

/// Whether a byte is a word character: an ASCII letter, digit or underscore.
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence the automaton should give, found the slow way: each term compared
    /// (ASCII case-free) at each position in `from..until` where a term may start.
    fn naive(terms: &[String], bytes: &[u8], from: usize, until: usize) -> Vec<Hit> {
        let mut out = Vec::new();
        for p in from..until.min(bytes.len()) {
            if p > 0 && is_word_byte(bytes[p - 1]) {
                continue;
            }
            for (id, t) in terms.iter().enumerate() {
                let t = t.as_bytes();
                if bytes.len() - p >= t.len() && bytes[p..p + t.len()].eq_ignore_ascii_case(t) {
                    out.push(Hit {
                        start: p as u32,
                        end: (p + t.len()) as u32,
                        term: id as u32,
                    });
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn terms(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_string()).collect()
    }

    fn found(dfa: &WordStartDfa, text: &str, from: usize, until: usize) -> Vec<Hit> {
        let mut out = Vec::new();
        dfa.occurrences(text.as_bytes(), from, until, &mut out);
        out
    }

    #[test]
    fn matches_start_only_at_word_starts() {
        let t = terms(&["no", "not", "notice", "ice", "a"]);
        let dfa = WordStartDfa::new(&t).unwrap();
        let text = "Piano notice: no NOTICE, a nice ice.";
        let got = found(&dfa, text, 0, text.len());
        assert_eq!(got, naive(&t, text.as_bytes(), 0, text.len()));
        // "no" in "Piano" and "ice" in "notice" and "nice" are not word starts.
        assert!(got.iter().all(|h| h.start != 3));
        assert_eq!(got.iter().filter(|h| h.term == 3).count(), 1, "{got:?}");
    }

    #[test]
    fn terms_with_spaces_and_punctuation_restart_inside_a_partial_term() {
        // "data-processing" fails at "-x", where "processing" may still begin (after "-").
        let t = terms(&[
            "data-processing agreement",
            "processing",
            "agreement",
            "x-ray",
            "-",
        ]);
        let dfa = WordStartDfa::new(&t).unwrap();
        for text in [
            "the data-processor; data-processing agreement and data-x-ray",
            "DATA-PROCESSING AGREEMENT-processing--x-ray",
            "",
            "-",
            "é data-processing é-agreement",
        ] {
            assert_eq!(
                found(&dfa, text, 0, text.len()),
                naive(&t, text.as_bytes(), 0, text.len()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn bounds_keep_starts_in_range_and_read_the_byte_before() {
        let t = terms(&["term", "long term", "terms of use"]);
        let dfa = WordStartDfa::new(&t).unwrap();
        let text = "a long term; the terms of use, xterm term";
        for from in 0..text.len() {
            for until in from..=text.len() + 2 {
                assert_eq!(
                    found(&dfa, text, from, until),
                    naive(&t, text.as_bytes(), from, until),
                    "{from}..{until}"
                );
            }
        }
    }

    #[test]
    fn agrees_with_the_slow_way_on_a_large_vocabulary() {
        // Every lower-case word and two-word phrase of the fixture text as a term: a large
        // vocabulary with many shared prefixes and suffixes.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/make/examples/council-call-off-terms.md"
        ))
        .unwrap();
        let words: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .filter(|w| !w.is_empty())
            .collect();
        let mut list: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
        list.extend(
            words
                .windows(2)
                .step_by(7)
                .map(|p| format!("{} {}", p[0], p[1]).to_ascii_lowercase()),
        );
        list.sort();
        list.dedup();
        let dfa = WordStartDfa::new(&list).unwrap();
        assert_eq!(dfa.longest(), list.iter().map(String::len).max().unwrap());
        assert_eq!(
            found(&dfa, &text, 0, text.len()),
            naive(&list, text.as_bytes(), 0, text.len())
        );
    }

    #[test]
    fn texts_read_together_give_each_text_alone() {
        let t = terms(&["data", "data processing", "processing", "a"]);
        let dfa = WordStartDfa::new(&t).unwrap();
        let long = "data processing, a data-processing ".repeat(200);
        let texts: Vec<&[u8]> = ["data", "", "processing a", "xdata", "a", &long]
            .iter()
            .map(|t| t.as_bytes())
            .collect();
        let each = dfa.occurrences_each(&texts);
        assert_eq!(each.len(), texts.len());
        for (text, got) in texts.iter().zip(each) {
            assert_eq!(got, naive(&t, text, 0, text.len()));
        }
    }

    #[test]
    fn a_long_text_read_in_pieces_misses_nothing_at_their_edges() {
        let t = terms(&["term", "long term", "terms of use", "of"]);
        let dfa = WordStartDfa::new(&t).unwrap();
        let text = "a long term; the terms of use, xterm term of ".repeat(300);
        assert!(text.len() > LANES * MIN_PIECE * 4);
        for (from, until) in [(0, text.len()), (1, text.len() - 1), (777, 9000), (5, 5000)] {
            assert_eq!(
                found(&dfa, &text, from, until),
                naive(&t, text.as_bytes(), from, until),
                "{from}..{until}"
            );
        }
    }

    #[test]
    fn a_vocabulary_too_large_to_compile_is_refused_with_what_to_do() {
        // 100,000 terms of twelve letters: about 900,000 states of 28 byte classes.
        let letters = b"abcdefghijklmnopqrstuvwxyz";
        let list: Vec<String> = (0..100_000u64)
            .map(|i| {
                let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                (0..12)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        char::from(letters[(x % 26) as usize])
                    })
                    .collect()
            })
            .collect();
        let err = WordStartDfa::new(&list).unwrap_err();
        assert!(err.contains("remove or shorten some terms"), "{err}");
        // A tenth of them compiles.
        assert!(WordStartDfa::new(&list[..10_000]).is_ok());
    }

    #[test]
    fn no_terms_find_nothing() {
        let dfa = WordStartDfa::new(&[]).unwrap();
        assert_eq!(found(&dfa, "any text", 0, 8), Vec::new());
        assert_eq!(dfa.longest(), 0);
    }
}
